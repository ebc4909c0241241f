"""Certificates: the list of the certificates a user may see, the printed PDF, the confirmation that replaces a lost
certificate, and the public verification page (/verify/<code>/, no login).

Thin: the rules live in dtbd.training.services.certificates (numbering, replacement, the printed document) and
dtbd.training.queries (who sees which certificate). Out of sight → 404; visible but not allowed → 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dtbd.core import officialdoc
from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export
from dtbd.core.http import content_disposition
from dtbd.core.lists import render_list

from ..filters import CertificateFilterSet
from ..forms.certificates import DecisionForm, VerifySearchForm
from ..models import Certificate, IssuingDecision, TrainingClass
from ..permissions import can_run_class, classes_for
from ..queries import certificate_rows, certificates_for
from ..services import certificates, documents

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


# -- issuing decisions --------------------------------------------------------------------------------------------------
DOCUMENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@login_required
def issuing_decisions(request, pk):
    """The class's issuing decisions: the draft (learners waiting, the form that confirms it) and those confirmed."""
    cls = get_object_or_404(classes_for(request.user).select_related("program", "provider__unit"), pk=pk)
    if not can_run_class(request.user, cls):
        raise PermissionDenied(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được ban hành quyết định cấp chứng chỉ."))
    draft = cls.issuing_decisions.filter(status=IssuingDecision.Status.DRAFT).first()
    form = DecisionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if draft is None:
            messages.error(request, _("Lớp không có dự thảo quyết định cấp chứng chỉ nào đang chờ."))
            return redirect("training:issuing_decisions", pk=cls.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = certificates.confirm_decision(
                    draft, data["number"], data["decided_on"], data["signer_name"], data["signer_position"],
                    data["authority"], user=request.user)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, messages_ in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, messages_)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, _("Đã ban hành quyết định số %(number)s và cấp %(n)s chứng chỉ.") % {
                    "number": data["number"], "n": len(issued)})
                return redirect("training:issuing_decisions", pk=cls.pk)
        status = 400
    context = {
        "obj": cls,
        "draft": draft,
        "waiting": list(certificates.pending_enrollments(cls)) if draft else [],
        "form": form,
        "confirmed": list(cls.issuing_decisions.filter(status=IssuingDecision.Status.CONFIRMED)
                          .annotate(n_certificates=Count("certificates"))),
    }
    return render(request, "training/issuing_decisions.html", context, status=status)


@login_required
@require_GET
def issuing_decision_file(request, pk, fmt):
    """A decision as Word (to edit before signing) or PDF; a draft's number, date and signer are left blank."""
    if fmt not in DOCUMENT_TYPES:
        raise Http404(_("Không có định dạng này."))
    decision = get_object_or_404(
        IssuingDecision.objects.select_related("training_class__program", "training_class__provider__unit")
        .filter(training_class__in=classes_for(request.user).values("pk")), pk=pk)
    if not can_run_class(request.user, decision.training_class):
        raise PermissionDenied(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được tải quyết định cấp chứng chỉ."))
    document = documents.issuing_decision(decision, prepared_by=request.user.signature_name())
    try:
        content = documents.render(document, fmt)
    except officialdoc.DocumentNotAvailable as missing:
        return HttpResponse(str(missing), status=503, content_type="text/plain; charset=utf-8")
    name = documents.decision_file_name(decision, fmt)
    log_export(request.user, ExportKind.CERTIFICATE, f"{name} · {decision.training_class.code}", 1, request=request)
    response = HttpResponse(content, content_type=DOCUMENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(name)
    return response
