"""Certificates: the list of the certificates a user may see, the printed PDF, the confirmation that replaces a lost
certificate, and the public verification page (/verify/<code>/, no login).

Thin: the rules live in dtbd.training.services.certificates (numbering, replacement, the printed document) and
dtbd.training.queries (who sees which certificate). Out of sight → 404; visible but not allowed → 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.http import content_disposition
from dtbd.core.lists import render_list

from ..models import Certificate, TrainingClass
from ..permissions import can_run_class
from ..filters import CertificateFilterSet
from ..queries import certificate_rows, certificates_for
from ..services import certificates

PAGE_SIZE = 50


@login_required
def certificate_list(request):
    filterset = CertificateFilterSet(request.GET or None, queryset=certificates_for(request.user), request=request)
    form = filterset.form
    training_class = None
    if form.is_valid() and form.cleaned_data.get("lop"):
        training_class = TrainingClass.objects.filter(pk=form.cleaned_data["lop"]).first()

    def rows(page):
        page = list(page)
        for cert in page:  # programme already loaded: no query
            cert.title = certificates.document_title(cert)
        return page

    return render_list(request, certificate_rows(filterset.qs, request.user), "training/certificate_list.html",
                       page_size=PAGE_SIZE, partial_template="training/certificate_list_rows.html",
                       target="certificate-list", context={"form": form, "training_class": training_class},
                       rows=rows, rows_name="certificates")


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
    response["Content-Disposition"] = content_disposition(as_attachment=False, name=f"chung-chi-{cert.number}.pdf")
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
