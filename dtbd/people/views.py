"""Staff register pages: list (htmx filters), export, record page, create/edit, qualifications, leave, delete.

Views are thin: reads go through dtbd.people.queries (scoped by Person.objects.restrict), writes through the forms
and dtbd.people.services. Anything outside the user's scope answers 404."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dtbd.accounts.scope import CHANGE, is_manager, scope_of
from dtbd.core import jobs
from dtbd.core.exportlog import Kind as ExportKind
from dtbd.core.exportlog import log_export, request_filters
from dtbd.core.http import client_ip, content_disposition
from dtbd.core.lists import page_of, render_list
from dtbd.core.models import Job

from . import assessments, exports, extensions, masking, queries, services
from .filters import PersonFilterSet
from .forms import (
    AssessmentFilterForm,
    AssessmentRowForm,
    LeaveForm,
    PersonForm,
    QualificationForm,
    default_assessment_year,
)
from .models import Person


def _filterset(request):
    return PersonFilterSet(request.GET, queryset=Person.objects.restrict(request.user), request=request)


@login_required
def person_list(request):
    scope = scope_of(request.user)
    filterset = _filterset(request)
    ids = filterset.qs.order_by("name_sort", "code").values_list("pk", flat=True)
    context = {"filter": filterset, "scope": scope, "can_edit": scope.can_write, "today": datetime.date.today()}
    return render_list(
        request, ids, "people/person_list.html", partial_template="people/_person_results.html", target="person-results",
        page_size=queries.PAGE_SIZE, context=context, rows=queries.display_rows,
    )


@login_required
def person_export(request):
    filterset = _filterset(request)
    people = filterset.qs.order_by("name_sort", "code")
    show = masking.sees_identifiers(request.user)
    handle = exports.staff_xlsx_file(people, show_citizen_id=show)
    description = _("Danh sách cán bộ (.xlsx)") + ("" if show else " · " + _("CCCD, điện thoại đã che"))
    log_export(request.user, ExportKind.STAFF, description, people.count(), request=request)
    response = FileResponse(handle, as_attachment=True,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition(f"danh-sach-can-bo-{datetime.date.today().isoformat()}.xlsx")
    return response


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
        "assessments": assessments.person_assessments(person),
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


# ---------------------------------------------------------------- annual assessment grid (docs/domain.md §14.1)

GRID_PAGE_SIZE = 50


def _grid_selection(request):
    """(filter form, year, unit) of the grid: the unit asked for (404 outside the user's scope), by default the top of
    the user's scope; the year asked for, by default the year being assessed."""
    scope = scope_of(request.user)
    if not scope.sees_units:
        raise Http404
    data = request.GET.copy()
    data.setdefault("year", str(default_assessment_year()))
    form = AssessmentFilterForm(data, user=request.user)
    form.is_valid()
    if form.has_error("unit"):
        raise Http404("Không tìm thấy đơn vị trong phạm vi của bạn.")
    unit = form.cleaned_data.get("unit") or form.fields["unit"].queryset.first()
    if unit is None:
        raise Http404
    year = form.cleaned_data.get("year") or default_assessment_year()
    return form, year, unit


def _grid_forms(data, year, pks):
    return {pk: AssessmentRowForm(data, year=year, prefix=f"p{pk}") for pk in pks}


@login_required
@require_http_methods(["GET", "POST"])
def assessment_grid(request):
    """Đánh giá, xếp loại hằng năm: the people of a unit's subtree for a year, one line each (rating, date, note);
    the changed lines are saved at once by assessments.record_assessments (which checks the scope of every person)."""
    scope = scope_of(request.user)
    form, year, unit = _grid_selection(request)
    if request.method == "POST" and not scope.can_write:
        raise PermissionDenied
    ids = assessments.assessed_people(unit, year).order_by("name_sort", "code").values_list("pk", flat=True)
    page = page_of(request, ids, GRID_PAGE_SIZE)
    rows = assessments.grid_rows(page.object_list, unit, year)
    posted = {}
    if request.method == "POST":
        pks = sorted({int(v) for v in request.POST.getlist("person") if v.isdigit() and len(v) < 19})
        posted = _grid_forms(request.POST, year, pks)
        if all(f.is_valid() for f in posted.values()):
            lines = [{"person": pk, **f.cleaned_data} for pk, f in posted.items()]
            try:
                outcome, _saved = assessments.record_assessments(request.user, year, lines)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _(
                    "Đã lưu đánh giá năm %(year)s: %(created)s thêm mới, %(changed)s thay đổi, %(removed)s xoá.")
                    % {"year": year, "created": outcome.created, "changed": outcome.changed, "removed": outcome.removed})
                return redirect(request.get_full_path())
        else:
            messages.error(request, _("Có dòng chưa hợp lệ: xem các ô được đánh dấu."))
    lines = []
    for person in rows:
        line_form = posted.get(person.pk)
        if line_form is None:
            a = person.assessment
            initial = {"rating": a.rating, "assessed_on": a.assessed_on, "note": a.note} if a else {}
            line_form = AssessmentRowForm(year=year, prefix=f"p{person.pk}", initial=initial)
        lines.append((person, line_form))
    context = {"filter_form": form, "year": year, "unit": unit, "page_obj": page, "lines": lines,
               "can_edit": scope.can_write}
    return render(request, "people/assessment_grid.html", context, status=400 if posted and request.method == "POST" else 200)
