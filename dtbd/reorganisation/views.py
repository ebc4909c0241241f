"""Pages of the reorganisation (docs/domain.md §15), for province managers only: the mapping file's upload, the
operations on one unit, the preview of an operation and its confirmation (the file: a background job with progress)."""
import datetime
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.core import jobs
from dtbd.core.importing import ImportFailed
from dtbd.core.models import Job
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.models import Unit
from dtbd.people import reorganise as people_reorganise

from . import mapping, operations, services
from .forms import OperationForm, UploadForm
from .models import Operation

LIST_SIZE = 50
CHOICE_LIMIT = 500  # people listed one by one for a split; a larger unit is split by sub-unit


def _manager(request):
    if not services.may_reorganise(request.user):
        raise PermissionDenied(_("Chỉ quản lý cấp tỉnh được sắp xếp tổ chức bộ máy."))


def _operation(request, pk):
    _manager(request)
    return get_object_or_404(Operation, pk=pk)


@login_required
def index(request):
    _manager(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload, day = form.cleaned_data["file"], form.cleaned_data["on_date"]
        level = form.cleaned_data["abolish_level"]
        try:
            loaded = mapping.load(upload, day, level)
        except ImportFailed as failed:
            errors = failed.errors
        else:
            operation = Operation.objects.create(
                kind=Operation.Kind.FILE, on_date=day, abolish_level=level, file_name=upload.name[:255],
                rows=[{"row": r.row, "old": r.old, "new": r.new, "note": r.note} for r, _o, _n in loaded.rows],
                note=loaded.note, created_by=request.user)
            return redirect("reorganisation:detail", pk=operation.pk)
    recent = Operation.objects.select_related("created_by")[:LIST_SIZE]
    return render(request, "reorganisation/index.html", {"form": form, "errors": errors, "operations": recent})


@login_required
def template(request):
    _manager(request)
    path = Path(tempfile.mkdtemp()) / "sap-xep.xlsx"
    write_sheet(path, list(services.HEADERS), [])
    return FileResponse(path.open("rb"), as_attachment=True, filename="sap-xep.xlsx")


@login_required
def detail(request, pk):
    operation = _operation(request, pk)
    seen, errors = ({}, [])
    if operation.status == Operation.Status.PREPARED:
        seen, errors = operations.preview(operation)
    return render(request, "reorganisation/detail.html", {
        "operation": operation, "seen": seen, "errors": errors,
        "day_before": operation.on_date - datetime.timedelta(days=1)})


@login_required
@require_POST
def confirm(request, pk):
    operation = _operation(request, pk)
    if operation.status != Operation.Status.PREPARED:
        messages.warning(request, _("Phương án này không còn chờ xác nhận."))
        return redirect("reorganisation:detail", pk=operation.pk)
    if operation.kind == Operation.Kind.FILE:
        operation.status = Operation.Status.RUNNING
        operation.save(update_fields=["status"])
        job = jobs.start(Job.Kind.REORGANISE, request.user, {"operation": operation.pk},
                         title=_("Sắp xếp tổ chức bộ máy từ %(date)s") % {"date": operation.on_date.strftime("%d/%m/%Y")},
                         link=reverse("reorganisation:detail", args=[operation.pk]))
        Operation.objects.filter(pk=operation.pk).update(job=job)
        return redirect("jobs:detail", pk=job.pk)
    try:
        summary = operations.confirm(operation, request.user)
    except services.Refused as refused:
        for error in refused.errors:
            messages.error(request, str(error))
        return redirect("reorganisation:detail", pk=operation.pk)
    messages.success(request, _("Đã sắp xếp: %(units)s đơn vị kết thúc, %(people)s người chuyển sang đơn vị mới.")
                     % summary)
    return redirect("reorganisation:detail", pk=operation.pk)


@login_required
@require_POST
def drop(request, pk):
    operation = _operation(request, pk)
    if operation.status == Operation.Status.PREPARED:
        operation.status = Operation.Status.DROPPED
        operation.save(update_fields=["status"])
        messages.success(request, _("Đã huỷ phương án; không có gì thay đổi."))
    return redirect("reorganisation:index")


def _new_unit(unit, data, code, name, parent):
    return {"code": code, "name": name, "parent": parent, "kind": data.get("new_kind") or unit.kind,
            "level": data.get("new_level") or unit.admin_level}


@login_required
def unit_operation(request, pk):
    """The operations on one unit: a form, then (split, dissolve) who goes where, then the preview."""
    _manager(request)
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    form = OperationForm(request.POST or None, initial={"new_parent": unit.parent.code if unit.parent_id else ""})
    context = {"unit": unit, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "reorganisation/unit_operation.html", context)
    data = form.cleaned_data
    K = Operation.Kind
    kind, day = data["kind"], data["on_date"]
    operation = Operation(kind=kind, on_date=day, note=data["note"], created_by=request.user)
    parent_code = unit.parent.code if unit.parent_id else ""
    if kind == K.RENAME:
        operation.rows = [{"row": 2, "old": unit.code, "new": unit.code}]
        operation.rename_to = data["new_name"]
    elif kind == K.MOVE:
        operation.new_units = [_new_unit(unit, data, data["new_code"], data["new_name"] or unit.name,
                                         data["new_parent"])]
        operation.rows = [{"row": 2, "old": unit.code, "new": data["new_code"]}]
    elif kind == K.MERGE:
        target = data["successor"].strip()
        if not target:
            target = data["new_code"]
            operation.new_units = [_new_unit(unit, data, target, data["new_name"], data["new_parent"] or parent_code)]
        olds = [unit.code, *[c for c in form.codes(data["others"]) if c != unit.code]]
        operation.rows = [{"row": i + 2, "old": code, "new": target} for i, code in enumerate(olds)]
    else:  # split, dissolve: who goes where
        successors = form.codes(data["successor"])
        before = day - datetime.timedelta(days=1)
        children = list(unit.children.active_on(before).order_by("path"))
        ids = list(Unit.objects.subtree(unit).values_list("pk", flat=True))
        people = people_reorganise.people_rows(ids, before, CHOICE_LIMIT + 1)
        if "assign" not in request.POST:
            context.update(step="assign", successors=successors, children=children,
                           people=people[:CHOICE_LIMIT], too_many=len(people) > CHOICE_LIMIT)
            return render(request, "reorganisation/unit_operation.html", context)
        default = successors[0]
        rows = [{"row": 2, "old": unit.code, "new": default}]
        for child in children:
            chosen = request.POST.get(f"unit_{child.pk}", default)
            if chosen in successors and chosen != default:
                rows.append({"row": len(rows) + 2, "old": child.code, "new": chosen})
        operation.rows = rows
        operation.people = {str(pid): request.POST[f"person_{pid}"] for pid, *_rest in people[:CHOICE_LIMIT]
                            if request.POST.get(f"person_{pid}") in successors}
    operation.save()
    return redirect("reorganisation:detail", pk=operation.pk)
