"""Writes a generated demo province into the database: set-based inserts with precomputed ids, one transaction,
no per-row queries and no signals (the audit log is not filled with the demo's own creation).

The province is written as it stood on 30 June 2025 (both provinces, the district level), with its classes of before
1 July 2025; then the two reorganisations of that day are carried out as a province manager (`tinh`) would, through
reorganisation.operations (prepared, then confirmed: recorded as operations, audited, lineage links); then what is
dated from that day on: placements and posts in the successor units, the later classes, the plans, the ratings and
funding records, the surveys and the online course (those read the staff as the operations left them)."""
import contextlib
import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dtbd.accounts.models import Role
from dtbd.core.importing import db_now, insert_rows
from dtbd.core.text import fold, vn_sort_key
from dtbd.notices.models import Notice
from dtbd.org.models import Unit
from dtbd.people.catalog import level_order
from dtbd.people.models import (
    CategoryAssignment,
    Ethnicity,
    JobAssignment,
    JobPosition,
    Person,
    PlannedPost,
    PostAssignment,
    Qualification,
    Rank,
    RankAssignment,
    UnitAssignment,
)
from dtbd.reorganisation import operations as reorganisation
from dtbd.reorganisation.models import Operation
from dtbd.training.models import (
    Assessment,
    Attendance,
    Certificate,
    ClassSession,
    Enrollment,
    IssuingDecision,
    Lecturer,
    Program,
    Provider,
    Result,
    Score,
    TrainingClass,
)
from dtbd.training.services.certificates import new_code
from dtbd.training.services.lecturers import split_title

from .classes import LECTURER_INSTITUTION, SCHOOL, Classes, generate_classes
from .elearning import build_elearning
from .evaluation import build_surveys
from .funding import build_funding
from .generator import Province
from .quality import build_quality
from .plans import build_plans
from .units import MERGER_DAY

DECISION_SIGNER = "Nguyễn Văn Hiệu"  # the demo institutions' head, signing the issuing decisions

BATCH = 2000
DEMO_PASSWORD = "demo12345"

# username, role, scope (a key of Province.special), person (key), extra flags
DEMO_ACCOUNTS = [
    ("admin", Role.ADMIN, None, None, {"is_staff": True, "is_superuser": True}),
    ("tinh", Role.PROVINCE, "root", None, {}),
    ("donvi", Role.UNIT_OFFICER, "donvi", None, {}),
    ("truong", Role.INSTITUTION, "truong", None, {}),
    ("lanhdao", Role.LEADER, "root", None, {}),
    ("hocvien", Role.LEARNER, None, "hocvien", {}),
]


class DemoError(Exception):
    pass


@dataclass
class LoadResult:
    units: int
    people: int
    left: int
    records: int
    qualifications: int
    seconds: float
    classes: dict = None  # counts of the training rows: classes, enrollments, certificates…
    reorganisations: list = None  # the summary of each operation of 1 July 2025 (reorganisation.services.apply)
    plans: dict = None  # figures of the plans (demo/plans.py): lines, cost, budget cap, next year's needs…
    funding: dict = None  # counts of demo/funding.py: ratings, dispatches, people attracted, candidates…
    surveys: dict = None  # counts of demo/evaluation.py: class surveys, forms, answers
    evaluation: dict = None  # counts of demo/quality.py: level-3 forms, the year published
    elearning: dict = None  # counts of demo/elearning.py: the online course of the demo learner


def database_is_empty():
    return not Unit.objects.exists() and not Person.objects.exists()


def _disable_audit():
    try:
        from auditlog.context import disable_auditlog
    except ImportError:  # older django-auditlog: the inserts below send no signals anyway
        return contextlib.nullcontext()
    return disable_auditlog()


@transaction.atomic
def load(province: Province, today=None) -> LoadResult:
    """Insert `province` into an empty register. Raises DemoError when a catalogue entry it uses is missing."""
    start = time.perf_counter()
    with _disable_audit():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # keep index updates in memory
                cursor.execute("PRAGMA cache_size = -131072")
        now = db_now()
        ethnicities = dict(Ethnicity.objects.values_list("name", "id"))
        ranks = dict(Rank.objects.values_list("code", "id"))
        missing = sorted({p[5] for p in province.people} - set(ethnicities))
        missing += sorted({r[1] for r in province.rank_assignments} - set(ranks))
        if missing:
            raise DemoError(f"Danh mục thiếu các mục mà dữ liệu mẫu cần: {', '.join(missing)} (hãy chạy migrate).")

        unit_base = Unit.objects.aggregate(m=Max("id"))["m"] or 0
        person_base = Person.objects.aggregate(m=Max("id"))["m"] or 0
        unit_ids = {u.id: unit_base + u.id for u in province.units}
        paths = {}
        unit_rows = []
        for u in province.units:
            pk = unit_ids[u.id]
            path = (paths[u.parent] if u.parent else "") + Unit.segment(pk)
            paths[u.id] = path
            unit_rows.append((pk, u.code, u.name, fold(u.name), u.kind, u.level,
                              unit_ids[u.parent] if u.parent else None, path, path.count("/") - 1, u.valid_from,
                              u.valid_to))
        insert_rows(Unit, ("id", "code", "name", "name_folded", "kind", "admin_level", "parent", "path", "depth",
                           "valid_from", "valid_to"), unit_rows, BATCH)

        folded = {}
        person_rows = []
        for (pid, code, name, birth, gender, ethnicity, cid, email, phone, recruited, party, joined, left,
             reason) in province.people:
            if name not in folded:
                folded[name] = fold(name), vn_sort_key(name)
            person_rows.append((person_base + pid, code, name, *folded[name], birth, gender, ethnicities[ethnicity],
                                cid, email, phone, recruited, party, joined, left, reason, now, now))
        insert_rows(Person, ("id", "code", "full_name", "name_folded", "name_sort", "birth_date", "gender",
                             "ethnicity", "citizen_id", "email", "phone", "recruited_on", "party_member", "party_joined_on",
                             "left_on", "leave_reason", "created_at", "updated_at"), person_rows, BATCH)
        del person_rows

        dated = ("valid_from", "valid_to", "source", "decision_no", "created_at")
        records = 0

        def put(model, fields, rows):
            nonlocal records
            insert_rows(model, fields + dated, rows, BATCH)
            records += len(rows)

        def later(row, start):  # dated from the reorganisations on: written after them
            return row[start] is not None and row[start] >= MERGER_DAY

        placements = [(person_base + r[0], unit_ids[r[1]]) + r[2:] + (now,) for r in province.unit_assignments]
        put(UnitAssignment, ("person", "unit"), [r for r in placements if not later(r, 2)])
        put(CategoryAssignment, ("person", "category"),
            [(person_base + r[0],) + r[1:] + (now,) for r in province.category_assignments])
        put(RankAssignment, ("person", "rank"),
            [(person_base + r[0], ranks[r[1]]) + r[2:] + (now,) for r in province.rank_assignments])
        posts = [(person_base + r[0], r[1], r[2], unit_ids[r[3]]) + r[4:] + (now,) for r in province.post_assignments]
        put(PostAssignment, ("person", "title", "level", "unit"), [r for r in posts if not later(r, 4)])
        jobs = _job_positions({r[1] for r in province.job_assignments})
        put(JobAssignment, ("person", "job_position"),
            [(person_base + r[0], jobs[r[1]]) + r[2:] + (now,) for r in province.job_assignments])
        put(PlannedPost, ("person", "level", "title"),
            [(person_base + r[0],) + r[1:] + (now,) for r in province.planned_posts])

        orders = {}
        qual_rows = []
        for pid, qtype, level, major, language, issuer, issued, until, number, source in province.qualifications:
            key = (qtype, level)
            if key not in orders:
                orders[key] = level_order(qtype, level)
            qual_rows.append((person_base + pid, qtype, level, orders[key], major, language, issuer, issued, until,
                              number, source, now))
        insert_rows(Qualification, ("person", "type", "level", "level_order", "major", "language", "issuer",
                                    "issued_on", "valid_until", "certificate_no", "source", "created_at"),
                    qual_rows, BATCH)

        _reset_sequences([Unit, Person])
        special = province.special
        scopes = {key: unit_base + next(u.id for u in province.units if u.code == special[key])
                  for key in ("root", "donvi", "truong")}
        users = _demo_accounts(scopes=scopes, people={"hocvien": person_base + special["hocvien"]})
        today = today or timezone.localdate()
        earlier, later_classes = generate_classes(province, today).split(MERGER_DAY)
        numbers = {}  # issuing decisions numbered per provider and year across both batches
        classes = _load_classes(earlier, person_base, scopes["truong"], users, now, numbers)
        reorganised = _reorganise(province, person_base, users["tinh"])
        put(UnitAssignment, ("person", "unit"), [r for r in placements if later(r, 2)])
        put(PostAssignment, ("person", "title", "level", "unit"), [r for r in posts if later(r, 4)])
        del placements, posts
        more = _load_classes(later_classes, person_base, scopes["truong"], users, now, numbers)
        classes = {key: classes[key] + more[key] for key in classes}
        # The finished classes' surveys (their lecturers are those of the sessions).
        surveys = build_surveys(province, today)
        # The annual plans come last: their lines keep the classes and their needs read the staff records.
        plans = build_plans(province, today, users)
        # The ratings and the funding records (dispatches, commitments, attraction, source cadres) read the staff.
        funding = build_funding(province, today, users)
        # The level-3 forms and last year's publication read the classes, the surveys and the ratings.
        evaluation = build_quality(today, users, province.seed)
        # The online course of the demo learner (docs/domain.md §17).
        elearning = build_elearning(today, users)
    left = sum(1 for p in province.people if p[12] is not None)
    left += funding.get("left", 0)
    return LoadResult(len(unit_rows), len(province.people) - left + funding.get("recruited", 0), left, records,
                      len(qual_rows), time.perf_counter() - start, classes, reorganised, plans, funding, surveys,
                      evaluation, elearning)


def _reorganise(province, person_base, actor_id):
    """The operations of 1 July 2025 (Province.reorganisations), each prepared and confirmed as the reorganisation
    pages do (reorganisation.operations.confirm: one transaction, the set-based services), by the province manager.
    Returns their summaries."""
    actor = get_user_model().objects.get(pk=actor_id)
    summaries = []
    for op in province.reorganisations:
        operation = Operation.objects.create(
            kind=op.kind, on_date=MERGER_DAY, abolish_level=op.abolish_level, note=op.note, created_by=actor,
            rows=[{"row": i, "old": old, "new": new, "note": op.note} for i, (old, new) in enumerate(op.rows, start=2)],
            people={str(person_base + pid): code for pid, code in op.people.items()})
        try:
            summaries.append(reorganisation.confirm(operation, actor))
        except reorganisation.Refused as refused:
            raise DemoError(f"Sắp xếp tổ chức bộ máy của dữ liệu mẫu không hợp lệ: {refused}") from refused
    return summaries


def _job_positions(names):
    """Job position ids by name, creating the missing ones (matched accent-insensitively)."""
    existing = dict(JobPosition.objects.values_list("name_folded", "id"))
    new = sorted(name for name in names if fold(name) not in existing)
    JobPosition.objects.bulk_create([JobPosition(name=name, name_folded=fold(name)) for name in new])
    existing = dict(JobPosition.objects.values_list("name_folded", "id"))
    return {name: existing[fold(name)] for name in names}


def _lecturers(texts):
    """Lecturer ids by the demo's free text ("TS. Nguyễn Thị Thu Hà"): external lecturers of the register, the
    academic title read off the name (training.services.lecturers.split_title), created in one insert."""
    split = {text: split_title(text) for text in texts}
    Lecturer.objects.bulk_create([
        Lecturer(name=name, academic_title=title, institution=LECTURER_INSTITUTION, search=fold(name))
        for title, name in sorted(set(split.values()), key=lambda pair: pair[1])
    ])
    ids = dict(Lecturer.objects.filter(person__isnull=True).values_list("name", "id"))
    return {text: ids[name] for text, (_title, name) in split.items()}


def _reset_sequences(models):
    """Explicit ids leave PostgreSQL's sequences behind; SQLite needs nothing."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _demo_accounts(scopes, people):
    """The demo logins of the shared interface spec; an existing user of that name keeps its password."""
    User = get_user_model()
    ids = {}
    for username, role, scope, person, flags in DEMO_ACCOUNTS:
        values = {"role": role, "scope_unit_id": scopes.get(scope), "person_id": people.get(person), **flags}
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, **values)
            user.set_password(DEMO_PASSWORD)
            user.save()
        else:
            for name, value in values.items():
                setattr(user, name, value)
            user.save()
        ids[username] = user.pk
    return ids


def _next_id(model):
    return model.objects.aggregate(m=Max("id"))["m"] or 0


def _url(name_and_args, class_ids):
    name, *args = name_and_args
    try:
        return reverse(name, args=[class_ids[a] for a in args])
    except NoReverseMatch:
        return ""


def _load_classes(c: Classes, person_base, truong_unit, users, now, numbers):
    """Insert the demo's classes (see classes.py) set-based, ids precomputed. The seeded provider of the provincial
    school of politics is linked to the demo's TRUONG unit so that the `truong` login runs its classes."""
    programs = dict(Program.objects.values_list("code", "id"))
    providers = dict(Provider.objects.values_list("code", "id"))
    missing = sorted({r[3] for r in c.classes} - set(programs)) + sorted({r[4] for r in c.classes} - set(providers))
    if missing:
        raise DemoError(f"Danh mục thiếu chương trình, cơ sở đào tạo mà dữ liệu mẫu cần: {', '.join(missing)} "
                        "(hãy chạy migrate).")
    Provider.objects.filter(code=SCHOOL).update(unit_id=truong_unit)
    dt = connection.ops.adapt_datetimefield_value
    tm = connection.ops.adapt_timefield_value
    user = users.get

    cls_base, ses_base, ass_base, enr_base, res_base, qual_base = (
        _next_id(m) for m in (TrainingClass, ClassSession, Assessment, Enrollment, Result, Qualification))
    class_ids = {r[0]: cls_base + r[0] for r in c.classes}
    insert_rows(TrainingClass, (
        "id", "code", "name", "program", "provider", "form", "place", "capacity", "min_size", "registration_opens",
        "registration_closes", "starts_on", "ends_on", "cost_estimate", "funding_source", "status",
        "min_attendance_pct", "results_submitted_at", "results_submitted_by", "seats_taken", "created_at",
    ), [(class_ids[r[0]], r[1], r[2], programs[r[3]], providers[r[4]], r[5], r[6], r[7], r[8], r[9], r[10], r[11],
         r[12], r[13], r[14], r[15], r[16], dt(r[17]) if r[17] else None, user(r[18]) if r[18] else None,
         c.seats[r[0]], now) for r in c.classes], BATCH)
    lecturers = _lecturers({r[7] for r in c.sessions if r[7]})
    insert_rows(ClassSession, ("id", "training_class", "date", "start_time", "end_time", "tiet", "topic", "lecturer"),
                [(ses_base + r[0], class_ids[r[1]], r[2], tm(r[3]), tm(r[4]), r[5], r[6], lecturers.get(r[7]))
                 for r in c.sessions], BATCH)
    insert_rows(Assessment, ("id", "training_class", "name", "kind", "order"),
                [(ass_base + r[0], class_ids[r[1]], r[2], r[3], r[4]) for r in c.assessments], BATCH)
    insert_rows(Enrollment, ("id", "training_class", "person", "source", "state", "reason", "requested_at",
                             "requested_by", "decided_at", "decided_by", "completed_on"),
                [(enr_base + r[0], class_ids[r[1]], person_base + r[2], r[3], r[4], r[5], dt(r[6]),
                  user(r[7]) if r[7] else None, dt(r[8]) if r[8] else None, user(r[9]) if r[9] else None, r[10])
                 for r in c.enrollments], BATCH)
    insert_rows(Attendance, ("session", "enrollment", "status", "note"),
                [(ses_base + r[0], enr_base + r[1], r[2], "") for r in c.attendance], BATCH)
    result_ids = {}
    result_rows = []
    for i, r in enumerate(c.results, start=1):
        result_ids[r[0]] = res_base + i
        by = user(r[6])
        result_rows.append((res_base + i, enr_base + r[0], 1, r[1], r[2], r[3], r[4], True, "", dt(r[5]), by, by,
                            dt(r[5])))
    insert_rows(Result, ("id", "enrollment", "version", "final_score", "grade", "attendance_pct", "completed",
                         "is_current", "reason", "created_at", "created_by", "submitted_by", "submitted_at"),
                result_rows, BATCH)
    insert_rows(Score, ("result", "assessment", "value"),
                [(result_ids[r[0]], ass_base + r[1], r[2]) for r in c.scores], BATCH)
    qual_ids = {}
    orders = {}
    qual_rows = []
    for i, (eid, pid, qtype, level, major, issuer, issued, until, number, hours) in enumerate(c.qualifications, 1):
        qual_ids[eid] = qual_base + i
        if (qtype, level) not in orders:
            orders[(qtype, level)] = level_order(qtype, level)
        qual_rows.append((qual_base + i, person_base + pid, qtype, level, orders[(qtype, level)], major, "", issuer,
                          issued, until, number, hours, "CLASS", now))
    insert_rows(Qualification, ("id", "person", "type", "level", "level_order", "major", "language", "issuer",
                                "issued_on", "valid_until", "certificate_no", "hours", "source", "created_at"),
                qual_rows, BATCH)
    # One confirmed issuing decision per class with certificates (docs/domain.md §11.2), numbered per provider and
    # year, dated on the certificates' day, signed by the institution's head.
    class_of = {r[0]: r[1] for r in c.enrollments}
    dec_base = _next_id(IssuingDecision)
    decision_ids, decision_rows = {}, []
    for eid, provider, year, _serial, _number, issued in c.certificates:
        cid = class_of[eid]
        if cid in decision_ids:
            continue
        numbers[(provider, year)] = n = numbers.get((provider, year), 0) + 1
        decision_ids[cid] = dec_base + 1 + len(decision_rows)
        decision_rows.append((decision_ids[cid], class_ids[cid], "CONFIRMED", str(n), issued, DECISION_SIGNER,
                              "Hiệu trưởng" if provider == SCHOOL else "Giám đốc", "", now, user("truong"), now,
                              user("truong")))
    insert_rows(IssuingDecision, ("id", "training_class", "status", "number", "decided_on", "signer_name",
                                  "signer_position", "authority", "created_at", "created_by", "confirmed_at",
                                  "confirmed_by"), decision_rows, BATCH)
    codes = set()
    cert_rows = []
    for eid, provider, year, serial, number, issued in c.certificates:
        code = new_code()
        while code in codes:
            code = new_code()
        codes.add(code)
        cert_rows.append((enr_base + eid, providers[provider], year, serial, number, code, "CERT", issued,
                          qual_ids[eid], "", now, decision_ids[class_of[eid]]))
    insert_rows(Certificate, ("enrollment", "provider", "year", "serial", "number", "code", "kind", "issued_on",
                              "qualification", "revoked_reason", "created_at", "decision"), cert_rows, BATCH)
    insert_rows(Notice, ("user", "kind", "title", "body", "url", "created_at", "read_at", "email_error"),
                [(user(r[0]), r[1], r[2], r[3], _url(r[4], class_ids), dt(r[5]), dt(r[5]) if r[6] else None, "")
                 for r in c.notices if user(r[0])], BATCH)
    _reset_sequences([TrainingClass, ClassSession, Assessment, Enrollment, Result, Qualification, IssuingDecision])
    return {"classes": len(c.classes), "enrollments": len(c.enrollments), "certificates": len(c.certificates)}
