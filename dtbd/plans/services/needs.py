"""The needs register (sổ nhu cầu đào tạo, bồi dưỡng; docs/domain.md §13.1): one row per (year, person, programme)
fed by the review of the standards (`collect_from_review`) and by the units' requests (`save_request`,
`submit_request`, the upload in dtbd.plans.importing).

Reasons, strongest first (models.REASON_ORDER): LEGAL (a requirement of the rank, the post held or the category),
PLANNED_POST (a requirement of a planned post level), JOB_POSITION (a requirement of the job position), REQUEST (the
unit asked for the person). A row keeps every reason seen in `reasons`; `reason` is the strongest of them.

Writes: rows are created and changed in bulk (a province of tens of thousands of people collects in a few queries);
bulk writes send no signals, so each created or changed row gets its django-auditlog entry written here."""
import io
import json
from collections import defaultdict

from auditlog.models import LogEntry
import xlsxwriter
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, VIEW, scope_of
from dtbd.core.db import prefix_q
from dtbd.core.importing import chunks, db_now, insert_rows
from dtbd.core.models import valid_on_q
from dtbd.core.spreadsheet import write_cell
from dtbd.people.models import Person, PlannedPost
from dtbd.people.queries import staff_placements
from dtbd.standards.engine import Catalogue, people_in
from dtbd.standards.models import Requirement, split_codes
from dtbd.training.queries import need_of, programmes_by_need

from ..models import REASON_ORDER, Need, NeedRequest, Reason

REVIEW_REASONS = (Reason.LEGAL, Reason.PLANNED_POST, Reason.JOB_POSITION)


# -- reasons ---------------------------------------------------------------------------------------------------------
def reason_of(requirement):
    """The reason a missing requirement row gives: PLANNED_POST for a row on planned post levels (quy hoạch),
    JOB_POSITION for a row on a job position, LEGAL for the others (rank, post held, category, unit)."""
    if requirement.planned_levels:
        return Reason.PLANNED_POST
    if requirement.job_position_id:
        return Reason.JOB_POSITION
    return Reason.LEGAL


def join_reasons(reasons):
    """Reason codes, once each, strongest first, as stored in Need.reasons."""
    return ",".join(sorted(set(reasons), key=REASON_ORDER.__getitem__))


def strongest(reasons):
    return min(reasons, key=REASON_ORDER.__getitem__)


NEED_FIELDS = ("unit_id", "reason", "reasons", "requirement_codes", "request_id", "due_on", "waiting_since", "met")
INSERTED = ("year", "person", "program", "unit", "reason", "reasons", "requirement_codes", "request", "due_on",
            "waiting_since", "met")


def _snapshot(need):
    return {f: getattr(need, f) for f in NEED_FIELDS}


def _diff(before, need):
    return {f.removesuffix("_id"): [str(before[f]), str(getattr(need, f))] for f in NEED_FIELDS
            if before[f] != getattr(need, f)}


def _audit(entries, user):
    """[(need id, repr, action, changes)] as django-auditlog entries, written in bulk (bulk writes send no signals)."""
    if not entries:
        return
    actor = user.pk if user is not None and user.is_authenticated else None
    insert_rows(
        LogEntry, ("object_pk", "object_id", "object_repr", "action", "changes"),
        [(str(pk), pk, text, action, json.dumps(changes, ensure_ascii=False)) for pk, text, action, changes in entries],
        constants={"content_type": ContentType.objects.get_for_model(Need).id, "changes_text": "", "actor": actor,
                   "timestamp": db_now()},
    )


def _write(created, changed, user):
    """Insert `created` (new Need objects, unsaved), update `changed` ([(need, snapshot before)]) and audit both.
    New rows go in with core.importing.insert_rows (COPY on PostgreSQL, multi-row INSERTs on SQLite) and their ids are
    read back in one query: tens of thousands of rows in a few statements."""
    entries = []
    if created:
        insert_rows(Need, INSERTED, [
            (n.year, n.person_id, n.program_id, n.unit_id, n.reason, n.reasons, n.requirement_codes, n.request_id,
             n.due_on, n.waiting_since, n.met) for n in created
        ], constants={"created_at": db_now()})
        keys = {(n.year, n.person_id, n.program_id) for n in created}
        ids = {}
        for year in {k[0] for k in keys}:
            people = {k[1] for k in keys if k[0] == year}
            for chunk in chunks(people):
                ids.update(((year, person_id, program_id), pk) for pk, person_id, program_id in Need.objects.filter(
                    year=year, person_id__in=chunk).values_list("pk", "person_id", "program_id"))
        for n in created:
            n.pk = ids[(n.year, n.person_id, n.program_id)]
            entries.append((n.pk, str(n), LogEntry.Action.CREATE,
                            {f.removesuffix("_id"): ["None", str(getattr(n, f))] for f in NEED_FIELDS}))
    if changed:
        fields = [f.removesuffix("_id") for f in NEED_FIELDS]
        Need.objects.bulk_update([n for n, _b in changed], fields, batch_size=500)
        entries += [(n.pk, str(n), LogEntry.Action.UPDATE, _diff(before, n)) for n, before in changed]
    _audit(entries, user)


# -- from the review -------------------------------------------------------------------------------------------------
def _check_writer(user, unit):
    scope = scope_of(user)
    if not scope.can_write or not scope.sees_unit(unit):
        raise PermissionDenied


def _candidate_programmes(rows):
    """{row pk: [programmes]} for the requirement rows a programme can clear, the preferred first: the active
    programme of a PROGRAMME row's code; for a QUALIFICATION row, the active programmes granting its type at its level
    or above, the lowest granted level first, then the lowest code (dtbd.training.queries.programmes_by_need orders
    them so). Rows of annual hours, and rows no active programme clears, are left out."""
    needs = {r.pk: need_of(r) for r in rows if r.kind != Requirement.Kind.ANNUAL_HOURS}
    found = programmes_by_need(list(set(needs.values()))) if needs else {}
    return {pk: found[need] for pk, need in needs.items() if found.get(need)}


def review_needs(unit, date, registered=None):
    """{(person id, programme id): {"reasons", "codes", "due_on"}} of `unit`'s subtree on `date`, and {person id:
    unit id} of the people placed there: for every requirement row the person misses (engine: subject and not met),
    the programme that clears it (`_candidate_programmes`; a programme already registered for the person — in
    `registered`, {person id: {programme ids}} — when it is one of them, so that the choice does not move when a
    programme is added, and a unit's request for another programme that clears the gap is the same need). Within one
    qualification type only the highest level the person misses gives a programme, which clears the lower levels too
    (docs/domain.md §13.1): missing LLCT TC (post held) and CC (planned post) is one need, the CC programme, with both
    reasons.

    One query per requirement row that a programme can clear (the people missing it, as ids), one for the
    placements and one for the planned posts' end dates: a fixed number whatever the number of people."""
    cat = Catalogue.on(date)
    rows = [r for code_rows in cat.rows_by_code.values() for r in code_rows]
    candidates = _candidate_programmes(rows)
    rows = [r for r in rows if r.pk in candidates]
    registered = registered or {}
    people = people_in(unit, date)
    missing = defaultdict(list)  # person id -> [row]
    for r in rows:
        for pk in people.filter(cat.subject_q(r, staff_base=True) & ~cat.met_q(r)).values_list("pk", flat=True):
            missing[pk].append(r)
    units = {}
    for person_id, unit_id in staff_placements(unit, date).order_by("person_id", "-unit_id").values_list(
        "person_id", "unit_id"
    ):
        units[person_id] = unit_id
    planned_ends = defaultdict(dict)  # person id -> {level: valid_to}
    if any(r.planned_levels for r in rows):
        planned = PlannedPost.objects.filter(valid_on_q(date), valid_to__isnull=False,
                                             person_id__in=people.values("pk"))
        for person_id, level, valid_to in planned.values_list("person_id", "level", "valid_to"):
            planned_ends[person_id][level] = valid_to

    result = {}
    for person_id, person_rows in missing.items():
        # Qualification rows: per type, the highest level missing; programme rows: each on its own.
        families = defaultdict(list)
        for r in person_rows:
            key = ("Q", r.qualification_type) if r.kind == Requirement.Kind.QUALIFICATION else ("P", r.pk)
            families[key].append(r)
        for family_rows in families.values():
            top = max(family_rows, key=lambda r: (r.min_level_order or 0, -r.pk))
            mine = registered.get(person_id, ())
            programme = next((p for p in candidates[top.pk] if p.pk in mine), candidates[top.pk][0])
            entry = result.setdefault((person_id, programme.pk), {"reasons": set(), "codes": set(), "due_on": None})
            for r in family_rows:
                reason = reason_of(r)
                entry["reasons"].add(reason)
                entry["codes"].add(r.code)
                due = date if reason == Reason.LEGAL else None
                if reason == Reason.PLANNED_POST:
                    ends = [planned_ends[person_id][lv] for lv in split_codes(r.planned_levels)
                            if lv in planned_ends[person_id]]
                    due = min(ends) if ends else None
                if due and (entry["due_on"] is None or due < entry["due_on"]):
                    entry["due_on"] = due
    return result, units


@transaction.atomic
def collect_from_review(unit, year, user, date=None):
    """Materialise the review's needs of `unit`'s subtree for plan `year` (docs/domain.md §13.1). Idempotent:

    - a (person, programme) found and not registered: a new row, `waiting_since` = the review date;
    - found and registered: its review reasons, codes, due date and unit refreshed; REQUEST kept; `met` cleared;
      `waiting_since` never changed (the first time the need was recorded);
    - registered for a person of the subtree but no longer found: a row the units also requested keeps only REQUEST;
      a row from the review only is marked `met` (kept, with its history: the register shows it as met).

    Rows of people no longer in the subtree are left alone (collecting their new unit updates them). Returns
    {"created", "changed", "unchanged", "met"} counts. PermissionDenied unless `user` may write in `unit`."""
    _check_writer(user, unit)
    date = date or timezone.localdate()
    existing = {
        (n.person_id, n.program_id): n
        for n in Need.objects.filter(year=year, person_id__in=people_in(unit, date).values("pk"))
    }
    registered = defaultdict(set)
    for person_id, programme_id in existing:
        registered[person_id].add(programme_id)
    found, units = review_needs(unit, date, registered)
    created, changed, counts = [], [], {"created": 0, "changed": 0, "unchanged": 0, "met": 0}
    for (person_id, programme_id), entry in found.items():
        need = existing.pop((person_id, programme_id), None)
        if need is None:
            reasons = entry["reasons"]
            created.append(Need(
                year=year, person_id=person_id, program_id=programme_id, unit_id=units[person_id],
                reason=strongest(reasons), reasons=join_reasons(reasons),
                requirement_codes=",".join(sorted(entry["codes"]))[:200], due_on=entry["due_on"],
                waiting_since=date, met=False,
            ))
            continue
        before = _snapshot(need)
        kept = {r for r in split_codes(need.reasons) if r not in REVIEW_REASONS}
        reasons = kept | entry["reasons"]
        need.reason, need.reasons = strongest(reasons), join_reasons(reasons)
        need.requirement_codes = ",".join(sorted(entry["codes"]))[:200]
        need.due_on, need.unit_id, need.met = entry["due_on"], units[person_id], False
        if need.waiting_since is None:
            need.waiting_since = date
        if _snapshot(need) != before:
            changed.append((need, before))
        else:
            counts["unchanged"] += 1
    for need in existing.values():  # registered, no longer missing in the review
        before = _snapshot(need)
        kept = {r for r in split_codes(need.reasons) if r not in REVIEW_REASONS}
        if kept:
            need.reason, need.reasons, need.requirement_codes = strongest(kept), join_reasons(kept), ""
        elif not need.met:
            need.met = True
            counts["met"] += 1
        if _snapshot(need) != before:
            changed.append((need, before))
    counts["created"], counts["changed"] = len(created), len(changed) - counts["met"]
    _write(created, changed, user)
    return counts


# -- unit requests ---------------------------------------------------------------------------------------------------
def requests_for(user, action=VIEW):
    return NeedRequest.objects.restrict(user, action)


def people_outside_scope(user, person_ids):
    """The ids among `person_ids` that `user` may not name (not in the people they may change)."""
    person_ids = set(person_ids)
    if not person_ids:
        return set()
    allowed = scope_of(user).filter_people(Person.objects.filter(pk__in=person_ids), CHANGE)
    return person_ids - set(allowed.values_list("pk", flat=True))


def _check_request(user, req, people):
    scope = scope_of(user)
    if not scope.can_write or not scope.sees_unit(req.unit):
        raise PermissionDenied
    if req.pk and req.status != NeedRequest.Status.DRAFT:
        raise ValidationError(_("Đề nghị đã gửi: không sửa được nữa."))
    if people_outside_scope(user, [p.pk for p in people]):
        raise ValidationError(_("Có cán bộ không thuộc phạm vi quản lý của bạn."))
    if len(people) > req.people_count:
        raise ValidationError(_("Số người (%(count)s) ít hơn số cán bộ được nêu tên (%(named)s).")
                              % {"count": req.people_count, "named": len(people)})


@transaction.atomic
def save_request(user, req, people=()):
    """Save a DRAFT request (new or edited) with its named people, after checking the scope: the unit in the user's
    subtree (writers only), every named person among those they may change, no more named than the number."""
    people = list(people)
    _check_request(user, req, people)
    if req.pk is None:
        req.created_by = user
    req.save()
    req.people.set(people)
    return req


@transaction.atomic
def submit_request(user, req, when=None):
    """DRAFT → SUBMITTED (submitted_at), then the named people become needs (`link_request_people`)."""
    req = NeedRequest.objects.select_for_update().select_related("unit").get(pk=req.pk)
    scope = scope_of(user)
    if not scope.can_write or not scope.sees_unit(req.unit):
        raise PermissionDenied
    if req.status != NeedRequest.Status.DRAFT:
        raise ValidationError(_("Đề nghị đã được gửi trước đó."))
    req.status, req.submitted_at = NeedRequest.Status.SUBMITTED, when or timezone.now()
    req.save()
    link_request_people(req, [p.pk for p in req.people.all()], user)
    return req


def link_request_people(req, person_ids, user, date=None):
    """The named people of a sent request as needs with reason REQUEST: a person who already has a row for the
    request's programme and year gets REQUEST added to its reasons (and the request linked, when none is) instead
    of a second row; the strongest reason stays `reason`. Others get a new row, in their current unit (the
    request's unit when they have no placement today), waiting since today."""
    date = date or timezone.localdate()
    person_ids = set(person_ids)
    if not person_ids:
        return
    existing = {n.person_id: n for n in Need.objects.filter(year=req.year, program_id=req.program_id,
                                                            person_id__in=person_ids)}
    missing = person_ids - set(existing)
    units = dict(staff_placements(None, date).filter(person_id__in=missing).order_by("person_id", "-unit_id")
                 .values_list("person_id", "unit_id")) if missing else {}
    created, changed = [], []
    for person_id in sorted(missing):
        created.append(Need(
            year=req.year, person_id=person_id, program_id=req.program_id, unit_id=units.get(person_id, req.unit_id),
            reason=Reason.REQUEST, reasons=Reason.REQUEST, request=req, waiting_since=date, met=False,
        ))
    for need in existing.values():
        before = _snapshot(need)
        reasons = set(split_codes(need.reasons)) | {Reason.REQUEST}
        need.reason, need.reasons = strongest(reasons), join_reasons(reasons)
        if need.request_id is None:
            need.request = req
        need.met = False
        if _snapshot(need) != before:
            changed.append((need, before))
    _write(created, changed, user)


# -- the register ----------------------------------------------------------------------------------------------------
def needs_for(user):
    return Need.objects.restrict(user)


def in_subtree_q(unit):
    """Q on Need: rows recorded in `unit`'s subtree."""
    return prefix_q("unit__path", unit.path)


def filter_register(qs, year=None, unit=None, program=None, reason="", met=""):
    """The register narrowed by the page's filters (each blank = no condition); `met` "1" met, "0" not met."""
    if year:
        qs = qs.filter(year=year)
    if unit is not None:
        qs = qs.filter(in_subtree_q(unit))
    if program is not None:
        qs = qs.filter(program=program)
    if reason:
        qs = qs.filter(reason=reason)
    if met:
        qs = qs.filter(met=met == "1")
    return qs


EXPORT_HEADERS = ("Năm", "Mã cán bộ", "Họ và tên", "Mã đơn vị", "Đơn vị", "Mã chương trình", "Chương trình",
                  "Lý do chính", "Các lý do", "Tiêu chuẩn còn thiếu", "Hạn", "Có nhu cầu từ", "Đã đáp ứng",
                  "Theo đề nghị của")


def register_xlsx(qs):
    """The register rows of `qs` as an .xlsx workbook (bytes) and the number of rows: one query, streamed."""
    labels = dict(Reason.choices)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("Nhu cầu")
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, EXPORT_HEADERS, book.add_format({"bold": True}))
    rows = qs.order_by("year", "program__code", "person__code", "pk").values_list(
        "year", "person__code", "person__full_name", "unit__code", "unit__name", "program__code", "program__name",
        "reason", "reasons", "requirement_codes", "due_on", "waiting_since", "met", "request__unit__code",
    )
    count = 0
    for count, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        row = list(row)
        row[7] = str(labels.get(row[7], row[7]))
        row[8] = ", ".join(str(labels.get(r, r)) for r in split_codes(row[8]))
        row[12] = "Có" if row[12] else ""
        for col, value in enumerate(row):
            write_cell(sheet, count, col, value, date)
    book.close()
    return buffer.getvalue(), count


def register_counts(qs):
    """Counts of a Need queryset per programme (with its code and name) and per reason, in the database:
    ([{program_id, program__code, program__name, total, met}], {reason: count})."""
    per_programme = list(
        qs.order_by().values("program_id", "program__code", "program__name")
        .annotate(total=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by("program__code")
    )
    per_reason = qs.aggregate(**{r.lower(): Count("pk", filter=Q(reason=r)) for r in Reason.values})
    return per_programme, {r: per_reason[r.lower()] for r in Reason.values}


def default_year():
    """The plan year a register opens on: next year (plans are drawn up the year before)."""
    return timezone.localdate().year + 1
