"""Dashboard figures of the quality evaluation (docs/domain.md §16.7), for a unit's subtree and a year, computed in the
database in a fixed number of queries:

- level 3: the forms of the subtree's people (their current unit, or the unit they left from) due in the year, those
  rated, those self-assessed and the mean index;
- surveys (the root of the tree only: classes have no owning unit): valid and invalid forms of the classes that ended
  in the year and their index with its band; the classes finished and evaluated, and the providers below the 20 %
  rule."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from dtbd.people.models import Person

from . import coverage, effectiveness, survey_figures
from .disclosure import classes_of_year
from .quality_models import EffectivenessForm
from .services import band_of, round_index, rule_on


@dataclass
class EvaluationFigures:
    year: int
    due: int
    rated: int
    self_assessed: int
    effect_index: object
    province: bool = False
    valid_forms: int = 0
    invalid_forms: int = 0
    survey_index: object = None
    survey_band: str = ""
    classes_finished: int = 0
    classes_evaluated: int = 0
    providers_below: int = 0


def unit_figures(unit, year):
    people = Person.objects.last_placed_in_subtree(unit.path).values("pk")
    forms = EffectivenessForm.objects.filter(person__in=people, due_on__year=year)
    c = effectiveness.counts(forms)
    result = EvaluationFigures(year, c["due"], c["rated"], c["self_assessed"], round_index(c["index"]))
    if unit.parent_id is None:
        classes = classes_of_year(year)
        result.province = True
        result.valid_forms, result.invalid_forms, index = survey_figures.totals(classes)
        result.survey_index = round_index(index)
        band = band_of(result.survey_index, rule_on(datetime.date(year, 12, 31)))
        result.survey_band = band.label if band else ""
        per_provider = list(classes.values("provider_id").annotate(
            n=Count("pk", distinct=True),
            evaluated=Count("pk", filter=Q(survey__responses__valid=True), distinct=True)).order_by())
        result.classes_finished = sum(r["n"] for r in per_provider)
        result.classes_evaluated = sum(r["evaluated"] for r in per_provider)
        result.providers_below = sum(1 for r in per_provider
                                     if r["evaluated"] * 100 < r["n"] * coverage.MIN_SHARE)
    return result
