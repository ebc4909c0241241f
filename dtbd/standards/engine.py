"""Compliance engine (rà soát tiêu chuẩn): who must meet which requirement on a date, and who meets it.

Set-based: the requirement catalogue (a few dozen rows) is read once and turned into SQL conditions on people; every
figure is then one aggregate query for all requirement codes at once — never a loop over people.

For a requirement row r and a date D, a person is *subject* to r when, on D: they work in the subtree (unit assignment
valid on D, not left before D), their category valid on D is CB, CC or VC, r is valid on D, r's rule set (if any) is
the one chosen for their category on D (see `rule_sets_on`), and they match every criteria column of r (rank tier or
code, a post held, a planned post — optionally not already held at that level —, job position, unit kind/level).
Rows sharing a code form one requirement: a person is subject to the code when subject to any of its rows (two posts
give the union), and misses it when they miss any row they are subject to.

A qualification counts when held on D (issued on or before D or undated, `valid_until` NULL or on/after D) and of the
required type at or above the minimum level order, or through an Equivalence.

Rule sets come in families (RuleSet.Family: the fostering decrees, the standards of posts, political theory); a row
linked to a rule set applies to the categories for which that rule set is the one chosen in its family on D.
A row of higher `priority` in a code takes the people it applies to away from the rows of lower priority of the same
code (a sector's own hours replace the general 40 tiết). An hours row counts the tiết credited over its period for D:
the calendar year or the school year containing D, or the N years ending on D (Requirement.period_on)."""
import copy
import datetime
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from dtbd.core.models import valid_on_q
from dtbd.people.models import (
    CategoryAssignment,
    JobAssignment,
    Person,
    PlannedPost,
    PostAssignment,
    Qualification,
    RankAssignment,
    UnitAssignment,
)
from dtbd.people.queries import STAFF_CATEGORIES, staff_placements

from . import extensions
from .models import Equivalence, Requirement, RuleSet, split_codes

NOTHING = Q(pk__isnull=True)  # never true, compiles everywhere (an empty IN may raise EmptyResultSet)
# The columns that make two rows of a code the same rule (all but the rule set, categories, name, basis and dates).
MERGE_KEY = (
    "rank_tiers", "rank_code", "rank_kind", "title_families", "post_levels", "planned_levels", "planned_not_holding",
    "job_position_id", "unit_kinds", "unit_levels", "kind", "qualification_type", "min_level_order", "programme_code",
    "within_years", "hours", "period", "period_years", "priority",
)
# Kinds met by holding a qualification (a title certificate is a qualification of type CDNN at the title's grade).
QUALIFICATION_KINDS = (Requirement.Kind.QUALIFICATION, Requirement.Kind.TITLE_CERT)


def credited_between(start: datetime.date, end: datetime.date):
    """Qualifications carrying fostering tiết credited between `start` and `end` (both included): certificates entered
    or imported with their number of tiết (Qualification.hours), counted on the day they were issued. The one source
    of fostering hours: a completed class adds its tiết here through its certificate (docs/domain.md §8), and every
    review, report and the ANNUAL_HOURS requirement follow."""
    return Qualification.objects.filter(issued_on__gte=start, issued_on__lte=end, hours__gt=0)


def credited_hours(year: int):
    """Rows (person_id, hours) of fostering tiết credited to the calendar `year` (credited_between)."""
    return credited_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31)).values("person_id", "hours")


def _hours_between(start, end):
    return credited_between(start, end).order_by().values("person_id").annotate(total=Sum("hours"))


def _hours_by_person(year: int):
    return _hours_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def annual_hours(people, year: int):
    """Tiết of fostering credited to each of `people` (a Person queryset) in the calendar `year`, as the annotation
    `hours` on that queryset (0 when none)."""
    total = _hours_by_person(year).filter(person_id=OuterRef("pk")).values("total")
    return people.annotate(hours=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))


def reached_hours_q(year, minimum: int, ref="pk", people=None):
    """People (a Q on `ref`) with at least `minimum` tiết credited in `year` (a calendar year, or a (first, last)
    pair of days): one grouped subquery, set-based (only over `people`, a values("pk") query of persons, when given)."""
    if not minimum or minimum <= 0:
        return Q(**{f"{ref}__isnull": False})
    hours = _hours_between(*year) if isinstance(year, tuple) else _hours_by_person(year)
    if people is not None:
        hours = hours.filter(person_id__in=people)
    return Q(**{f"{ref}__in": hours.filter(total__gte=minimum).values("person_id")})


def rule_set_choices(date: datetime.date) -> dict[tuple[str, str], int]:
    """{(family, category): rule set id} on `date`: in each family, among the rule sets valid on the date that name
    the category, the one with the latest valid_from (undated = earliest). One small query on the catalogue."""
    chosen = {}
    for rs in RuleSet.objects.filter(valid_on_q(date)).order_by(F("valid_from").asc(nulls_first=True), "pk"):
        for category in rs.category_list():
            if category in STAFF_CATEGORIES:
                chosen[(rs.family, category)] = rs.pk  # later valid_from overrides
    return chosen


def rule_sets_on(date: datetime.date, family=RuleSet.Family.FOSTERING) -> dict[str, int]:
    """{category: rule set id} of `family` (default: the fostering decrees, Decree 101/2017 or 171/2025) on `date`."""
    return {category: pk for (fam, category), pk in rule_set_choices(date).items() if fam == family}


@dataclass
class Catalogue:
    """The requirements valid on a date, grouped by code, with the rule set choice and the equivalences.

    `people` (a values("pk") query of persons, optional): the conditions will only be asked of these people, so every
    list a condition reads (categories, ranks, posts, qualifications held, hours…) is taken over them only — the same
    answers for them, and the cost of a few people instead of the whole register (an incremental refresh of the
    dashboard's summary tables)."""

    date: datetime.date
    rows_by_code: dict = field(default_factory=dict)
    rule_sets: dict = field(default_factory=dict)
    equivalences: list = field(default_factory=list)
    people: object = None

    @classmethod
    def on(cls, date, codes=None, people=None):
        qs = Requirement.objects.filter(valid_on_q(date)).order_by("code", "pk")
        if codes:
            qs = qs.filter(code__in=codes)
        cat = cls(date, rule_sets=rule_set_choices(date), equivalences=list(Equivalence.objects.all()), people=people)
        for r in qs:
            cat.rows_by_code.setdefault(r.code, []).append(r)
        return cat

    def _only(self, qs):
        """`qs` (rows with a person_id) over `self.people` only, when set."""
        return qs if self.people is None else qs.filter(person_id__in=self.people)

    # -- who -------------------------------------------------------------------------------------------------------
    def merged_rows(self, code):
        """The rows of `code`, those equal but for their rule set (and categories, name, basis, dates) merged into
        one whose categories are the union of theirs on the date: Decree 101's and Decree 171's RANK_QLNN rows make
        one condition, not two — half the subqueries of the review (bench/compliance.py), the same people."""
        groups = {}
        for r in self.rows_by_code.get(code, []):
            groups.setdefault(tuple(getattr(r, name) for name in MERGE_KEY), []).append(r)
        result = []
        for rows in groups.values():
            if len(rows) == 1:
                result.append(rows[0])
                continue
            merged = copy.copy(rows[0])
            merged.merged_categories = sorted(set().union(*(self.categories_for(r) for r in rows)))
            result.append(merged)
        return result

    def categories_for(self, r):
        if getattr(r, "merged_categories", None) is not None:
            return r.merged_categories
        allowed = set(split_codes(r.categories) or STAFF_CATEGORIES) & set(STAFF_CATEGORIES)
        if r.rule_set_id:
            allowed &= {c for (_family, c), rs in self.rule_sets.items() if rs == r.rule_set_id}
        return sorted(allowed)

    def subject_q(self, r, ref="pk", staff_base=False):
        """People subject to requirement row `r` on the date (a Q on `ref` = the person id field): they meet its
        criteria and no row of higher priority of the same code applies to them.

        staff_base: the query this Q goes into already holds only people of category CB/CC/VC on the date
        (people_in, staff_placements), so a row that applies to all three needs no category condition: leaving it
        out halves the full review's time on SQLite (bench/compliance.py)."""
        q = self.criteria_q(r, ref, staff_base)
        for other in self.rows_by_code.get(r.code, []):
            if other.priority > r.priority:
                q &= ~self.criteria_q(other, ref, staff_base)
        return q

    def criteria_q(self, r, ref="pk", staff_base=False):
        """People who meet the criteria columns of row `r` on the date (see subject_q)."""
        d = self.date
        categories = self.categories_for(r)
        if not categories:
            return NOTHING

        def has(model, *conditions, **filters):
            rows = model.objects.filter(valid_on_q(d), *conditions, **filters)
            return Q(**{f"{ref}__in": self._only(rows).values("person_id")})

        if staff_base and set(categories) == set(STAFF_CATEGORIES):
            q = Q(**{f"{ref}__isnull": False})
        else:
            q = has(CategoryAssignment, category__in=categories)
        rank = Q()
        if r.rank_tiers:
            rank &= Q(rank__tier__in=split_codes(r.rank_tiers))
        if r.rank_code:
            rank &= Q(rank__code=r.rank_code)
        if r.rank_kind:
            rank &= Q(rank__kind=r.rank_kind)
        if r.title_families:
            family = NOTHING
            for prefix in split_codes(r.title_families):
                family |= Q(rank__code__startswith=prefix)
            rank &= family
        if rank:
            q &= has(RankAssignment, rank)
        if r.post_levels:
            q &= has(PostAssignment, level__in=split_codes(r.post_levels))
        if r.planned_levels:
            planned = PlannedPost.objects.filter(valid_on_q(d), level__in=split_codes(r.planned_levels))
            if r.planned_not_holding:
                holding = PostAssignment.objects.filter(valid_on_q(d), person=OuterRef("person_id"), level=OuterRef("level"))
                planned = planned.filter(~Exists(holding))
            q &= Q(**{f"{ref}__in": self._only(planned).values("person_id")})
        if r.job_position_id:
            q &= has(JobAssignment, job_position_id=r.job_position_id)
        if r.unit_kinds:
            q &= has(UnitAssignment, unit__kind__in=split_codes(r.unit_kinds))
        if r.unit_levels:
            q &= has(UnitAssignment, unit__admin_level__in=split_codes(r.unit_levels))
        return q

    # -- what ------------------------------------------------------------------------------------------------------
    def evidence_q(self, r):
        """Qualifications (a Q on Qualification) that satisfy QUALIFICATION row `r`, directly or by equivalence."""
        q = Q(type=r.qualification_type, level_order__gte=r.min_level_order)
        for e in self.equivalences:
            if e.to_type == r.qualification_type and e.to_level_order >= r.min_level_order:
                eq = Q(type=e.from_type, level_order__gte=e.from_level_order)
                if e.major_contains:
                    eq &= Q(major__icontains=e.major_contains)
                q |= eq
        return q

    def met_q(self, r, ref="pk"):
        """People who satisfy row `r` on the date (whether or not subject to it)."""
        if r.kind in QUALIFICATION_KINDS:
            held = self._only(Qualification.objects.held_on(self.date).filter(self.evidence_q(r)))
            return Q(**{f"{ref}__in": held.values("person_id")})
        if r.kind == Requirement.Kind.ANNUAL_HOURS:
            return reached_hours_q(r.period_on(self.date), r.hours or 0, ref, people=self.people)
        if r.kind == Requirement.Kind.PROGRAMME and r.programme_code:
            # A COMPLETED enrolment in a class of the programme, completed on or before the date (and within
            # `within_years` years of it when set): provided by the training app (standards.extensions).
            done = extensions.completed_programme_people(r.programme_code, self.date, r.within_years)
            if done is None:
                return NOTHING
            return Q(**{f"{ref}__in": self._only(done)})
        return NOTHING

    def code_qs(self, code, ref="pk", staff_base=False):
        """(subject, missing) Qs of requirement `code`: subject to any row; missing any row subject to.
        staff_base: see subject_q."""
        subject, missing = NOTHING, NOTHING
        for r in self.merged_rows(code):
            s = self.subject_q(r, ref, staff_base)
            subject |= s
            missing |= s & ~self.met_q(r, ref)
        return subject, missing

    def evidence_subquery(self, code, ref="pk"):
        """The id of the highest qualification held on the date that satisfies any QUALIFICATION row of `code`."""
        q = NOTHING
        for r in self.rows_by_code.get(code, []):
            if r.kind in QUALIFICATION_KINDS:
                q |= self.evidence_q(r)
        held = Qualification.objects.held_on(self.date).filter(person=OuterRef(ref)).filter(q)
        return Subquery(held.order_by("-level_order", "-issued_on", "pk").values("pk")[:1])


def people_in(unit, date, people_q=None):
    """People of category CB/CC/VC working in `unit`'s subtree on `date` (optionally narrowed by `people_q`)."""
    qs = Person.objects.filter(pk__in=staff_placements(unit, date).values("person_id"))
    return qs.filter(people_q) if people_q is not None else qs


@dataclass(frozen=True)
class Counts:
    code: str
    applicable: int
    met: int
    missing: int


def requirement_counts(unit, date, people_q=None, codes=None) -> list[Counts]:
    """Per requirement code: people subject to it, meeting it, missing it (codes nobody is subject to left out).
    Two queries on the catalogue plus one aggregate for all codes."""
    cat = Catalogue.on(date, codes)
    if not cat.rows_by_code:
        return []
    aggregates = {}
    codes = list(cat.rows_by_code)
    for i, code in enumerate(codes):
        subject, missing = cat.code_qs(code, staff_base=True)
        aggregates[f"a{i}"] = Count("pk", filter=subject)
        aggregates[f"m{i}"] = Count("pk", filter=missing)
    totals = people_in(unit, date, people_q).aggregate(**aggregates)
    result = []
    for i, code in enumerate(codes):
        applicable, missing = totals[f"a{i}"], totals[f"m{i}"]
        if applicable:
            result.append(Counts(code, applicable, applicable - missing, missing))
    return result


def unit_counts(unit, date, people_q=None, codes=None) -> dict[int, list[Counts]]:
    """{unit id: [Counts per code]} for the units of the subtree people work in on `date` (one grouped query);
    `people_q`: only these people (every condition then reads their rows only: see Catalogue.people)."""
    people = Person.objects.filter(people_q).values("pk") if people_q is not None else None
    cat = Catalogue.on(date, codes, people=people)
    codes = list(cat.rows_by_code)
    if not codes:
        return {}
    aggregates = {}
    for i, code in enumerate(codes):
        subject, missing = cat.code_qs(code, ref="person_id", staff_base=True)
        aggregates[f"a{i}"] = Count("person_id", filter=subject, distinct=True)
        aggregates[f"m{i}"] = Count("person_id", filter=missing, distinct=True)
    placements = staff_placements(unit, date)
    if people is not None:
        placements = placements.filter(person_id__in=people)
    result = {}
    for row in placements.values("unit_id").annotate(**aggregates).order_by("unit_id"):
        result[row["unit_id"]] = [
            Counts(code, row[f"a{i}"], row[f"a{i}"] - row[f"m{i}"], row[f"m{i}"])
            for i, code in enumerate(codes)
            if row[f"a{i}"]
        ]
    return result


def people_for(unit, date, code, missing_only=False, people_q=None):
    """The people of the subtree subject to requirement `code` on `date`, annotated with `is_missing` (bool) and
    `evidence_id` (the highest qualification that satisfies it; NULL when missing or not a qualification rule). A queryset: page it or export it."""
    cat = Catalogue.on(date, [code])
    subject, missing = cat.code_qs(code, staff_base=True)
    qs = people_in(unit, date, people_q).filter(subject)
    if missing_only:
        qs = qs.filter(missing)
    return qs.annotate(
        is_missing=ExpressionWrapper(missing, output_field=BooleanField()),
        evidence_id=Case(When(missing, then=Value(None)), default=cat.evidence_subquery(code), output_field=IntegerField()),
    )


def annual_hours_summary(unit, year: int, date: datetime.date | None = None):
    """(required_people, met, below) of the ANNUAL_HOURS requirement for `year`, on `date` (default: 31/12 of the
    year) in `unit`'s subtree."""
    date = date or datetime.date(year, 12, 31)
    counts = {c.code: c for c in requirement_counts(unit, date, codes=["ANNUAL_HOURS"])}
    c = counts.get("ANNUAL_HOURS")
    return (c.applicable, c.met, c.missing) if c else (0, 0, 0)


def person_status(person, date) -> list[dict]:
    """Every requirement code `person` is subject to on `date`: {code, name, names, missing, evidence_id}, ordered by
    code. `names` are the names of the code's rows the person is subject to (POST_LLCT has one row per group of post
    levels), `name` the first of them. For the staff page panel and the appointment gate. Two catalogue queries
    plus one query for all codes."""
    cat = Catalogue.on(date)
    codes = list(cat.rows_by_code)
    if not codes:
        return []
    annotations = {}
    for i, code in enumerate(codes):
        subject, missing = cat.code_qs(code)
        annotations[f"s{i}"] = ExpressionWrapper(subject, output_field=BooleanField())
        annotations[f"m{i}"] = ExpressionWrapper(missing, output_field=BooleanField())
        annotations[f"e{i}"] = cat.evidence_subquery(code)
        rows = cat.rows_by_code[code]
        if len(rows) > 1:
            for j, r in enumerate(rows):
                annotations[f"r{i}_{j}"] = ExpressionWrapper(cat.subject_q(r), output_field=BooleanField())
    pk = getattr(person, "pk", person)
    row = Person.objects.filter(pk=pk).annotate(**annotations).values(*annotations).first()
    if row is None:
        return []
    result = []
    for i, code in enumerate(codes):
        if not row[f"s{i}"]:
            continue
        rows = cat.rows_by_code[code]
        names = [r.name for j, r in enumerate(rows) if len(rows) == 1 or row[f"r{i}_{j}"]]
        names = list(dict.fromkeys(names)) or [rows[0].name]
        result.append(
            {
                "code": code,
                "name": names[0],
                "names": names,
                "missing": bool(row[f"m{i}"]),
                "evidence_id": None if row[f"m{i}"] else row[f"e{i}"],
            }
        )
    return result


def requirement_info(codes):
    """{code: {"names": [...], "legal_basis": [...]}} from the catalogue rows of each code (one query on the small
    catalogue): what the pages show instead of the code (a code such as ANNUAL_HOURS is for the machine)."""
    info = {}
    for r in Requirement.objects.filter(code__in=list(codes)).order_by("code", "pk").only("code", "name", "legal_basis", "kind"):
        item = info.setdefault(r.code, {"names": [], "legal_basis": [], "hours": False})
        item["hours"] = item["hours"] or r.kind == Requirement.Kind.ANNUAL_HOURS
        if r.name not in item["names"]:
            item["names"].append(r.name)
        if r.legal_basis and r.legal_basis not in item["legal_basis"]:
            item["legal_basis"].append(r.legal_basis)
    return info


def requirement_names(codes) -> dict:
    """{code: its Vietnamese name} (the first catalogue row's name; the code itself when the catalogue has none)."""
    codes = list(codes)
    info = requirement_info(codes)
    return {code: (info[code]["names"][0] if code in info else code) for code in codes}


@dataclass
class HoursStanding:
    """A person's hours on a date under the hours row that governs them (docs/domain.md §8): the row, its period
    (first and last day), the tiết required and credited in it, and the qualifications credited (oldest first)."""

    row: Requirement
    start: datetime.date
    end: datetime.date
    required: int
    total: int = 0
    credits: list = field(default_factory=list)

    @property
    def missing(self):
        return self.total < self.required


def hours_standing(people_ids, date: datetime.date, code="ANNUAL_HOURS") -> dict[int, HoursStanding]:
    """{person id: HoursStanding} for those of `people_ids` (a list or a values("pk") query) subject to an hours row
    of `code` on `date`. When several rows apply (same priority), the one they fall shortest of governs. A fixed
    number of queries whatever the number of people: the catalogue, one query for which row applies to whom, one for
    the qualifications credited over the union of the periods."""
    cat = Catalogue.on(date, [code])
    rows = [r for r in cat.rows_by_code.get(code, []) if r.kind == Requirement.Kind.ANNUAL_HOURS]
    if not rows:
        return {}
    flags = {f"s{i}": ExpressionWrapper(cat.subject_q(r), output_field=BooleanField()) for i, r in enumerate(rows)}
    applying = {}
    for values in Person.objects.filter(pk__in=people_ids).annotate(**flags).values("pk", *flags):
        mine = [r for i, r in enumerate(rows) if values[f"s{i}"]]
        if mine:
            applying[values["pk"]] = mine
    if not applying:
        return {}
    periods = {r.pk: r.period_on(date) for r in rows}
    first = min(start for start, _end in periods.values())
    last = max(end for _start, end in periods.values())
    credits = {}
    for q in credited_between(first, last).filter(person_id__in=list(applying)).order_by("issued_on", "pk"):
        credits.setdefault(q.person_id, []).append(q)
    result = {}
    for person_id, mine in applying.items():
        standings = []
        for r in mine:
            start, end = periods[r.pk]
            counted = [q for q in credits.get(person_id, []) if start <= q.issued_on <= end]
            standings.append(HoursStanding(r, start, end, r.hours or 0, sum(q.hours for q in counted), counted))
        result[person_id] = min(standings, key=lambda s: (s.total - s.required, -s.required))
    return result
