"""Figures of the effectiveness evaluation after training (level 3; Circular 10/2017/TT-BNV; docs/domain.md §16.4)
for the reports of the registry (dtbd.reports.registry): the forms of a unit's subtree that fell due in a year, by
programme, by provider or by unit of the learners — due, rated, overdue, self-assessed, the mean effectiveness index
with its band (§16.2's bands, the rule in force on 31 December of the year), the learners' mean self-assessment and
the products recorded by kind.

Which forms: those of the people whose current unit is in the subtree, or who left while in it
(`Person.objects.last_placed_in_subtree`, as the dashboard's figures, §16.7), due in the year. A form is overdue
when it is still not rated OVERDUE_AFTER_DAYS days after its due day, on the report's date.

Aggregates only (no person): one grouped query, then the labels of the groups and the rule — a fixed number of
queries whatever the number of forms. The means are exact: the sum of the integer scores over their number, rounded
half up to 2 decimals (`services.round_index`), the same figure as the mean of the forms' indices (each form's index
is the mean of four scores, a quarter, exact in 2 decimals)."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr

from dtbd.org.models import PATH_WIDTH, Unit
from dtbd.people.models import Person, UnitAssignment
from dtbd.training.models import Program, Provider

from .quality_models import EffectivenessForm
from .services import band_of, round_index, rule_on

PROGRAMME = "programme"
PROVIDER = "provider"
UNIT = "unit"
DIMENSIONS = (PROGRAMME, PROVIDER, UNIT)
KEYS = {PROGRAMME: "enrollment__training_class__program", PROVIDER: "enrollment__training_class__provider"}
# Not rated this many days after the due day: overdue. The Circular sets no time limit; the reminders go on every
# week (effectiveness.REMIND_EVERY_DAYS) and a month is the project's limit for the direct manager's rating.
OVERDUE_AFTER_DAYS = 30
PRODUCT_KINDS = list(EffectivenessForm.ProductKind.values)  # the four kinds of product, then NONE


@dataclass
class EffectRow:
    key: object  # programme or provider id, or the path of a child unit (the unit's own path for those placed in it)
    label: str
    due: int = 0
    rated: int = 0
    overdue: int = 0
    self_assessed: int = 0
    products: dict = field(default_factory=dict)  # product kind -> rated forms recording it
    score_sum: int = 0  # the manager's scores of the rated forms, added up
    scores: int = 0  # how many scores
    self_sum: int = 0
    index: Decimal | None = None
    band: object = None
    self_index: Decimal | None = None
    code: str = ""

    def add(self, other):
        for name in ("due", "rated", "overdue", "self_assessed", "score_sum", "scores", "self_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for kind, n in other.products.items():
            self.products[kind] = self.products.get(kind, 0) + n

    def finish(self, rule):
        self.index = round_index(Decimal(self.score_sum) / self.scores) if self.scores else None
        self.band = band_of(self.index, rule)
        self.self_index = round_index(Decimal(self.self_sum) / self.self_assessed) if self.self_assessed else None
        return self


def subtree_forms(unit, year):
    """The level-3 forms of `unit`'s subtree's people (current unit, or the unit they left from) due in `year`."""
    people = Person.objects.last_placed_in_subtree(unit.path).values("pk")
    return EffectivenessForm.objects.filter(person__in=people, due_on__year=year)


def _placement_path():
    """The path of the unit a form's person is placed in now, or left from (as `last_placed_in_subtree`)."""
    return Subquery(UnitAssignment.objects.filter(person=OuterRef("person_id"))
                    .filter(Q(valid_to__isnull=True) | Q(valid_to=F("person__left_on")))
                    .order_by("-valid_from").values("unit__path")[:1])


def _aggregates(on):
    rated = Q(rated_at__isnull=False)
    scored = rated & Q(score_applied__isnull=False, score_performance__isnull=False,
                       score_relevance__isnull=False, score_product__isnull=False)
    assessed = Q(self_at__isnull=False, self_score__isnull=False)
    late = Q(rated_at__isnull=True, due_on__lt=on - datetime.timedelta(days=OVERDUE_AFTER_DAYS))
    total = F("score_applied") + F("score_performance") + F("score_relevance") + F("score_product")
    return {
        "due": Count("pk"),
        "rated": Count("pk", filter=rated),
        "overdue": Count("pk", filter=late),
        "self_assessed": Count("pk", filter=assessed),
        "score_sum": Sum(total, filter=scored),
        "scored": Count("pk", filter=scored),
        "self_sum": Sum("self_score", filter=assessed),
        **{f"kind_{kind}": Count("pk", filter=rated & Q(product_kind=kind)) for kind in PRODUCT_KINDS},
    }


def _labels(dimension, keys):
    """{key: (code, label)} of the groups: one query."""
    if dimension == PROGRAMME:
        return {p.pk: (p.code, f"{p.code} — {p.name}") for p in Program.objects.filter(pk__in=keys)}
    if dimension == PROVIDER:
        return {p.pk: (p.code, p.name) for p in Provider.objects.filter(pk__in=keys)}
    return {u.path: (u.code, u.name) for u in Unit.objects.filter(path__in=keys).only("path", "code", "name")}


def effect_rows(unit, dimension, year, on):
    """(rows, total row) of the level-3 forms of `unit`'s subtree due in `year`, grouped by `dimension`
    (PROGRAMME, PROVIDER or UNIT: the children of `unit`, those placed in `unit` itself in a row of its own), as
    they stand on `on` (the overdue forms). Rows ordered by label (UNIT: by the tree's order); three queries."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    forms = subtree_forms(unit, year)
    if dimension == UNIT:
        width = len(unit.path) + PATH_WIDTH + 1
        grouped = forms.annotate(key=Substr(_placement_path(), 1, width)).values("key")
    else:
        grouped = forms.values(key=F(KEYS[dimension]))
    figures = list(grouped.annotate(**_aggregates(on)).order_by())
    labels = _labels(dimension, [f["key"] for f in figures if f["key"] is not None])
    rule = rule_on(datetime.date(year, 12, 31))
    rows, total = [], EffectRow(None, "")
    for f in figures:
        code, label = labels.get(f["key"], ("", str(f["key"])))
        row = EffectRow(f["key"], label, f["due"], f["rated"], f["overdue"], f["self_assessed"],
                        {kind: f[f"kind_{kind}"] for kind in PRODUCT_KINDS}, f["score_sum"] or 0, 4 * f["scored"],
                        f["self_sum"] or 0, code=code)
        total.add(row)
        rows.append(row.finish(rule))
    rows.sort(key=(lambda r: r.key or "") if dimension == UNIT else (lambda r: r.label))
    return rows, total.finish(rule)
