"""The public disclosure of the evaluation results (công khai; docs/domain.md §16.6): what /cong-khai/ shows for a
year a province manager has published.

Aggregates only, computed in the database, and never a group of fewer than MIN_GROUP people: a class, programme or
provider with fewer learners is left out (and counted as left out); a survey index of fewer than MIN_GROUP valid
forms, an effectiveness index of fewer than MIN_GROUP rated forms and a unit with fewer than MIN_GROUP people
assessed are not shown; in the assessment distribution a rating held by 1–4 people of a unit shows as "< 5".

The rendered page is kept in the Django cache under a key naming the current publication (its id and time), so a
publish or a withdrawal — which also deletes the key — is seen at once by every process."""
import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from dtbd.org.models import PATH_WIDTH, Unit
from dtbd.people.models import AnnualAssessment, Rating, UnitAssignment
from dtbd.training.models import Enrollment, Result, TrainingClass

from . import survey_figures
from .quality_models import EffectivenessForm, Publication

MIN_GROUP = 5
LEARNER_STATES = (Enrollment.State.ENROLLED, Enrollment.State.COMPLETED, Enrollment.State.FAILED)
DONE_STATUSES = (TrainingClass.Status.FINISHED, TrainingClass.Status.CLOSED)
CACHE_SECONDS = 24 * 3600
DIMENSIONS = {  # name -> the path from an enrolment to the grouped object
    "class": "training_class",
    "programme": "training_class__program",
    "provider": "training_class__provider",
}


def classes_of_year(year):
    """The classes that ended in `year` (finished or closed)."""
    return TrainingClass.objects.filter(status__in=DONE_STATUSES, ends_on__year=year)


@dataclass
class Row:
    key: int
    label: str
    learners: int
    completed: int
    passed: int
    survey_forms: int = 0
    survey_index: object = None
    survey_band: str = ""
    effect_forms: int = 0
    effect_index: object = None
    extra: dict = field(default_factory=dict)

    @property
    def completion_rate(self):
        return 100 * self.completed / self.learners if self.learners else None

    @property
    def pass_rate(self):
        return 100 * self.passed / self.learners if self.learners else None


def _enrolment_figures(year, path):
    """Learners, completed and passed (a current result with a final score at least the class's pass score) of the
    year's classes grouped by `path`: one query."""
    passed = Result.objects.filter(enrollment=OuterRef("pk"), is_current=True, submitted_at__isnull=False,
                                   final_score__gte=OuterRef("training_class__pass_score"))
    return {row[path]: row for row in (
        Enrollment.objects.filter(training_class__in=classes_of_year(year), state__in=LEARNER_STATES)
        .annotate(has_passed=Exists(passed)).values(path)
        .annotate(learners=Count("pk"), completed=Count("pk", filter=Q(state=Enrollment.State.COMPLETED)),
                  passed=Count("pk", filter=Q(has_passed=True)))
        .order_by())}


def _effect_figures(year, path):
    """Rated level-3 forms and their mean index, grouped by `path`: one query."""
    rows = (EffectivenessForm.objects.filter(enrollment__training_class__in=classes_of_year(year),
                                             rated_at__isnull=False)
            .values(f"enrollment__{path}").annotate(n=Count("pk"), index=Avg("manager_index")).order_by())
    return {row[f"enrollment__{path}"]: (row["n"], row["index"]) for row in rows}


def _labels(dimension, keys):
    if dimension == "class":
        return {c.pk: (f"{c.code} — {c.name}", {"programme": c.program.name, "provider": c.provider.name,
                                                 "ends_on": c.ends_on})
                for c in TrainingClass.objects.filter(pk__in=keys).select_related("program", "provider")}
    model = TrainingClass._meta.get_field("program" if dimension == "programme" else "provider").related_model
    return {o.pk: (o.name, {}) for o in model.objects.filter(pk__in=keys)}


def rows(year, dimension):
    """(rows shown, number of groups left out for being smaller than MIN_GROUP) of `dimension` for `year`."""
    path = DIMENSIONS[dimension]
    figures = _enrolment_figures(year, path)
    shown = {k: v for k, v in figures.items() if v["learners"] >= MIN_GROUP}
    effect = _effect_figures(year, path)
    survey = survey_figures.by_dimension(year, dimension, list(shown))
    labels = _labels(dimension, list(shown))
    result = []
    for key, f in shown.items():
        label, extra = labels.get(key, (str(key), {}))
        row = Row(key, label, f["learners"], f["completed"], f["passed"], extra=extra)
        n, index, band = survey.get(key, (0, None, ""))
        if n >= MIN_GROUP:
            row.survey_forms, row.survey_index, row.survey_band = n, index, band
        n, index = effect.get(key, (0, None))
        if n >= MIN_GROUP:
            row.effect_forms, row.effect_index = n, index
        result.append(row)
    result.sort(key=lambda r: r.label)
    return result, len(figures) - len(shown)


# ------------------------------------------------------------------------------------------------ assessments
RATINGS = list(Rating)


def assessment_distribution(year):
    """Per unit of the first level under the root (the person's unit at the end of `year`): the number of people
    rated for `year` by rating, in one grouped query. Units with fewer than MIN_GROUP people are left out; a count of
    1–4 is shown as None (the template writes "< 5"). Returns (rows [(unit name, [count or None], total)], left out)."""
    end = datetime.date(year, 12, 31)
    unit_path = (UnitAssignment.objects.filter(person=OuterRef("person_id"))
                 .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
                 .order_by("-valid_from").values("unit__path")[:1])
    width = 2 * (PATH_WIDTH + 1)
    grouped = (AnnualAssessment.objects.filter(year=year).annotate(top=Substr(unit_path, 1, width))
               .values("top", "rating").annotate(n=Count("pk")).order_by())
    by_unit = {}
    for row in grouped:
        if row["top"]:
            by_unit.setdefault(row["top"], {})[row["rating"]] = row["n"]
    names = dict(Unit.objects.filter(path__in=list(by_unit)).values_list("path", "name"))
    result, left_out = [], 0
    for path, counts in by_unit.items():
        total = sum(counts.values())
        if total < MIN_GROUP:
            left_out += 1
            continue
        cells = [counts.get(r.value, 0) for r in RATINGS]
        result.append((names.get(path, "—"), [n if (n == 0 or n >= MIN_GROUP) else None for n in cells], total))
    result.sort(key=lambda r: r[0])
    return result, left_out


# ------------------------------------------------------------------------------------------------ publication
def current_publications():
    """{year: publication} of the years published now."""
    return {p.year: p for p in Publication.objects.current().order_by("-year")}


def year_context(publication):
    """Everything /cong-khai/<year>/ shows for `publication` (aggregates only)."""
    year = publication.year
    context = {"publication": publication, "year": year, "min_group": MIN_GROUP}
    if publication.training_results:
        for dimension in DIMENSIONS:
            context[f"{dimension}_rows"], context[f"{dimension}_left_out"] = rows(year, dimension)
    if publication.assessments:
        context["ratings"] = RATINGS
        context["unit_rows"], context["units_left_out"] = assessment_distribution(year)
    return context


def cache_key(publication):
    return f"cong-khai:{publication.year}:{publication.pk}:{int(publication.published_at.timestamp())}"


def forget(publication):
    cache.delete(cache_key(publication))
    cache.delete("cong-khai:index")


@transaction.atomic
def publish(user, year, training_results=True, assessments=False, note=""):
    """Publish `year` (replacing the current publication of that year, which is withdrawn)."""
    for old in Publication.objects.current().select_for_update().filter(year=year):
        withdraw(old, user)
    publication = Publication.objects.create(year=year, training_results=training_results, assessments=assessments,
                                             note=note, published_by=user)
    transaction.on_commit(lambda: forget(publication))
    return publication


def withdraw(publication, user):
    publication.withdrawn_at, publication.withdrawn_by = timezone.now(), user
    publication.save(update_fields=["withdrawn_at", "withdrawn_by"])
    transaction.on_commit(lambda: forget(publication))
    return publication
