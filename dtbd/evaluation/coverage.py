"""Coverage of the evaluation (Circular 10/2017/TT-BNV: each training institution evaluates at least 20 %
of the courses it runs in a year; docs/domain.md §16.5): per provider and year, the classes finished (ended in the
year, status finished or closed), those evaluated (at least one valid survey form) and the share against the rule.
From WARN_FROM (1 October) of the current year a provider below the rule is warned on its page."""
import datetime
import math
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from dtbd.training.models import Provider

from . import survey_figures
from .disclosure import classes_of_year

MIN_SHARE = 20  # per cent of the courses of a year
WARN_FROM = (10, 1)  # month, day


@dataclass
class Coverage:
    provider: Provider
    year: int
    finished: int
    evaluated: int

    @property
    def share(self):
        return 100 * self.evaluated / self.finished if self.finished else None

    @property
    def required(self):
        """The number of classes to evaluate for the rule (20 % rounded up)."""
        return math.ceil(self.finished * MIN_SHARE / 100)

    @property
    def meets(self):
        return self.evaluated >= self.required

    @property
    def missing(self):
        return max(0, self.required - self.evaluated)


def coverage_rows(providers, year):
    """Coverage of each provider of `providers` (a queryset) for `year`, providers without a finished class included:
    two queries (the classes, the providers) and the survey's one."""
    class_ids = {}
    for provider_id, class_id in classes_of_year(year).filter(provider__in=providers).values_list("provider_id", "pk"):
        class_ids.setdefault(provider_id, []).append(class_id)
    evaluated = survey_figures.evaluated_classes([c for ids in class_ids.values() for c in ids])
    return [Coverage(p, year, len(class_ids.get(p.pk, [])), sum(1 for c in class_ids.get(p.pk, []) if c in evaluated))
            for p in providers.order_by("name")]


def today():
    return timezone.localdate()


def warning_due(year, on=None):
    """The rule is warned about from 1 October of the current year."""
    on = on or today()
    return year == on.year and on >= datetime.date(on.year, *WARN_FROM)


def provider_coverage(provider, year):
    return coverage_rows(Provider.objects.filter(pk=provider.pk), year)[0]


def finished_counts(year):
    """{provider id: classes finished in `year`}: one query (the dashboard's figure)."""
    return dict(classes_of_year(year).values("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n"))
