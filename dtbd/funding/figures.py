"""Figures of the funding reports (docs/domain.md §14.6): postgraduate study, service commitments and reimbursement
cases, talent attraction, for a unit's subtree. Every figure is counted and summed in the database (grouped or
conditional aggregates); nothing walks the rows in Python.

Who belongs to a subtree:
- a dispatch (and its commitment and reimbursement case) belongs to the unit where its person was placed on the
  decision date (the unit that sent them), so it stays with that unit after a transfer or a departure;
- a person attracted belongs to the unit where they were placed by the attraction decision (Attraction.unit)."""
import datetime
from dataclasses import dataclass

from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dtbd.core.db import prefix_q
from dtbd.core.text import fold
from dtbd.people.models import UnitAssignment

from .models import AGENCY_SOURCES, Attraction, AttractionPayment, Dispatch, Funding, Payment, Policy, ReimbursementCase
from .services import add_months

ALL = "ALL"
SOURCES = list(Funding.values)


def dispatches_of(unit):
    """The dispatches of `unit`'s subtree: their person was placed in it on the decision date."""
    placed = UnitAssignment.objects.filter(prefix_q("unit__path", unit.path), person=OuterRef("person_id")).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=OuterRef("decision_date")),
        Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("decision_date")))
    return Dispatch.objects.filter(Exists(placed))


# ------------------------------------------------------------------------------------------------ postgraduate study
def studying_in_year(unit, year):
    """Dispatches of the subtree active in `year`: begun by its end and not ended (returned, else planned end) before
    its start — so those started in the year are included."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (dispatches_of(unit).filter(starts_on__lte=end)
            .annotate(_ended=Coalesce("returned_on", "planned_end")).filter(_ended__gte=start))


def _study_aggregates():
    """People (distinct persons) at home, abroad and in all, and the amounts paid by funding source (đồng)."""
    values = {
        "home": Count("person", distinct=True, filter=Q(abroad=False)),
        "abroad": Count("person", distinct=True, filter=Q(abroad=True)),
        "people": Count("person", distinct=True),
    }
    for source in SOURCES:
        values[f"s_{source}"] = Sum("costs__amount", filter=Q(costs__source=source))
    values["amount"] = Sum("costs__amount")
    return values


def _study_row(key, row):
    return (key, row["home"], row["abroad"], row["people"], *[row[f"s_{s}"] or 0 for s in SOURCES], row["amount"] or 0)


def postgrad_study(unit, year, by):
    """Rows (key, home, abroad, people, amount per source…, amount) of the dispatches active in `year`, grouped by
    `by` ("level", "field" or "country"), then the total row (key ALL: distinct people over every group). Two
    queries."""
    qs = studying_in_year(unit, year)
    rows = [_study_row(r[by], r) for r in qs.order_by(by).values(by).annotate(**_study_aggregates())]
    rows.append(_study_row(ALL, qs.aggregate(**_study_aggregates())))
    return rows


def studying_now(unit, date) -> int:
    """People of the subtree dispatched and not back on `date` (status dispatched or studying, begun by then)."""
    return (dispatches_of(unit).filter(status__in=Dispatch.OPEN_STATUSES, starts_on__lte=date)
            .aggregate(n=Count("person", distinct=True))["n"])


# ------------------------------------------------------------------------------------------------ commitments
IN_PROGRESS, ENDING, COMPLETED, BROKEN = "IN_PROGRESS", "ENDING_6M", "COMPLETED", "BROKEN"
COMMITMENT_STATES = (IN_PROGRESS, ENDING, COMPLETED, BROKEN)


def commitment_conditions(date):
    """{state: Q on Dispatch} of the commitments on `date` (graduated, commitment dated): broken = the person left
    before its end (on or before `date`); in progress = back at work, not ended and not broken; ending within six
    months = in progress and ending by `date` + 6 months; completed = ended by `date` and not broken."""
    broken = Q(person__left_on__isnull=False, person__left_on__lte=date,
               person__left_on__lt=F("commitment_ends_on"))
    in_progress = Q(returned_on__lte=date, commitment_ends_on__gt=date) & ~broken
    return {
        IN_PROGRESS: in_progress,
        ENDING: in_progress & Q(commitment_ends_on__lte=add_months(date, 6)),
        COMPLETED: Q(commitment_ends_on__lte=date) & ~broken,
        BROKEN: broken,
    }


def commitments(unit, date):
    """[(state, commitments, agency cost covered in đồng)] on `date`: ONE conditional aggregate query."""
    conditions = commitment_conditions(date)
    agency = Q(costs__source__in=AGENCY_SOURCES)
    values = {}
    for state, q in conditions.items():
        values[f"n_{state}"] = Count("pk", distinct=True, filter=q)
        values[f"a_{state}"] = Sum("costs__amount", filter=q & agency)
    totals = (dispatches_of(unit).filter(status=Dispatch.Status.GRADUATED, commitment_ends_on__isnull=False)
              .aggregate(**values))
    return [(state, totals[f"n_{state}"], totals[f"a_{state}"] or 0) for state in COMMITMENT_STATES]


def commitments_ending(unit, date) -> int:
    """Commitments of the subtree in progress on `date` and ending within six months: one query."""
    q = commitment_conditions(date)[ENDING]
    return (dispatches_of(unit).filter(status=Dispatch.Status.GRADUATED, commitment_ends_on__isnull=False)
            .filter(q).count())


# ------------------------------------------------------------------------------------------------ reimbursement
def cases_of(unit, date):
    return ReimbursementCase.objects.filter(dispatch__in=dispatches_of(unit).values("pk"), opened_on__lte=date)


def reimbursements(unit, date):
    """[(status, cases, assessed, decided, paid, balance)] of the reimbursement cases of the subtree opened by `date`,
    by status, then the total row (ALL): the formula's amounts, the council's, the payments made by `date` and what
    is still owed (the council's amount once decided, else the formula's, less the payments). Two grouped queries."""
    cases = cases_of(unit, date)
    grouped = {r["status"]: r for r in cases.order_by().values("status").annotate(
        n=Count("pk"), assessed=Sum("amount"), decided=Sum("amount_decided"),
        due=Sum(Coalesce("amount_decided", "amount")))}
    paid = dict(Payment.objects.filter(case__in=cases.values("pk"), paid_on__lte=date).order_by()
                .values("case__status").annotate(s=Sum("amount")).values_list("case__status", "s"))
    rows, total = [], [0] * 5
    for status in ReimbursementCase.Status.values:
        r = grouped.get(status, {})
        cells = [r.get("n", 0), r.get("assessed") or 0, r.get("decided") or 0, paid.get(status) or 0]
        cells.append((r.get("due") or 0) - cells[3])
        total = [a + b for a, b in zip(total, cells)]
        rows.append((status, *cells))
    rows.append((ALL, *total))
    return rows


def open_balance(unit, date) -> tuple[int, int]:
    """(cases, balance still owed in đồng) of the cases of the subtree opened by `date` and not paid nor closed: what
    is due (the council's amount once decided, else the formula's) less the payments made by `date`. One query."""
    paid = (Payment.objects.filter(case=OuterRef("pk"), paid_on__lte=date).order_by().values("case")
            .annotate(s=Sum("amount")).values("s"))
    open_cases = (cases_of(unit, date)
                  .filter(status__in=(ReimbursementCase.Status.OPEN, ReimbursementCase.Status.DECIDED))
                  .annotate(_owed=Coalesce("amount_decided", "amount")
                            - Coalesce(Subquery(paid, output_field=BigIntegerField()), Value(0))))
    row = open_cases.aggregate(n=Count("pk"), owed=Sum("_owed"))
    return row["n"], row["owed"] or 0


# ------------------------------------------------------------------------------------------------ talent attraction
def attractions_of(unit):
    return Attraction.objects.filter(prefix_q("unit__path", unit.path))


@dataclass
class TalentFigures:
    rows: list  # [(policy name, field, people in the year, paid in the year, people to date, paid to date)]
    total: tuple  # (people in the year, paid in the year, people to date, paid to date): distinct people
    shortfalls: list  # [(policy name, target field)] with nobody attracted to date


def talent_attraction(unit, year) -> TalentFigures:
    """People attracted (decision in `year`, and to date: by its end) and support paid (in `year`, and to date), per
    policy and field (fields written alike counted together, as funding.talent.figures), the totals, and the target
    fields of the policies in force in the year with nobody attracted to date. Four grouped queries."""
    end = datetime.date(year, 12, 31)
    seen = attractions_of(unit).filter(decision_date__lte=end)
    in_year = Q(decision_date__year=year)
    people = (seen.order_by().values("policy_id", "policy__name", "field")
              .annotate(year_n=Count("person", distinct=True, filter=in_year), n=Count("person", distinct=True)))
    paid = (AttractionPayment.objects.filter(attraction__in=seen.values("pk"), year__lte=year).order_by()
            .values("attraction__policy_id", "attraction__field")
            .annotate(year_s=Sum("amount", filter=Q(year=year)), s=Sum("amount")))
    merged = {}
    for r in people:
        key = (r["policy_id"], fold(r["field"]))
        cell = merged.setdefault(key, [r["policy__name"], r["field"], 0, 0, 0, 0])
        cell[2] += r["year_n"]
        cell[4] += r["n"]
    names = dict(Policy.objects.filter(pk__in={k[0] for k in merged}).values_list("pk", "name"))
    for r in paid:
        key = (r["attraction__policy_id"], fold(r["attraction__field"]))
        cell = merged.setdefault(key, [names.get(key[0], ""), r["attraction__field"], 0, 0, 0, 0])
        cell[3] += r["year_s"] or 0
        cell[5] += r["s"] or 0
    rows = [tuple(cell) for _key, cell in sorted(merged.items(), key=lambda kv: (fold(kv[1][0]), -kv[1][4], fold(kv[1][1])))]
    people_total = seen.aggregate(year_n=Count("person", distinct=True, filter=in_year), n=Count("person", distinct=True))
    paid_total = AttractionPayment.objects.filter(attraction__in=seen.values("pk"), year__lte=year).aggregate(
        year_s=Sum("amount", filter=Q(year=year)), s=Sum("amount"))
    total = (people_total["year_n"], paid_total["year_s"] or 0, people_total["n"], paid_total["s"] or 0)
    attracted = {key for key, cell in merged.items() if cell[4]}
    shortfalls = []
    in_force = Policy.objects.filter(valid_from__lte=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=datetime.date(year, 1, 1))).order_by("name", "pk")
    for policy in in_force:
        for target in policy.target_list():
            if (policy.pk, fold(target)) not in attracted:
                shortfalls.append((policy.name, target))
    return TalentFigures(rows, total, shortfalls)


def attracted_in_year(unit, year) -> int:
    """People of the subtree attracted by a decision of `year`: one query."""
    return attractions_of(unit).filter(decision_date__year=year).aggregate(n=Count("person", distinct=True))["n"]
