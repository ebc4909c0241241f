"""Writes to the staff register with business meaning. Views, imports and the API call these."""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE
from dtbd.core.models import Source
from dtbd.core.text import fold
from dtbd.org.models import Unit
from dtbd.org.queries import not_dissolved_q

from . import extensions, history, queries
from . import validators as v
from .catalog import QualificationType
from .models import (
    CategoryAssignment,
    JobAssignment,
    JobPosition,
    Person,
    PlannedPost,
    PostAssignment,
    Rank,
    RankAssignment,
    UnitAssignment,
)

ASSIGNMENT_MODELS = (UnitAssignment, CategoryAssignment, RankAssignment, PostAssignment, JobAssignment, PlannedPost)


def lock_person(person):
    """Take the row lock of `person` for the rest of the transaction (SELECT … FOR UPDATE; nothing on SQLite, which
    has one writer at a time): two changes of one person's history run one after the other, and each plans from
    the records the other left, so a person never has two open records of a single-valued history."""
    Person.objects.select_for_update().filter(pk=person.pk).values_list("pk").first()


def _open_records(person, model, fields):
    """The open records of `person` in `model`, as the planner sees them (oldest first, as .first() read them), and
    the instances by id (the changes are saved through them, so that django-auditlog records each one)."""
    instances = list(model.objects.filter(person=person, valid_to__isnull=True).order_by("pk"))
    records = [history.OpenRecord(r.pk, r.valid_from, tuple(getattr(r, f) for f in fields)) for r in instances]
    return records, {r.pk: r for r in instances}


def _key_of(model, values):
    """(attnames, key) of keyword values given by field name (unit=Unit or unit=id, category="CC")."""
    fields, key = [], []
    for name, value in values.items():
        field = model._meta.get_field(name)
        fields.append(field.attname)
        key.append(value.pk if field.is_relation and hasattr(value, "pk") else value)
    return tuple(fields), tuple(key)


def _apply(person, model, fields, changes, instances, source, decision_no=""):
    """Apply the planner's changes record by record (saves and deletes: django-auditlog sees each). Returns the
    record opened or amended, if any."""
    result = None
    for change in changes:
        if isinstance(change, history.Close):
            record = instances[change.record_id]
            record.valid_to = change.valid_to
            record.save(update_fields=["valid_to"])
        elif isinstance(change, history.Drop):
            instances[change.record_id].delete()
        elif isinstance(change, history.Amend):
            record = result = instances[change.record_id]
            for field, value in zip(fields, change.key):
                setattr(record, field, value)
            record.source, record.decision_no = source, decision_no
            record.save()
        else:
            result = model.objects.create(
                person=person, valid_from=change.valid_from, source=source, decision_no=decision_no,
                **dict(zip(fields, change.key)),
            )
    return result


def _change_single(person, model, on_date, source, decision_no, values):
    fields, key = _key_of(model, values)
    records, instances = _open_records(person, model, fields)
    changes = history.plan_single(records, key, on_date, start=on_date)
    opened = _apply(person, model, fields, changes, instances, source, decision_no)
    return opened or instances[next(r.id for r in records if r.key == key)]


@transaction.atomic
def change_single(person, model, on_date: datetime.date | None, source, decision_no="", **values):
    """Set a single-valued history (unit, category, rank, job position) to `values` from `on_date`.

    The open record ends the day before `on_date`; nothing changes if it already holds `values`; one that started on
    `on_date` or later is corrected in place (people.history). on_date None means an unknown start (only when the
    person has no record of this kind yet). Returns the open record."""
    lock_person(person)
    return _change_single(person, model, on_date, source, decision_no, values)


@transaction.atomic
def record_leave(person: Person, on_date: datetime.date, reason: str):
    """A person leaves (retires, transfers out, resigns): every open record ends on `on_date`; nothing is deleted."""
    lock_person(person)
    person.left_on = on_date
    person.leave_reason = reason
    person.save(update_fields=["left_on", "leave_reason", "updated_at"])
    for model in ASSIGNMENT_MODELS:
        records, instances = _open_records(person, model, ())
        _apply(person, model, (), history.plan_leave(records, on_date), instances, None)
    extensions.notify_person_left(person, on_date, reason)  # e.g. a broken service commitment (funding)


# ---------------------------------------------------------------------------------------------------------------
# Record pages: create/edit a person and their present situation, qualifications. Validation lives in the forms
# (dtbd.people.forms, built on dtbd.people.validators); these functions apply the change with history semantics
# (dtbd.people.history).


def job_position_named(name):
    """The job position called `name` (compared without accents and case), created when new; None for blank."""
    name = " ".join((name or "").split())
    if not name:
        return None
    position = JobPosition.objects.filter(name_folded=fold(name)).first()
    return position or JobPosition.objects.create(name=name)


def _change_main_post(person, title, level, on_date, source, unit, decision_no):
    fields = history.KINDS["post"].fields
    records, instances = _open_records(person, PostAssignment, fields)
    wanted = (title, level, getattr(unit, "pk", unit)) if (title or level) else None
    if wanted is not None:
        held = next((r for r in records if r.key[:2] == wanted[:2]), None)
        if held is not None:
            return instances[held.id]
    changes = history.plan_main_post(records, wanted, on_date, start=on_date)
    return _apply(person, PostAssignment, fields, changes, instances, source, decision_no)


@transaction.atomic
def change_main_post(person, title, level, on_date, source, unit=None, decision_no=""):
    """Set the person's main post (the highest open one) to (title, level) from `on_date`; blank = no post.
    Other open posts (kiêm nhiệm) are left alone. Returns the open main post or None."""
    lock_person(person)
    return _change_main_post(person, title, level, on_date, source, unit, decision_no)


def _change_planned_levels(person, levels, on_date, source):
    records, instances = _open_records(person, PlannedPost, ("level",))
    changes = history.plan_set(records, {(level,) for level in levels}, on_date, start=on_date)
    _apply(person, PlannedPost, ("level",), changes, instances, source)


@transaction.atomic
def change_planned_levels(person, levels, on_date, source):
    """Make the open planned posts (quy hoạch) exactly `levels`: the others end, the new ones start on `on_date`."""
    lock_person(person)
    _change_planned_levels(person, levels, on_date, source)


def _end_single(model, person, on_date, source):
    records, instances = _open_records(person, model, ())
    _apply(person, model, (), history.plan_single(records, None, on_date), instances, source)


@transaction.atomic
def update_person_assignments(
    person,
    *,
    on_date,
    unit,
    category,
    rank=None,
    post_title="",
    post_level="",
    job_position="",
    planned_levels=(),
    source=None,
):
    """Set the person's present unit, category, rank, main post, job position and planned posts as of `on_date`.

    Unchanged values change nothing; a changed one ends the open record the day before `on_date` and opens a new one
    (people.history). `on_date` None = unknown start, only for a history the person does not have yet. The person's
    row is locked first (lock_person): concurrent changes of one person run one after the other."""
    source = source or Source.ENTERED
    lock_person(person)
    _change_single(person, UnitAssignment, on_date, source, "", {"unit": unit})
    _change_single(person, CategoryAssignment, on_date, source, "", {"category": category})
    if rank is not None:
        _change_single(person, RankAssignment, on_date, source, "", {"rank": rank})
    else:
        _end_single(RankAssignment, person, on_date, source)
    _change_main_post(person, post_title, post_level, on_date, source, unit, "")
    position = job_position_named(job_position)
    if position is not None:
        _change_single(person, JobAssignment, on_date, source, "", {"job_position": position})
    else:
        _end_single(JobAssignment, person, on_date, source)
    _change_planned_levels(person, planned_levels, on_date, source)


@transaction.atomic
def save_person(person, *, on_date=None, **assignments):
    """Save a person's identity fields and, when `assignments` are given, their present situation from `on_date`
    (see update_person_assignments). Returns the person."""
    person.save()
    if assignments:
        update_person_assignments(person, on_date=on_date, **assignments)
    return person


def save_qualification(qualification):
    """Save a qualification entered by hand (source ENTERED unless already set by a class or an import)."""
    if not qualification.pk and not qualification.source:
        qualification.source = Source.ENTERED
    qualification.save()
    return qualification


@transaction.atomic
def delete_person(person):
    """Delete a person and all their records: for records created by mistake only (people who leave are recorded
    with record_leave). django-auditlog records the deletion of the person and of each record."""
    person.delete()


# ---------------------------------------------------------------------------------------------------------------
# The rules of a staff record, shared by the web forms (dtbd.people.forms) and the API (dtbd.api): each check returns
# the messages by field ({field: message}) or one message, in Vietnamese; field formats come from validators.py.


# The identity fields of a staff record and the fields of their present situation (placement), as the record page
# edits them (PersonForm) and the API writes them.
IDENTITY_FIELDS = (
    "code", "full_name", "birth_date", "gender", "ethnicity", "citizen_id", "email", "phone", "recruited_on",
    "party_member", "party_joined_on",
)
PLACEMENT_FIELDS = ("unit", "category", "rank", "post_title", "post_level", "job_position", "planned_levels")


def current_placement(person):
    """The person's present situation from their open records, as the keyword arguments of
    update_person_assignments (unit, category, rank, post_title, post_level, job_position, planned_levels)."""
    row = queries.display_rows([person.pk])[0]
    job = JobAssignment.objects.filter(person=person, valid_to__isnull=True).select_related("job_position").first()
    return {
        "unit": row.unit_pk,
        "category": row.category_code,
        "rank": Rank.objects.filter(code=row.rank_code).first() if row.rank_code else None,
        "post_title": row.post_title or "",
        "post_level": row.post_level or "",
        "job_position": job.job_position.name if job else "",
        "planned_levels": sorted(
            PlannedPost.objects.filter(person=person, valid_to__isnull=True).values_list("level", flat=True)
        ),
    }


def placement_units(user):
    """The units `user` may place staff in: their write scope (a unit officer: their subtree), not dissolved."""
    return Unit.objects.restrict(user, CHANGE).filter(not_dissolved_q())


def clean_identity_field(name, value, today=None):
    """One identity field of a staff record, normalised (spaces, phone digits) and checked; raises ValidationError
    with the message. Fields without a rule come back as they are."""
    error = None
    if name == "code":
        value = (value or "").strip()
        error = v.code_error(value)
    elif name == "full_name":
        value = " ".join((value or "").split())
        error = _("Nhập họ và tên đầy đủ.") if len(value) < 2 else None
    elif name == "birth_date":
        error = v.birth_date_error(value, today or timezone.localdate())
    elif name == "citizen_id":
        value = (value or "").strip() or None
        error = v.citizen_id_error(value) if value else None
    elif name == "phone":
        value = (value or "").strip()
        error = v.phone_error(value) if value else None
        value = v.normalize_phone(value)
    elif name == "email":
        value = (value or "").strip()
        error = v.email_error(value) if value else None
    elif name in ("post_title", "job_position"):
        value = " ".join((value or "").split())
    if error:
        raise ValidationError(error)
    return value


def person_errors(data, *, is_new, placement_changed, today=None):
    """The rules across fields of a staff record. `data`: the values after clean_identity_field (birth_date, gender,
    citizen_id, recruited_on, party_member, party_joined_on, effective_from). A change of the placement (unit,
    category, rank, post, job position, planned posts) of an existing person needs the date it takes effect."""
    today = today or timezone.localdate()
    errors = {}
    birth_date, gender, citizen_id = data.get("birth_date"), data.get("gender"), data.get("citizen_id")
    if citizen_id and birth_date and gender:
        error = v.citizen_id_error(citizen_id, birth_date, gender)
        if error:
            errors["citizen_id"] = error
    recruited_on = data.get("recruited_on")
    if recruited_on:
        error = v.recruited_on_error(recruited_on, birth_date, today)
        if error:
            errors["recruited_on"] = error
    joined = data.get("party_joined_on")
    if joined and not data.get("party_member"):
        errors["party_joined_on"] = _("Chỉ nhập ngày vào Đảng khi cán bộ là đảng viên.")
    elif joined and joined > today:
        errors["party_joined_on"] = _("Ngày vào Đảng ở tương lai.")
    elif joined and birth_date and v.age_on(birth_date, joined) < 18:
        errors["party_joined_on"] = _("Ngày vào Đảng trước khi đủ 18 tuổi.")
    effective = data.get("effective_from")
    if effective and birth_date and effective < birth_date:
        errors["effective_from"] = _("Ngày áp dụng trước ngày sinh.")
    unit = data.get("unit")
    on_date = effective or today
    if (is_new or placement_changed) and hasattr(unit, "is_active_on") and not unit.is_active_on(on_date):
        # A reorganisation ended the unit (or it begins later): docs/domain.md §15.
        errors["unit"] = _("Đơn vị %(code)s không có hiệu lực ngày %(date)s: không xếp cán bộ vào đơn vị này.") % {
            "code": unit.code, "date": on_date.strftime("%d/%m/%Y")}
    if not is_new and placement_changed and data.get("left_on"):
        errors["unit"] = _(
            "Cán bộ đã thôi công tác: không thay đổi đơn vị, loại, ngạch, chức vụ, vị trí việc làm hoặc quy hoạch."
        )
    elif not is_new and not effective and placement_changed:
        errors["effective_from"] = _(
            "Nhập ngày áp dụng: đơn vị, loại, ngạch, chức vụ, vị trí việc làm hoặc quy hoạch đã thay đổi."
        )
    return errors


def latest_open_start(person):
    """The latest start among the person's open history records (None when all starts are unknown)."""
    latest = None
    for model in ASSIGNMENT_MODELS:
        value = model.objects.filter(person=person, valid_to__isnull=True).aggregate(m=Max("valid_from"))["m"]
        if value and (latest is None or value > latest):
            latest = value
    return latest


def leave_error(person, on_date, today=None):
    """Why `person` cannot be recorded as leaving on `on_date` (a message), or None."""
    if person.left_on:
        return _("Cán bộ này đã thôi công tác từ %(date)s.") % {"date": person.left_on.strftime("%d/%m/%Y")}
    if on_date > (today or timezone.localdate()):
        return _("Ngày thôi công tác không được ở tương lai.")
    if v.age_on(person.birth_date, on_date) < v.MIN_AGE:
        return _("Ngày thôi công tác trước khi cán bộ đủ 16 tuổi.")
    latest = latest_open_start(person)
    if latest and on_date < latest:
        return _("Ngày thôi công tác trước ngày bắt đầu của quá trình hiện tại (%(date)s).") % {
            "date": latest.strftime("%d/%m/%Y")
        }
    return None


def qualification_errors(person, *, qtype, language="", issued_on=None, valid_until=None, today=None):
    """The rules of a diploma or certificate of `person` ({field: message}); the level is checked against its type
    by the caller's choice list (catalog.LEVELS)."""
    today = today or timezone.localdate()
    errors = {}
    if qtype == QualificationType.LANGUAGE and not (language or "").strip():
        errors["language"] = _("Nhập tên ngoại ngữ (ví dụ: Tiếng Anh).")
    if issued_on and issued_on > today:
        errors["issued_on"] = _("Ngày cấp ở tương lai.")
    elif issued_on and issued_on < person.birth_date:
        errors["issued_on"] = _("Ngày cấp trước ngày sinh của cán bộ.")
    if issued_on and valid_until and valid_until < issued_on:
        errors["valid_until"] = _("Ngày hết hiệu lực phải sau ngày cấp.")
    return errors


def delete_qualification(qualification):
    """Delete a diploma or certificate entered by mistake. One a class issued (source CLASS, behind a certificate)
    is not deleted here: the certificate is revoked instead. django-auditlog records the deletion."""
    if qualification.source == Source.CLASS:
        raise ValidationError(
            _("Văn bằng, chứng chỉ này được cấp khi hoàn thành lớp học: thu hồi chứng chỉ thay vì xoá.")
        )
    qualification.delete()


# ---------------------------------------------------------------------------------------------------------------
# Past facts with their dates (the dated history import, docs/domain.md §15.6): placements, rank and posts held
# from a day, fitted into the person's history by people.history.plan_past. Forward changes go through the same
# planner as the record pages (plan_single, plan_main_post).

PAST_KINDS = {"unit": UnitAssignment, "rank": RankAssignment, "post": PostAssignment}


def _same_post(a, b):
    return a[:2] == b[:2]


def _past_plan(person, kind, facts):
    fields = history.KINDS[kind].fields
    model = PAST_KINDS[kind]
    rows = model.objects.filter(person=person).order_by("pk").values_list("pk", "valid_from", "valid_to", *fields)
    records = [history.Record(r[0], r[1], r[2], tuple(r[3:])) for r in rows]
    same = _same_post if kind == "post" else None
    if kind == "post":  # the posts open now: the main one (plan_main_post) is the one a fact may date or change
        opened = [r for r in records if r.valid_to is None]
        if len(opened) > 1:
            main = max(opened, key=lambda r: (history.POST_LEVEL_ORDER.get(r.key[1], 0), r.valid_from or datetime.date.min))
            records = [r for r in records if r.valid_to is not None or r is main]
    return history.plan_past(records, facts, same=same, left_on=person.left_on)


def dated_history_plan(person, kind, facts):
    """What recording `facts` (people.history.Fact; kind "unit", "rank" or "post") in the history of `person` would
    do, without writing: (problems, changes) of people.history.plan_past — problems [(fact, field, message)], the
    changes only when there is none (each change carries the start of the fact it comes from)."""
    return _past_plan(person, kind, facts)


@transaction.atomic
def record_dated_history(person, kind, facts, source=Source.IMPORTED):
    """Record dated past facts of one kind ("unit", "rank", "post") in the history of `person` (plan_past): past
    periods are created ended, the open record whose start was unknown is dated, a later value is a change of the
    open record. Raises ValidationError when a fact does not fit. Returns the number of changes."""
    lock_person(person)
    problems, changes = _past_plan(person, kind, facts)
    if problems:
        raise ValidationError([message for _fact, _field, message in problems])
    model = PAST_KINDS[kind]
    fields = history.KINDS[kind].fields
    for change in changes:
        if isinstance(change, history.Insert):
            model.objects.create(person=person, valid_from=change.valid_from, valid_to=change.valid_to,
                                 source=source, **dict(zip(fields, change.key)))
        elif isinstance(change, history.SetStart):
            record = model.objects.get(pk=change.record_id)
            record.valid_from = change.valid_from
            record.save(update_fields=["valid_from"])
        elif kind == "post":
            title, level, unit_id = change.key
            _change_main_post(person, title, level, change.valid_from, source, unit_id, "")
        else:
            _change_single(person, model, change.valid_from, source, "", dict(zip(
                [f.removesuffix("_id") for f in fields], change.key)))
    return len(changes)
