"""What the disclosure, the coverage and the dashboard read of the class surveys (Circular 10/2017/TT-BNV;
docs/domain.md §15.3): the valid forms and the index with its band of a class, programme or provider, through the
survey's rule (services.rule_on, band_of, round_index), and which classes were evaluated (at least one valid form)."""
import datetime

from django.db.models import Avg, Count, Q

from .models import Answer, Response
from .services import band_of, round_index, rule_on

KEYS = {"class": "survey__training_class", "programme": "survey__training_class__program",
        "provider": "survey__training_class__provider"}


def by_dimension(year, dimension, keys=None):
    """{key: (valid forms, index, band label)} of the classes that ended in `year`, grouped by `dimension` ("class",
    "programme", "provider"); only `keys` when given. Two queries: the valid forms, the mean of their scored
    answers (the index of the survey, docs/domain.md §15.3), banded under the rule in force at the year's end."""
    key = KEYS[dimension]
    forms = Response.objects.filter(valid=True, survey__training_class__ends_on__year=year)
    answers = Answer.objects.filter(response__valid=True, score__isnull=False,
                                    response__survey__training_class__ends_on__year=year)
    if keys is not None:
        forms = forms.filter(**{f"{key}__in": list(keys)})
        answers = answers.filter(**{f"response__{key}__in": list(keys)})
    counts = dict(forms.values_list(key).annotate(n=Count("id")).order_by())
    rule = rule_on(datetime.date(year, 12, 31))
    result = {}
    for k, avg in answers.values_list(f"response__{key}").annotate(avg=Avg("score")).order_by():
        index = round_index(avg)
        band = band_of(index, rule)
        result[k] = (counts.get(k, 0), index, band.label if band else "")
    return result


def evaluated_classes(class_ids):
    """The ids among `class_ids` of the classes with at least one valid survey form: one query."""
    return set(Response.objects.filter(valid=True, survey__training_class_id__in=list(class_ids))
               .values_list("survey__training_class_id", flat=True).distinct())


def totals(classes):
    """Valid and invalid forms and the index (mean of the scored answers of valid forms) over the surveys of
    `classes` (a TrainingClass queryset): two queries."""
    forms = Response.objects.filter(survey__training_class__in=classes).aggregate(
        n_valid=Count("id", filter=Q(valid=True)), n_invalid=Count("id", filter=Q(valid=False)))
    index = Answer.objects.filter(response__survey__training_class__in=classes, response__valid=True,
                                  score__isnull=False).aggregate(avg=Avg("score"))["avg"]
    return forms["n_valid"], forms["n_invalid"], index
