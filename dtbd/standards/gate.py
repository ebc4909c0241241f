"""Promotion / appointment gate (docs/domain.md §9): the requirements of a target post level or rank that a person does
not meet, for one person ("đủ điều kiện bổ nhiệm?"), for a succession-planning list (set-based), and as the check of
an appointment record (bổ nhiệm / nâng ngạch).

The *target rows* of a post level are the requirement rows valid on the date whose post-level criterion names that
level; those of a rank are the rows whose rank tier / rank code criterion matches the rank. They are evaluated as if the
person held the target: the matching criterion is dropped, every other criterion (category and its rule set, another
rank/post criterion, planned post, job position, unit kind/level) is read from the person's records on the date, and
the "what" side is the engine's (engine.Catalogue.met_q: qualifications held on the date, equivalences included).

Importing the present state never goes through here: people already in posts without the training are what the review
must show. Only `record_appointment` refuses."""
import contextlib
import copy
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, is_manager, scope_of
from dtbd.core.models import Source, valid_on_q
from dtbd.people import services as people_services
from dtbd.people.catalog import POST_LEVEL_ORDER, PostLevel, QualificationType, level_label
from dtbd.people.models import Person, PlannedPost, PostAssignment, Rank, RankAssignment, UnitAssignment
from dtbd.people.queries import unit_on

from .engine import Catalogue, people_in
from .models import Appointment, Requirement, split_codes


# -- which rows are the target's -------------------------------------------------------------------------------------
def _rank_matches(r, rank):
    return (
        (not r.rank_tiers or rank.tier in split_codes(r.rank_tiers))
        and (not r.rank_code or r.rank_code == rank.code)
        and (not r.rank_kind or r.rank_kind == rank.kind)
        and (not r.title_families or any(rank.code.startswith(p) for p in split_codes(r.title_families)))
    )


def target_rows(cat: Catalogue, post_level=None, rank=None):
    """[(row, hypothetical row)] of the catalogue that belong to the target: the hypothetical row is a copy without the
    criterion the target satisfies, so that engine.Catalogue.subject_q evaluates the rest against the person."""
    result = []
    for rows in cat.rows_by_code.values():
        for r in rows:
            relevant = False
            hypo = copy.copy(r)
            if r.post_levels and post_level:
                if post_level not in split_codes(r.post_levels):
                    continue  # a requirement of another post level
                relevant, hypo.post_levels = True, ""
            ranked = r.rank_tiers or r.rank_code or r.rank_kind or r.title_families
            if ranked and rank is not None and r.kind != Requirement.Kind.ANNUAL_HOURS:  # a sector's hours: no standard of the rank
                if not _rank_matches(r, rank):
                    continue  # a requirement of another rank
                relevant = True
                hypo.rank_tiers, hypo.rank_code, hypo.rank_kind, hypo.title_families = "", "", "", ""
            if relevant:
                result.append((r, hypo))
    return result


def required_label(r) -> str:
    """What row `r` asks for, in words (e.g. "Lý luận chính trị: Cao cấp trở lên")."""
    if r.kind in (Requirement.Kind.QUALIFICATION, Requirement.Kind.TITLE_CERT):
        qtype = QualificationType(r.qualification_type).label if r.qualification_type in QualificationType.values else r.qualification_type
        return _("%(type)s: %(level)s trở lên") % {"type": qtype, "level": level_label(r.qualification_type, r.min_level)}
    if r.kind == Requirement.Kind.PROGRAMME:
        text = _("Hoàn thành chương trình %(code)s") % {"code": r.programme_code}
        if r.within_years:
            text += " " + _("trong %(n)s năm gần nhất") % {"n": r.within_years}
        return text
    return _("Tối thiểu %(hours)s tiết bồi dưỡng %(period)s") % {"hours": r.hours or 0, "period": r.period_label()}


def item(r) -> dict:
    """A JSON-safe description of an unmet row (kept on the appointment)."""
    return {"code": r.code, "name": r.name, "required": str(required_label(r)), "legal_basis": r.legal_basis}


def _dedupe(items):
    seen, result = set(), []
    for it in items:
        key = (it["code"], it["name"], it["required"])
        if key not in seen:
            seen.add(key)
            result.append(it)
    return result


def _unmet_annotations(cat, rows, ref="pk"):
    return {
        f"u{i}": ExpressionWrapper(cat.subject_q(hypo, ref) & ~cat.met_q(hypo, ref), output_field=BooleanField())
        for i, (_r, hypo) in enumerate(rows)
    }


def _resolve_rank(rank):
    if rank is None or rank == "" or isinstance(rank, Rank):
        return rank or None
    return Rank.objects.get(code=rank)


def unmet_for_target(person, date: datetime.date, post_level=None, rank=None) -> list[dict]:
    """The requirements of the target post level and/or rank (a Rank or its code) that `person` would not meet on
    `date`: [{code, name, required, legal_basis}], ordered by code. Empty = eligible (đủ điều kiện).
    Three catalogue queries plus one query for all target rows."""
    rank = _resolve_rank(rank)
    cat = Catalogue.on(date)
    rows = target_rows(cat, post_level or None, rank)
    if not rows:
        return []
    annotations = _unmet_annotations(cat, rows)
    pk = getattr(person, "pk", person)
    values = Person.objects.filter(pk=pk).annotate(**annotations).values(*annotations).first() or {}
    return _dedupe([item(r) for i, (r, _h) in enumerate(rows) if values.get(f"u{i}")])


# -- succession-planning list (quy hoạch) -------------------------------------------------------------------------------
def succession_check(unit, date: datetime.date, level, people_q=None):
    """The people of `unit`'s subtree with a planned post (quy hoạch) at `level` valid on `date`, checked against the
    requirements of that post level.

    Returns (queryset, rows): the queryset is annotated with one boolean `u<i>` per target row (True = unmet) and the
    display columns `unit_name` and `planned_title`; pass each person of a page to `unmet_of(person, rows)`.
    Set-based: the whole check is one query (one EXISTS per requirement row), whatever the number of people."""
    cat = Catalogue.on(date)
    rows = target_rows(cat, level)
    planned = PlannedPost.objects.filter(valid_on_q(date), level=level)
    qs = people_in(unit, date, people_q).filter(pk__in=planned.values("person_id"))

    qs = qs.annotate(
        unit_name=unit_on(date, field="unit__name"),
        planned_title=Subquery(planned.filter(person=OuterRef("pk")).order_by("-valid_from").values("title")[:1]),
        **_unmet_annotations(cat, rows),
    ).order_by("name_sort", "code")
    return qs, rows


def unmet_of(person, rows) -> list[dict]:
    """The unmet items of a person annotated by `succession_check`."""
    return _dedupe([item(r) for i, (r, _h) in enumerate(rows) if getattr(person, f"u{i}", False)])


# -- appointments -------------------------------------------------------------------------------------------------------
class GateRefused(ValidationError):
    """An appointment refused by the gate; `unmet` lists what is missing."""

    def __init__(self, unmet):
        self.unmet = unmet
        lines = [_("Không thể ghi nhận: cán bộ chưa đạt %(n)s tiêu chuẩn của vị trí mới.") % {"n": len(unmet)}]
        lines += [f"{it['code']} — {it['name']}: {it['required']}" for it in unmet]
        super().__init__(lines, code="unmet")


def can_record_exception(user) -> bool:
    """Only province managers and administrators may appoint despite unmet requirements."""
    return is_manager(user)


@contextlib.contextmanager
def _actor(user):
    """Name `user` in the django-auditlog entries written inside, keeping the request's address when the middleware
    set one, and give the middleware's context back afterwards."""
    from auditlog.context import auditlog_value, set_actor

    previous = auditlog_value.get(None)
    extra = {k: previous.get(k) for k in ("remote_addr", "remote_port")} if previous else {}
    try:
        with set_actor(user, **extra):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def _check_dates(kind, person, effective_on, post_title, post_level, rank, errors):
    date_str = effective_on.strftime("%d/%m/%Y")
    if person.left_on and person.left_on < effective_on:
        errors.setdefault("effective_on", []).append(
            _("Cán bộ đã thôi công tác từ %(date)s, trước ngày hiệu lực.") % {"date": person.left_on.strftime("%d/%m/%Y")}
        )
    if kind == Appointment.Kind.RANK:
        current = RankAssignment.objects.filter(person=person, valid_to__isnull=True).select_related("rank").first()
        if current and current.rank_id == rank.pk:
            errors.setdefault("rank", []).append(_("Cán bộ đang giữ ngạch %(rank)s.") % {"rank": current.rank})
        elif current and current.valid_from and current.valid_from >= effective_on:
            errors.setdefault("effective_on", []).append(
                _("Ngày hiệu lực %(date)s phải sau ngày bắt đầu giữ ngạch hiện tại (%(start)s).")
                % {"date": date_str, "start": current.valid_from.strftime("%d/%m/%Y")}
            )
        return

    posts = list(PostAssignment.objects.filter(person=person, valid_to__isnull=True))
    if any(p.title == post_title and p.level == post_level for p in posts):
        errors.setdefault("post_level", []).append(_("Cán bộ đang giữ chức vụ này."))
        return
    main = max(posts, key=lambda p: (POST_LEVEL_ORDER.get(p.level, 0), p.valid_from or datetime.date.min), default=None)
    if main and main.valid_from and main.valid_from >= effective_on:
        errors.setdefault("effective_on", []).append(
            _("Ngày hiệu lực %(date)s phải sau ngày bắt đầu giữ chức vụ hiện tại (%(start)s).")
            % {"date": date_str, "start": main.valid_from.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def record_appointment(
    user,
    person,
    *,
    kind,
    effective_on: datetime.date,
    decision_no: str,
    post_title: str = "",
    post_level: str = "",
    unit=None,
    rank=None,
    exception_reason: str = "",
) -> Appointment:
    """Record a bổ nhiệm (kind POST: post_title, post_level, unit) or nâng ngạch (kind RANK: rank) from
    `effective_on` by decision `decision_no`, after checking the target's requirements on that date.

    Unmet requirements refuse it (GateRefused, listing them) unless `exception_reason` is given by a province manager
    or an administrator (anyone else: PermissionDenied). On success, in one transaction: the Appointment is saved
    (audited by django-auditlog) and the change applied with source DECISION — a rank through change_single, a post
    through change_main_post (the previous main post ends the day before; kiêm nhiệm posts stay open)."""
    if not Person.objects.restrict(user, CHANGE).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Cán bộ không thuộc phạm vi quản lý của bạn."))
    exception_reason = (exception_reason or "").strip()
    if exception_reason and not can_record_exception(user):
        raise PermissionDenied(_("Chỉ quản lý cấp tỉnh mới được ghi nhận ngoại lệ."))
    decision_no = (decision_no or "").strip()
    post_title = (post_title or "").strip()
    rank = _resolve_rank(rank)
    errors = {}
    if kind not in Appointment.Kind.values:
        errors["kind"] = [_("Chọn loại: bổ nhiệm chức vụ hoặc nâng ngạch.")]
    if not decision_no:
        errors["decision_no"] = [_("Nhập số quyết định.")]
    if not effective_on:
        errors["effective_on"] = [_("Nhập ngày hiệu lực (dd/mm/yyyy).")]
    if kind == Appointment.Kind.POST:
        if post_level not in PostLevel.values:
            errors["post_level"] = [_("Chọn cấp chức vụ được bổ nhiệm.")]
        if unit is not None and not scope_of(user).sees_unit(unit):
            errors["unit"] = [_("Đơn vị không thuộc phạm vi quản lý của bạn.")]
        rank = None
    elif kind == Appointment.Kind.RANK:
        if rank is None:
            errors["rank"] = [_("Chọn ngạch được nâng / bổ nhiệm.")]
        post_title, post_level, unit = "", "", None
    if not errors:
        _check_dates(kind, person, effective_on, post_title, post_level, rank, errors)
    if errors:
        raise ValidationError(errors)

    if kind == Appointment.Kind.POST:
        unmet = unmet_for_target(person, effective_on, post_level=post_level)
    else:
        unmet = unmet_for_target(person, effective_on, rank=rank)
    if unmet and not exception_reason:
        raise GateRefused(unmet)

    if kind == Appointment.Kind.POST and unit is None:  # the post is in the unit the person works in
        current = UnitAssignment.objects.filter(valid_on_q(effective_on), person=person).order_by("-valid_from").first()
        unit = current.unit if current else None
    with _actor(user):
        appointment = Appointment.objects.create(
            person=person, kind=kind, post_title=post_title, post_level=post_level, unit=unit, rank=rank,
            effective_on=effective_on, decision_no=decision_no, unmet=unmet, created_by=user,
            exception_reason=exception_reason if unmet else "", exception_by=user if unmet else None,
        )
        if kind == Appointment.Kind.RANK:
            people_services.change_single(person, RankAssignment, effective_on, Source.DECISION, decision_no, rank=rank)
        else:
            people_services.change_main_post(
                person, post_title, post_level, effective_on, Source.DECISION, unit=unit, decision_no=decision_no
            )
    return appointment
