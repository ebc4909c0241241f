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
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.lists import render_list

from ..filters import CertificateFilterSet
from ..forms.certificates import VerifySearchForm
from ..models import Certificate, TrainingClass
from ..permissions import can_run_class
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
    """Public verification by the QR token (everything the document shows) or by the printed number (the document,
    its issuer and status; the holder's name only once their full name or birth date is entered: the numbers follow
    each other and must not list other people's certificates)."""
    cert = certificates.by_token(code)
    if cert is not None:
        return render(request, "public/verify.html", certificates.verification_facts(cert, with_holder=True))
    cert = certificates.by_number(code)
    if cert is None:
        return render(request, "public/verify_not_found.html", {"code": code}, status=404)
    form = VerifySearchForm(initial={"so_hieu": cert.number})
    return render(request, "public/verify.html", {**certificates.verification_facts(cert, with_holder=False),
                                                  "form": form})


@require_GET
def verify_search(request):
    """The public search form: the printed number with the holder's full name or birth date (rate-limited with the
    rest of /verify/, and more strictly: DTBD_RATE_LIMITS)."""
    form = VerifySearchForm(request.GET or None)
    if not form.is_bound:
        return render(request, "public/verify_search.html", {"form": form})
    if not form.is_valid():
        return render(request, "public/verify_search.html", {"form": form}, status=400)
    data = form.cleaned_data
    cert = certificates.find_for_verification(data["so_hieu"], data["ho_ten"], data["ngay_sinh"])
    if cert is None:
        return render(request, "public/verify_search.html", {"form": form, "not_found": True}, status=404)
    return render(request, "public/verify.html", certificates.verification_facts(cert, with_holder=True))
