"""Staff register pages: list (htmx filters), export, record page, create/edit, qualifications, leave, delete.

Views are thin: reads go through dtbd.people.queries (scoped by Person.objects.restrict), writes through the forms
and dtbd.people.services. Anything outside the user's scope answers 404."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dtbd.accounts.scope import CHANGE, is_manager, scope_of
from dtbd.core import jobs
from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export, request_filters
from dtbd.core.http import client_ip
from dtbd.core.lists import render_list
from dtbd.core.models import Job

from . import exports, extensions, masking, queries, services
from .filters import PersonFilterSet
from .forms import LeaveForm, PersonForm, QualificationForm
from .models import Person


def _filterset(request):
    return PersonFilterSet(request.GET, queryset=Person.objects.restrict(request.user), request=request)


@login_required
def person_list(request):
    scope = scope_of(request.user)
    filterset = _filterset(request)
    ids = filterset.qs.order_by("name_folded", "code").values_list("pk", flat=True)
    context = {"filter": filterset, "scope": scope, "can_edit": scope.can_write, "today": datetime.date.today()}
    return render_list(
        request, ids, "people/person_list.html", partial_template="people/_person_results.html", target="person-results",
        page_size=queries.PAGE_SIZE, context=context, rows=queries.display_rows,
    )


@login_required
def person_export(request):
    filterset = _filterset(request)
    people = filterset.qs.order_by("name_folded", "code")
    show = masking.sees_identifiers(request.user)
    handle = exports.staff_xlsx_file(people, show_citizen_id=show)
    description = _("Danh sách cán bộ (.xlsx)") + ("" if show else " · " + _("CCCD, điện thoại đã che"))
    log_export(request.user, ExportKind.STAFF, description, people.count(), request=request)
    name = f"danh-sach-can-bo-{datetime.date.today():%Y%m%d}.xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def person_export_job(request):
    """The list's "Xuất Excel" button: the export is written by a background job (dtbd.people.jobs) and the user
    follows its progress on the job page. The GET export above stays for direct links."""
    parameters = {"query": request.GET.urlencode(), "filters": request_filters(request), "ip": client_ip(request)}
    job = jobs.start(Job.Kind.STAFF_EXPORT, request.user, parameters, title=_("Xuất danh sách cán bộ (.xlsx)"))
    return redirect("jobs:detail", pk=job.pk)


@login_required
def person_detail(request, pk):
    person = queries.person_for(request.user, pk)
    scope = scope_of(request.user)
    row = queries.display_rows([person.pk])[0]
    h = queries.histories(person)
    groups = queries.qualifications_by_type(person)
    today = datetime.date.today()
    entries = queries.audit_entries(person)
    if not masking.sees_identifiers(request.user, person):
        entries = queries.mask_audit_field(entries, "citizen_id", masking.mask_citizen_id)
        entries = queries.mask_audit_field(entries, "phone", masking.mask_phone)
    citizen_id, phone = masking.identifiers(request.user, person)
    context = {
        "person": person,
        "row": row,
        "scope": scope,
        "can_edit": scope.can_write,
        "can_delete": _can_delete(request.user),
        "h": h,
        "current_posts": [r for r in h["posts"] if r.valid_to is None or r.valid_to == person.left_on],
        "current_jobs": [r for r in h["jobs"] if r.valid_to is None or r.valid_to == person.left_on][:1],
        "current_planned": [r for r in h["planned"] if r.valid_to is None],
        "qualification_groups": groups,
        "has_qualifications": any(items for _type, _label, items in groups),
        "entries": entries,
        "today": today,
        "age": person.age_on(person.left_on or today),
        "citizen_id": citizen_id,
        "phone": phone,
    }
    context.update(extensions.person_page_context(request, person, context))  # the standards panel
    return render(request, "people/person_detail.html", context)


@login_required
def person_create(request):
    if not scope_of(request.user).can_write:
        raise PermissionDenied
    initial = {}
    unit_pk = request.GET.get("unit")
    if unit_pk and unit_pk.isdigit():
        initial["unit"] = unit_pk
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, _("Đã thêm cán bộ %(name)s.") % {"name": person.full_name})
        return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None, "identity_fields": PersonForm.Meta.fields})


@login_required
def person_edit(request, pk):
    person = queries.person_for(request.user, pk, CHANGE)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        person = form.save()
        messages.success(request, _("Đã lưu hồ sơ %(name)s.") % {"name": person.full_name})
        return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person, "identity_fields": PersonForm.Meta.fields})


@login_required
def qualification_edit(request, pk, qpk=None):
    person = queries.person_for(request.user, pk, CHANGE)
    qualification = get_object_or_404(person.qualifications, pk=qpk) if qpk else None
    form = QualificationForm(request.POST or None, instance=qualification, person=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu văn bằng, chứng chỉ của %(name)s.") % {"name": person.full_name})
        return redirect(f"{person_url(person)}#van-bang")
    return render(request, "people/qualification_form.html", {"form": form, "person": person, "qualification": qualification})


@login_required
def person_leave(request, pk):
    person = queries.person_for(request.user, pk, CHANGE)
    if person.left_on:
        messages.info(request, _("Cán bộ này đã thôi công tác từ %(date)s.") % {"date": person.left_on.strftime("%d/%m/%Y")})
        return redirect("people:person_detail", pk=person.pk)
    form = LeaveForm(request.POST or None, person=person, initial={"on_date": datetime.date.today()})
    if request.method == "POST" and form.is_valid():
        services.record_leave(person, form.cleaned_data["on_date"], form.cleaned_data["reason"])
        messages.success(request, _("Đã ghi nhận %(name)s thôi công tác.") % {"name": person.full_name})
        return redirect("people:person_detail", pk=person.pk)
    return render(request, "people/person_leave.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_delete(request, pk):
    person = queries.person_for(request.user, pk, CHANGE)
    if not _can_delete(request.user):
        raise PermissionDenied
    if request.method == "POST":
        name = str(person)
        services.delete_person(person)
        messages.success(request, _("Đã xoá hồ sơ %(name)s.") % {"name": name})
        return redirect("people:person_list")
    return render(request, "people/person_confirm_delete.html", {"person": person, "h": queries.histories(person)})


def _can_delete(user):
    """Deleting a record (for mistakes only) is for the system admin and the province manager."""
    return is_manager(user)


def person_url(person):
    return reverse("people:person_detail", args=[person.pk])


def unit_headcounts(request, unit):
    """The unit page's headcounts of the unit's subtree (registered on org.extensions.unit_page)."""
    counts = queries.headcounts(queries.subtree_staff(unit))
    return {"counts": counts, "rows": queries.headcount_rows(counts)}
