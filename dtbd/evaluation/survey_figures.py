"""What the disclosure, the coverage and the dashboard read of the class surveys (Circular 10/2017/TT-BNV;
docs/domain.md §16.3): the valid forms and the index with its band of a class, programme or provider, through the
survey's aggregates (queries.index_rows), and which classes were evaluated (at least one valid form)."""
from django.db.models import Avg, Count, Q

from .models import Answer, ClassSurvey, Response
from .queries import index_rows


def by_dimension(year, dimension, keys=None):
    """{key: (valid forms, index, band label)} of the classes that ended in `year`, grouped by `dimension` ("class",
    "programme", "provider"), for `keys` when given: the survey's own aggregates (queries.index_rows: the index of
    the scored answers of valid forms, banded under the rule in force at the year's end)."""
    rows, _rule = index_rows(ClassSurvey.objects.all(), dimension, year)
    wanted = None if keys is None else set(keys)
    return {row.key: (row.forms_valid, row.figure.index, row.figure.band_label) for row in rows
            if row.figure.index is not None and (wanted is None or row.key in wanted)}


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
