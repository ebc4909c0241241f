"""Certificates: the list of the certificates a user may see, the printed PDF, the confirmation that replaces a lost
certificate, and the public verification page (/verify/<code>/, no login).

Thin: the rules live in dtbd.training.certificates (numbering, replacement, the printed document) and
dtbd.training.queries (who sees which certificate). Out of sight → 404; visible but not allowed → 403."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export

from ..models import Certificate, Provider, TrainingClass
from ..permissions import can_run_class
from ..queries import certificate_rows, certificates_for, search_certificates
from ..services import certificates

PAGE_SIZE = 50


class CertificateFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Tìm theo tên, số hiệu"), required=False)
    co_so = forms.ModelChoiceField(
        label=gettext_lazy("Cơ sở cấp"), queryset=Provider.objects.order_by("name"), required=False,
        empty_label=gettext_lazy("Tất cả"),
    )
    nam = forms.IntegerField(label=gettext_lazy("Năm cấp"), required=False, min_value=1990, max_value=2100)
    lop = forms.IntegerField(required=False, widget=forms.HiddenInput)


@login_required
def certificate_list(request):
    form = CertificateFilterForm(request.GET or None)
    qs = certificates_for(request.user)
    training_class = None
    if form.is_valid():
        data = form.cleaned_data
        if data["lop"]:
            training_class = TrainingClass.objects.filter(pk=data["lop"]).first()
            qs = qs.filter(enrollment__training_class_id=data["lop"])
        if data["co_so"]:
            qs = qs.filter(provider=data["co_so"])
        if data["nam"]:
            qs = qs.filter(year=data["nam"])
        qs = search_certificates(qs, data["q"])
    page_obj = Paginator(certificate_rows(qs, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for cert in page_obj.object_list:  # programme already loaded: no query
        cert.title = certificates.document_title(cert)
    context = {"form": form, "page_obj": page_obj, "certificates": page_obj.object_list, "training_class": training_class}
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "certificate-list":
        return render(request, "training/certificate_list_rows.html", context)
    return render(request, "training/certificate_list.html", context)


def _visible_certificate(user, pk):
    return get_object_or_404(
        certificates_for(user).select_related("enrollment__training_class__provider__unit"), pk=pk
    )


@login_required
@require_GET
def certificate_pdf(request, pk):
    cert = _visible_certificate(request.user, pk)
    if cert.revoked_at:
        return render(request, "training/certificate_revoked.html", {"cert": cert}, status=404)
    response = HttpResponse(certificates.document_pdf(cert), content_type="application/pdf")
    log_export(request.user, ExportKind.CERTIFICATE, f"{cert.number} · {cert.enrollment.training_class.code}", 1, request=request)
    response["Content-Disposition"] = content_disposition_header(False, f"chung-chi-{cert.number}.pdf")
    return response


@login_required
@require_POST
def certificate_replace(request, pk):
    cert = _visible_certificate(request.user, pk)
    if not can_run_class(request.user, cert.enrollment.training_class):
        raise PermissionDenied(_("Chỉ quản lý cấp tỉnh hoặc cơ sở tổ chức lớp được cấp giấy xác nhận thay chứng chỉ."))
    try:
        confirmation = certificates.replace_lost(cert, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã cấp giấy xác nhận hoàn thành số %(number)s thay chứng chỉ %(old)s.")
            % {"number": confirmation.number, "old": cert.number},
        )
    return redirect(f"{reverse('training:certificate_list')}?lop={cert.enrollment.training_class_id}")


# -- public -----------------------------------------------------------------------------------------------------------
@require_GET
def verify(request, code):
    """Public verification: only the name, programme, dates, issuer, number and status — nothing else."""
    cert = (
        Certificate.objects.select_related("provider", "enrollment__person", "enrollment__training_class__program")
        .filter(code=code).first()
    )
    if cert is None:
        return render(request, "public/verify_not_found.html", {"code": code}, status=404)
    cls = cert.enrollment.training_class
    context = {
        "title": certificates.document_title(cert),
        "number": cert.number,
        "name": cert.enrollment.person.full_name,
        "programme": cls.program.name,
        "starts_on": cls.starts_on,
        "ends_on": cls.ends_on,
        "issued_on": cert.issued_on,
        "issuer": cert.provider.name,
        "revoked": cert.revoked_at is not None,
        "revoked_at": cert.revoked_at,
    }
    return render(request, "public/verify.html", context)
