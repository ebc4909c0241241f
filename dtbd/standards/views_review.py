"""Review (rà soát) pages: counts by requirement for a unit and date, the drill-down to the people with its .xlsx
export, and the rule catalogue (read by everyone signed in, edited by managers). Units are read through the user's
scope: a unit outside it answers 404; a user without a unit scope is refused (403)."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dtbd.accounts.scope import is_manager, scope_of
from dtbd.core.http import content_disposition, file_slug
from dtbd.core.lists import render_list, render_page
from dtbd.core.models import valid_on_q
from dtbd.org.models import Unit
from dtbd.org.queries import default_unit, unit_for
from dtbd.people.catalog import Category, PostLevel, level_label
from dtbd.people.models import CategoryAssignment, PostAssignment, Qualification
from dtbd.people.queries import unit_on

from . import engine, exports, extensions
from .forms import RequirementForm, ReviewForm
from .models import Equivalence, Requirement, split_codes

PAGE_SIZE = 50


# -- access ------------------------------------------------------------------------------------------------------------
def _require_unit_scope(user):
    scope = scope_of(user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền rà soát tiêu chuẩn theo đơn vị."))


def can_manage(user):
    """Admins and province managers edit the rule catalogue."""
    return is_manager(user)




class Review:
    """The parameters of a review read from the query string: unit (in scope, else 404), date, people filters."""

    def __init__(self, request):
        user = request.user
        raw = request.GET.get("unit")
        data = request.GET.copy()
        if raw:
            if not raw.isdigit():
                raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
            unit_for(user, int(raw))
        else:
            unit = default_unit(user)
            if unit is not None:
                data["unit"] = str(unit.pk)
        if not data.get("date"):
            data["date"] = datetime.date.today().strftime("%d/%m/%Y")
        if data.get("unit"):
            self.form = ReviewForm(data, user=user)
            self.valid = self.form.is_valid()
        else:  # no unit chosen and no single default (several roots): ask, without an error
            self.form = ReviewForm(user=user, initial={"date": datetime.date.today()})
            self.valid = False
        cleaned = self.form.cleaned_data if self.valid else {}
        self.unit = cleaned.get("unit")
        self.date = cleaned.get("date") or datetime.date.today()
        self.category = cleaned.get("category") or ""
        self.post_level = cleaned.get("post_level") or ""

    def people_q(self):
        q = None
        if self.category:
            q = Q(pk__in=CategoryAssignment.objects.filter(valid_on_q(self.date), category=self.category).values("person_id"))
        if self.post_level:
            post = Q(pk__in=PostAssignment.objects.filter(valid_on_q(self.date), level=self.post_level).values("person_id"))
            q = post if q is None else q & post
        return q

    def query(self, **extra):
        params = {"unit": self.unit.pk if self.unit else "", "date": self.date.strftime("%d/%m/%Y")}
        if self.category:
            params["category"] = self.category
        if self.post_level:
            params["post_level"] = self.post_level
        params.update(extra)
        return urlencode(params)

    def filters_label(self):
        parts = []
        if self.category:
            parts.append(str(Category(self.category).label))
        if self.post_level:
            parts.append(str(PostLevel(self.post_level).label))
        return ", ".join(parts)


# -- review ------------------------------------------------------------------------------------------------------------
@login_required
def review(request):
    _require_unit_scope(request.user)
    params = Review(request)
    rows, by_unit, codes = [], [], []
    if params.valid:
        people_q = params.people_q()
        counts = engine.requirement_counts(params.unit, params.date, people_q)
        codes = [c.code for c in counts]
        info = engine.requirement_info(codes)
        for c in counts:
            rows.append({
                "counts": c,
                "info": info.get(c.code, {}),
                "percent": round(100 * c.met / c.applicable, 1) if c.applicable else None,
            })
        per_unit = engine.unit_counts(params.unit, params.date, people_q, codes=codes or None) if codes else {}
        units = Unit.objects.filter(pk__in=list(per_unit)).only("pk", "name", "code", "path").order_by("path")
        for u in units:
            mine = {c.code: c for c in per_unit[u.pk]}
            by_unit.append({"unit": u, "cells": [mine.get(code) for code in codes]})
    columns = [(code, (info.get(code) or {}).get("names", [code])[0]) for code in codes] if codes else []
    context = {"params": params, "form": params.form, "rows": rows, "by_unit": by_unit, "codes": codes,
               "columns": columns}
    return render_page(request, "standards/review.html", context, partial_template="standards/_review_result.html",
                       target="review-result")


def drill_down_people(params, code, missing_only):
    """People subject to `code` for the review parameters, with their unit on the date, ordered by name."""
    return (
        engine.people_for(params.unit, params.date, code, missing_only=missing_only, people_q=params.people_q())
        .annotate(unit_name=unit_on(params.date, field="unit__name"))
        .only("pk", "code", "full_name", "birth_date")
        .order_by("name_sort", "pk")
    )


def _evidence(people):
    ids = {p.evidence_id for p in people if p.evidence_id}
    return Qualification.objects.in_bulk(ids) if ids else {}


def _with_evidence(people):
    """The page's people, each with the qualification that meets the requirement (`evidence`): one query."""
    people = list(people)
    evidence = _evidence(people)
    for person in people:
        person.evidence = evidence.get(person.evidence_id)
    return people


def _with_hours(params, code):
    """The rows function of an hours requirement's drill-down: each person with `evidence` (none) and `hours` (their
    engine.HoursStanding: the period, tiết required and credited, the certificates counted, each with `source`, the
    class it came from when a class of the system issued it). A fixed number of queries per page."""
    def rows(people):
        people = list(people)
        standing = engine.hours_standing([p.pk for p in people], params.date, code)
        sources = extensions.classes_of_credits([q.pk for s in standing.values() for q in s.credits])
        for person in people:
            person.evidence = None
            person.hours = standing.get(person.pk)
            for q in person.hours.credits if person.hours else ():
                q.source = sources.get(q.pk)
        return people
    return rows


def _code_or_404(code):
    info = engine.requirement_info([code])
    if code not in info:
        raise Http404(_("Không có tiêu chuẩn này."))
    return info[code]


@login_required
def review_code(request, code):
    _require_unit_scope(request.user)
    params = Review(request)
    info = _code_or_404(code)
    missing_only = request.GET.get("missing") == "1"
    context = {
        "params": params, "form": params.form, "code": code, "info": info, "missing_only": missing_only,
        "page_obj": None, "export_query": params.query(**({"missing": 1} if missing_only else {})),
        "back_query": params.query(),
    }
    templates = {"template": "standards/review_code.html", "partial_template": "standards/_review_people.html",
                 "target": "review-people"}
    if not params.valid:
        return render_page(request, context=context, **templates)
    rows = _with_hours(params, code) if info["hours"] else _with_evidence
    return render_list(request, drill_down_people(params, code, missing_only), page_size=PAGE_SIZE, context=context,
                       rows=rows, rows_name="people", **templates)


@login_required
def review_export(request, code):
    _require_unit_scope(request.user)
    params = Review(request)
    info = _code_or_404(code)
    if not params.valid:
        errors = "; ".join(f"{params.form.fields[k].label}: {' '.join(v)}" for k, v in params.form.errors.items() if k in params.form.fields)
        return HttpResponse(errors or _("Tham số không hợp lệ."), status=400, content_type="text/plain; charset=utf-8")
    missing_only = request.GET.get("missing") == "1"
    people = list(drill_down_people(params, code, missing_only))
    if info["hours"]:
        people = _with_hours(params, code)(people)
    title = _("%(code)s — %(name)s — %(unit)s, ngày %(date)s") % {
        "code": code, "name": "; ".join(info["names"]), "unit": params.unit.name, "date": params.date.strftime("%d/%m/%Y"),
    }
    if missing_only:
        title += " — " + _("chỉ người chưa đạt")
    body = exports.drill_down_xlsx(people, _evidence(people), title, hours=info["hours"], request=request)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stem = f"ra-soat-{file_slug(info['names'][0], 40)}-{params.unit.code}-{params.date.isoformat()}" + ("-chua-dat" if missing_only else "")
    response["Content-Disposition"] = content_disposition(f"{stem}.xlsx")
    return response


# -- catalogue ---------------------------------------------------------------------------------------------------------
def describe_who(r):
    """The criteria of requirement row `r` as short Vietnamese phrases (blank columns left out)."""
    parts = []
    if r.categories:
        parts.append(_("loại: %(v)s") % {"v": ", ".join(split_codes(r.categories))})
    if r.rank_tiers:
        parts.append(_("ngạch tương đương: %(v)s") % {"v": ", ".join(split_codes(r.rank_tiers))})
    if r.rank_code:
        parts.append(_("mã ngạch: %(v)s") % {"v": r.rank_code})
    if r.rank_kind:
        parts.append(str(r.get_rank_kind_display()))
    if r.title_families:
        parts.append(_("nhóm chức danh: %(v)s") % {"v": ", ".join(split_codes(r.title_families))})
    if r.post_levels:
        parts.append(_("giữ chức vụ cấp: %(v)s") % {"v": ", ".join(split_codes(r.post_levels))})
    if r.planned_levels:
        text = _("quy hoạch cấp: %(v)s") % {"v": ", ".join(split_codes(r.planned_levels))}
        if r.planned_not_holding:
            text += " " + _("(trừ người đã giữ chức vụ cùng cấp)")
        parts.append(text)
    if r.job_position_id:
        parts.append(_("vị trí việc làm: %(v)s") % {"v": r.job_position})
    if r.unit_kinds:
        parts.append(_("loại đơn vị: %(v)s") % {"v": ", ".join(split_codes(r.unit_kinds))})
    if r.unit_levels:
        parts.append(_("cấp đơn vị: %(v)s") % {"v": ", ".join(split_codes(r.unit_levels))})
    return parts or [_("mọi cán bộ, công chức, viên chức")]


def describe_what(r):
    if r.kind in (Requirement.Kind.QUALIFICATION, Requirement.Kind.TITLE_CERT):
        return _("%(type)s từ %(level)s trở lên") % {"type": r.get_qualification_type_display(), "level": level_label(r.qualification_type, r.min_level)}
    if r.kind == Requirement.Kind.PROGRAMME:
        text = _("hoàn thành chương trình %(code)s") % {"code": r.programme_code}
        if r.within_years:
            text += " " + _("trong %(n)s năm gần nhất") % {"n": r.within_years}
        return text
    return _("tối thiểu %(n)s tiết bồi dưỡng %(period)s") % {"n": r.hours, "period": r.period_label()}


@login_required
def catalogue(request):
    requirements = list(Requirement.objects.select_related("rule_set", "job_position").order_by("code", "pk"))
    for r in requirements:
        r.who = describe_who(r)
        r.what = describe_what(r)
    equivalences = list(Equivalence.objects.order_by("to_type", "to_level_order", "from_type"))
    for e in equivalences:  # levels by their names (Trung cấp), not their codes (TC)
        e.from_label = level_label(e.from_type, e.from_level)
        e.to_label = level_label(e.to_type, e.to_level)
    context = {
        "requirements": requirements,
        "equivalences": equivalences,
        "can_manage": can_manage(request.user),
        "today": datetime.date.today(),
    }
    return render(request, "standards/catalogue.html", context)


@login_required
def requirement_edit(request, pk=None):
    if not can_manage(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và quản lý cấp tỉnh được sửa danh mục tiêu chuẩn."))
    requirement = get_object_or_404(Requirement, pk=pk) if pk else None
    form = RequirementForm(request.POST or None, instance=requirement)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu tiêu chuẩn %(code)s.") % {"code": saved.code})
        return redirect("standards:catalogue")
    return render(request, "standards/catalogue_form.html", {"form": form, "requirement": requirement})


# -- staff page panel --------------------------------------------------------------------------------------------------
def person_panel(person, date, qualifications):
    """Rows of the staff page's standards panel: engine.person_status, with the evidence qualification taken from
    `qualifications` (the page's already loaded records: no query)."""
    rows = engine.person_status(person, date)
    by_id = {q.pk: q for q in qualifications}
    for item in rows:
        item["evidence"] = by_id.get(item["evidence_id"])
    return rows


def staff_page_panel(request, person, context):
    """The staff page's standards panel (registered on people.extensions.person_page): the person's standing on the
    day they left, or today."""
    date = person.left_on or datetime.date.today()
    qualifications = [q for _type, _label, items in context["qualification_groups"] for q in items]
    return {"compliance": person_panel(person, date, qualifications), "compliance_date": date}
