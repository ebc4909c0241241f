"""Reads of the training catalogue, and the bridge from training needs (dtbd.standards.needs) to programmes."""
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from dtbd.core.models import valid_on_q
from dtbd.core.text import fold
from dtbd.people.catalog import PostLevel, level_order
from dtbd.people.models import Person, PlannedPost
from dtbd.people.queries import unit_on
from dtbd.standards import gate
from dtbd.standards.engine import Catalogue, annual_hours, hours_standing, person_status
from dtbd.standards.models import Requirement
from dtbd.standards.needs import Need

from .models import Certificate, Enrollment, Program, Result, TrainingClass
from .permissions import is_institution, is_manager, is_unit_officer, people_to_nominate, run_classes_q
from .states import ACTIVE_STATES, OWN_WITHDRAW_STATES, SEAT_STATUSES, State


def programmes_for_need(qualification_type, level):
    """Active programmes whose certificate satisfies a need for `qualification_type` at `level` or above:
    same type, granted level order ≥ the needed one."""
    return Program.objects.filter(
        active=True, grants_type=qualification_type, grants_level_order__gte=level_order(qualification_type, level)
    ).order_by("grants_level_order", "code")


def programmes_by_need(needs):
    """{need: [programmes]} for a list of `Need`s, in one query: qualification needs match on the granted type and
    level, programme needs on the programme code; hour needs have no single programme."""
    types = {n.qualification_type for n in needs if n.qualification_type}
    codes = {n.programme_code for n in needs if n.programme_code}
    if not types and not codes:
        return {n: [] for n in needs}
    programmes = list(
        Program.objects.filter(Q(grants_type__in=types) | Q(code__in=codes), active=True).order_by(
            "grants_level_order", "code"
        )
    )
    result = {}
    for need in needs:
        if need.qualification_type:
            wanted = need.min_level_order or 0
            result[need] = [
                p for p in programmes
                if p.grants_type == need.qualification_type and (p.grants_level_order or 0) >= wanted
            ]
        elif need.programme_code:
            result[need] = [p for p in programmes if p.code == need.programme_code]
        else:
            result[need] = []
    return result


def search_programmes(qs, text):
    """Accent-insensitive search on code and name: 'can bo' finds 'cán bộ'."""
    folded = fold(text)
    for word in folded.split():
        qs = qs.filter(search__contains=word)
    return qs


def audit_entries(obj, limit=50):
    """An object's change history (django-auditlog), newest first, with the actor in the same query."""
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")[:limit]


# -- completion → standards (the PROGRAMME requirement kind) ----------------------------------------------------------
def completed_programme_people(programme_code, date, within_years=None):
    """person_id values of the people who COMPLETED a class of programme `programme_code` on or before `date` (and, when
    `within_years` is set, not before `date` minus that many years). The completion date is the enrolment's
    `completed_on`, else the class's end date (results recorded without a completion date). A values queryset: use it
    in `person_id__in=…` (dtbd.standards.engine.Catalogue.met_q)."""
    qs = (
        Enrollment.objects.filter(state=Enrollment.State.COMPLETED, training_class__program__code=programme_code)
        .annotate(done_on=Coalesce("completed_on", "training_class__ends_on", output_field=DateField()))
        .filter(done_on__lte=date)
    )
    if within_years:
        try:
            start = date.replace(year=date.year - within_years)
        except ValueError:  # 29/02
            start = date.replace(year=date.year - within_years, day=28)
        qs = qs.filter(done_on__gte=start)
    return qs.values("person_id")


# -- certificates ---------------------------------------------------------------------------------------------------
def credit_sources(qualification_ids):
    """{qualification id: {class_id, class_code, class_name, url}}: the class whose certificate created each of the
    qualifications (registered on dtbd.standards.extensions.credit_sources: the hours review links each credited
    tiết to its class). One query."""
    rows = (
        Certificate.objects.filter(qualification_id__in=list(qualification_ids))
        .values("qualification_id", "enrollment__training_class_id", "enrollment__training_class__code",
                "enrollment__training_class__name")
    )
    return {
        row["qualification_id"]: {
            "class_id": row["enrollment__training_class_id"],
            "class_code": row["enrollment__training_class__code"],
            "class_name": row["enrollment__training_class__name"],
            "url": reverse("training:class_detail", args=[row["enrollment__training_class_id"]]),
        }
        for row in rows
    }


def certificates_for(user):
    """Certificates `user` may see (and print): Certificate.objects.restrict."""
    return Certificate.objects.restrict(user)


def certificate_rows(qs, user):
    """A certificate queryset with what the list shows loaded (person, class, programme, provider) in the same query,
    annotated `can_replace` (the user runs the class: permissions.run_classes_q) for the replacement button."""
    if is_manager(user):
        can_replace = Value(True)
    elif is_institution(user):
        run = TrainingClass.objects.filter(run_classes_q(user)).values("pk")
        can_replace = Case(When(enrollment__training_class__in=run, then=Value(True)), default=Value(False))
    else:
        can_replace = Value(False)
    return qs.select_related(
        "provider", "enrollment__person", "enrollment__training_class__program"
    ).annotate(can_replace=ExpressionWrapper(can_replace, output_field=BooleanField())).order_by("-issued_on", "-pk")


def search_certificates(qs, text):
    """Search on the number (contains, case-insensitive) or the person's name (accent-insensitive, every word)."""
    text = (text or "").strip()
    if not text:
        return qs
    name_q = Q()
    for word in fold(text).split():
        name_q &= Q(enrollment__person__name_folded__contains=word)
    return qs.filter(Q(number__icontains=text) | name_q)


# -- the learner portal -------------------------------------------------------------------------------------------------
def classes_open_for(person, date):
    """Classes `person` can register for on `date`: open for registration and not already in their enrolments."""
    return (
        TrainingClass.objects.open_for_registration(date)
        .exclude(pk__in=Enrollment.objects.filter(person=person).values("training_class_id"))
        .annotate(seats_left=F("capacity") - F("seats_taken"))
        .select_related("program", "provider")
        .order_by("starts_on", "code")
    )


def enrolments_of(person):
    """`person`'s enrolments, newest class first, with the class, programme and provider, the current result
    (`grade`, `final_score`) and, for the waitlisted, `waitlist_ahead` (people before them): one query."""
    current = Result.objects.filter(enrollment=OuterRef("pk"), is_current=True)
    ahead = (
        Enrollment.objects.filter(training_class=OuterRef("training_class"), state=Enrollment.State.WAITLISTED)
        .filter(Q(requested_at__lt=OuterRef("requested_at"))
                | Q(requested_at=OuterRef("requested_at"), pk__lt=OuterRef("pk")))
        .order_by().values("training_class").annotate(n=Count("pk")).values("n")
    )
    return (
        Enrollment.objects.filter(person=person)
        .select_related("training_class__program", "training_class__provider")
        .annotate(
            grade=Subquery(current.values("grade")[:1]),
            final_score=Subquery(current.values("final_score")[:1]),
            waitlist_ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0),
        )
        .order_by("-training_class__starts_on", "-pk")
    )


def certificates_of(person):
    return Certificate.objects.filter(enrollment__person=person).select_related(
        "provider", "enrollment__training_class__program"
    ).order_by("-issued_on", "-pk")


def need_of(r):
    """The training need (dtbd.standards.needs.Need) a requirement row asks for."""
    if r.kind in (Requirement.Kind.QUALIFICATION, Requirement.Kind.TITLE_CERT):  # a title certificate: type CDNN
        return Need(kind=Requirement.Kind.QUALIFICATION, qualification_type=r.qualification_type, min_level=r.min_level,
                    min_level_order=r.min_level_order)
    if r.kind == Requirement.Kind.PROGRAMME:
        return Need(kind=r.kind, programme_code=r.programme_code, within_years=r.within_years)
    return Need(kind=r.kind, hours=r.hours)


def learning_standing(person, date):
    """What `person` still needs on `date`, read through the standards engine, for the learner portal:

    - `status`: engine.person_status (every requirement code they are subject to, met or missing);
    - `hours` (tiết credited in their own period: engine.hours_standing, the ANNUAL_HOURS row that governs them —
      a calendar year, a teacher's school year, a health worker's rolling years — or the calendar year when none
      applies), `hours_required` (its minimum; None when none applies), `hours_period` (first, last day; None when
      none applies), `hours_period_label` and `hours_rule` (the row's name);
    - `current`: [{code, name, required, need}] for each requirement row of their current post/rank they miss;
    - `planned`: [{title, level, level_label, unmet: [{code, name, required, need}]}] for each planned post (quy
      hoạch), the rows of that post level they would not meet (dtbd.standards.gate.target_rows, evaluated like
      gate.unmet_for_target);
    - `programmes`: {need: [programmes that grant it]} (programmes_by_need) and `classes`: {programme id: [classes
      open for registration]}.
    A fixed number of queries (catalogue reads plus one query per part), whatever the person's records."""
    status = person_status(person, date)
    cat = Catalogue.on(date)
    rows = [r for code_rows in cat.rows_by_code.values() for r in code_rows]
    planned_posts = list(PlannedPost.objects.filter(valid_on_q(date), person=person).order_by("level", "title"))
    targets = {}
    for level in dict.fromkeys(p.level for p in planned_posts if p.level):
        targets[level] = gate.target_rows(cat, post_level=level)

    annotations = {}
    for i, r in enumerate(rows):
        annotations[f"s{i}"] = ExpressionWrapper(cat.subject_q(r), output_field=BooleanField())
        annotations[f"u{i}"] = ExpressionWrapper(cat.subject_q(r) & ~cat.met_q(r), output_field=BooleanField())
    level_index = {level: k for k, level in enumerate(targets)}
    for level, pairs in targets.items():
        for j, (_r, hypo) in enumerate(pairs):
            annotations[f"t{level_index[level]}_{j}"] = ExpressionWrapper(
                cat.subject_q(hypo) & ~cat.met_q(hypo), output_field=BooleanField()
            )
    people = annual_hours(Person.objects.filter(pk=person.pk), date.year)
    row = people.annotate(**annotations).values("hours", *annotations).first() or {}
    own = hours_standing([person.pk], date).get(person.pk)

    def entry(r):
        return {"code": r.code, "name": r.name, "required": gate.required_label(r), "need": need_of(r)}

    current = []
    for i, r in enumerate(rows):
        if not row.get(f"s{i}"):
            continue
        if row.get(f"u{i}"):
            current.append(entry(r))
    planned = []
    for p in planned_posts:
        pairs = targets.get(p.level, [])
        unmet, seen = [], set()
        for j, (r, _hypo) in enumerate(pairs):
            if row.get(f"t{level_index[p.level]}_{j}") and r.pk not in seen:
                seen.add(r.pk)
                unmet.append(entry(r))
        label = PostLevel(p.level).label if p.level in PostLevel.values else p.level
        planned.append({"title": p.title, "level": p.level, "level_label": label, "unmet": unmet})

    needs = list(dict.fromkeys([e["need"] for e in current] + [e["need"] for p in planned for e in p["unmet"]]))
    programmes = programmes_by_need(needs) if needs else {}
    program_ids = {p.pk for progs in programmes.values() for p in progs}
    classes = {}
    if program_ids:
        for cls in classes_open_for(person, date).filter(program_id__in=program_ids):
            classes.setdefault(cls.program_id, []).append(cls)
    hours = own.total if own else (row.get("hours") or 0)
    hours_required = own.required if own else None
    return {
        "status": status,
        "hours": hours,
        "hours_required": hours_required,
        "hours_period": (own.start, own.end) if own else None,
        "hours_period_label": own.row.period_label() if own else "",
        "hours_rule": own.row.name if own else "",
        "hours_pct": min(100, round(100 * hours / hours_required)) if hours_required else None,
        "current": current,
        "planned": planned,
        "programmes": programmes,
        "classes": classes,
    }


# -- the enrolment pages (each a fixed number of queries) -----------------------------------------------------------
def roster_rows(qs):
    """Enrolment rows with what the lists show in the same query: person, class, who requested / decided, the
    person's current unit name (`unit_name`) and, for WAITLISTED rows, their place on the class's waitlist
    (`waitlist_position`, 1 = next to be promoted; order requested_at, id)."""
    earlier = (
        Enrollment.objects.filter(training_class=OuterRef("training_class"), state=State.WAITLISTED)
        .filter(Q(requested_at__lt=OuterRef("requested_at")) | Q(requested_at=OuterRef("requested_at"), pk__lt=OuterRef("pk")))
        .order_by().values("training_class").annotate(n=Count("pk")).values("n")
    )
    return qs.select_related("person", "training_class__program", "requested_by", "decided_by").annotate(
        unit_name=unit_on(field="unit__name", person_ref="person_id"),
        waitlist_position=Case(
            When(state=State.WAITLISTED,
                 then=Coalesce(Subquery(earlier, output_field=IntegerField()), Value(0)) + Value(1)),
            default=None, output_field=IntegerField(),
        ),
    )


def state_counts(qs):
    """{state: count} of an enrolment queryset, every state present (zero when none), plus "total"; one aggregate."""
    counts = qs.aggregate(total=Count("pk"), **{s.lower(): Count("pk", filter=Q(state=s)) for s in State.values})
    return {"total": counts["total"], **{s: counts[s.lower()] for s in State.values}}


def decidable_enrollments(user):
    """Enrolments `user` may approve / reject / withdraw (permissions.can_decide as a queryset): managers all, unit
    officers those of the people they may nominate; nobody else."""
    if is_manager(user):
        return Enrollment.objects.all()
    if is_unit_officer(user):
        return Enrollment.objects.filter(person__in=people_to_nominate(user).values("pk"))
    return Enrollment.objects.none()


def decidable_person_ids(user, person_ids):
    """The subset of `person_ids` whose enrolments `user` may decide on (one query at most)."""
    person_ids = set(person_ids)
    if is_manager(user):
        return person_ids
    if is_unit_officer(user) and person_ids:
        return set(people_to_nominate(user).filter(pk__in=person_ids).values_list("pk", flat=True))
    return set()


def row_actions(row, user, decidable):
    """Set can_approve / can_reject / can_withdraw on an enrolment row for `user` (`decidable`: the person ids of
    decidable_person_ids). No query."""
    decide = row.person_id in decidable
    status = row.training_class.status
    row.can_approve = decide and row.state in (State.REQUESTED, State.APPROVED) and status in SEAT_STATUSES
    row.can_reject = decide and row.state in (State.REQUESTED, State.APPROVED, State.WAITLISTED)
    own = bool(user.person_id) and row.person_id == user.person_id and row.state in OWN_WITHDRAW_STATES
    row.can_withdraw = (decide and row.state in ACTIVE_STATES) or own
    return row
