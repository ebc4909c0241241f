"""Import pages: templates to download, upload → whole-file check → preview with every error → confirm → result.
Only users whose scope can write may import; a unit officer only inside their subtree (checked by the importers)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import scope_of
from dtbd.core import jobs
from dtbd.core.http import content_disposition
from dtbd.core.lists import render_list
from dtbd.core.middleware import upload_limit
from dtbd.core.models import ImportBatch, Job

from .services import check_batch
from .workbooks import build_template

SLUGS = {"don-vi": ImportBatch.Kind.UNITS, "can-bo": ImportBatch.Kind.STAFF, "nhu-cau": ImportBatch.Kind.NEEDS,
         "danh-gia": ImportBatch.Kind.ASSESSMENTS, "lich-su": ImportBatch.Kind.HISTORY}
FILE_NAMES = {ImportBatch.Kind.UNITS: "don-vi.xlsx", ImportBatch.Kind.STAFF: "can-bo.xlsx",
              ImportBatch.Kind.NEEDS: "nhu-cau.xlsx", ImportBatch.Kind.ASSESSMENTS: "danh-gia.xlsx", ImportBatch.Kind.HISTORY: "lich-su.xlsx"}
BATCH_PAGE_SIZE = 20


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Chỉ nhận tệp Excel .xlsx theo mẫu."))
        return upload


def _writer_scope(request):
    scope = scope_of(request.user)
    if not scope.can_write:
        raise PermissionDenied
    return scope


def _batch_for(request, pk):
    """The user's own batch (a province-wide manager sees every batch); anything else is 404."""
    scope = _writer_scope(request)
    batch = get_object_or_404(ImportBatch.objects.select_related("user"), pk=pk)
    if batch.user_id != request.user.pk and not scope.everything:
        raise Http404
    return batch


def _kind(slug):
    try:
        return SLUGS[slug]
    except KeyError:
        raise Http404 from None


@login_required
def index(request):
    _writer_scope(request)
    forms_by_kind = {kind: UploadForm(prefix=kind) for kind in ImportBatch.Kind.values}
    return _render_index(request, forms_by_kind)


def _render_index(request, forms_by_kind, status=200):
    batches = ImportBatch.objects.filter(user=request.user).order_by("-created_at", "-pk")
    kinds = [
        {"slug": slug, "kind": kind, "label": ImportBatch.Kind(kind).label, "file_name": FILE_NAMES[kind],
         "form": forms_by_kind[kind]}
        for slug, kind in SLUGS.items()
    ]
    return render_list(request, batches, "imports/index.html", page_size=BATCH_PAGE_SIZE, context={"kinds": kinds},
                       rows_name="batches", status=status)


@login_required
def template_file(request, slug):
    _writer_scope(request)
    kind = _kind(slug)
    response = HttpResponse(
        build_template(kind), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition(FILE_NAMES[kind])
    return response


@upload_limit()
@login_required
@require_POST
def upload(request, slug):
    _writer_scope(request)
    kind = _kind(slug)
    form = UploadForm(request.POST, request.FILES, prefix=kind)
    if not form.is_valid():
        forms_by_kind = {k: UploadForm(prefix=k) for k in ImportBatch.Kind.values}
        forms_by_kind[kind] = form
        return _render_index(request, forms_by_kind, status=400)
    upload_file = form.cleaned_data["file"]
    batch = ImportBatch(user=request.user, kind=kind, file_name=upload_file.name[:255], status=ImportBatch.Status.INVALID)
    batch.file.save(upload_file.name, upload_file, save=False)
    check_batch(batch, request.user, dry_run=True)
    return redirect("imports:batch", pk=batch.pk)


@login_required
def batch_detail(request, pk):
    batch = _batch_for(request, pk)
    report = batch.report or {}
    job = Job.objects.filter(
        kind=Job.Kind.IMPORT, created_by=request.user, parameters__batch=batch.pk,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
    ).first() if batch.status == ImportBatch.Status.VALID else None
    return render(request, "imports/batch.html", {
        "batch": batch,
        "job": job,
        "errors": report.get("errors", []),
        "preview": report.get("preview", []),
    })


@login_required
@require_POST
def confirm(request, pk):
    batch = _batch_for(request, pk)
    if batch.status != ImportBatch.Status.VALID:
        return redirect("imports:batch", pk=batch.pk)
    # The import is applied by a background job (dtbd.imports.jobs.apply_import); a second click while it
    # waits or runs leads to the same job.
    pending = Job.objects.filter(
        kind=Job.Kind.IMPORT, created_by=request.user, parameters__batch=batch.pk,
        status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
    ).first()
    job = pending or jobs.start(
        Job.Kind.IMPORT, request.user, {"batch": batch.pk},
        title=_("Nhập %(kind)s: %(file)s") % {"kind": batch.get_kind_display().lower(), "file": batch.file_name},
        link=reverse("imports:batch", args=[batch.pk]),
    )
    return redirect("jobs:detail", pk=job.pk)
