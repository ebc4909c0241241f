"""The survey figures (docs/domain.md §15.3), computed in the database: the index (mean score of the scored answers
of valid forms) per item, group, lecturer, class, programme, provider and year, the valid and invalid forms, each
index with its band under the rule in force. A fixed number of queries whatever the number of forms."""
import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone

from dtbd.core.db import prefix_q
from dtbd.training.models import Lecturer, Program, Provider, TrainingClass
from dtbd.training.services.lecturers import class_lecturers

from .models import Answer, ClassSurvey, Respondent, Response, Subject
from .services import band_of, completed_person_ids, form_blocks, round_index, rule_on

CLASS = "class"
PROGRAMME = "programme"
PROVIDER = "provider"
LECTURER = "lecturer"
YEAR = "year"
DIMENSIONS = (CLASS, PROGRAMME, PROVIDER, LECTURER, YEAR)
# The class of a form, seen from an answer (prefix "response__") or from the form itself.
KEYS = {CLASS: "survey__training_class", PROGRAMME: "survey__training_class__program",
        PROVIDER: "survey__training_class__provider"}


@dataclass
class Figure:
    index: object = None  # Decimal, 2 places, or None (no scored answer)
    band: object = None
    answers: int = 0

    @property
    def band_label(self):
        return self.band.label if self.band else ""


def figure(avg, n, rule):
    index = round_index(avg)
    return Figure(index, band_of(index, rule), n or 0)


@dataclass
class ClassResults:
    survey: object
    rule: object
    forms: int = 0
    valid: int = 0
    invalid: int = 0
    learners: int = 0  # who completed the class (asked)
    respondents: int = 0
    overall: Figure = field(default_factory=Figure)
    blocks: list = field(default_factory=list)  # [(block, Figure of the block, [(item, Figure or None)])]
    lecturers: list = field(default_factory=list)  # [(lecturer, Figure)]


def class_results(survey):
    """Everything the class's results page shows: forms (valid, invalid), the learners asked and those who answered,
    the class index, and per block (a LECTURER group per lecturer) and item the index with its band. About eight
    queries."""
    cls = survey.training_class
    rule = rule_on(cls.ends_on)
    counts = Response.objects.filter(survey=survey).aggregate(
        forms=Count("id"), n_valid=Count("id", filter=Q(valid=True)))
    result = ClassResults(survey, rule, forms=counts["forms"], valid=counts["n_valid"],
                          invalid=counts["forms"] - counts["n_valid"])
    result.learners = len(completed_person_ids(cls))
    result.respondents = Respondent.objects.filter(training_class=cls).count()
    answers = Answer.objects.filter(response__survey=survey, response__valid=True, score__isnull=False)
    overall = answers.aggregate(avg=Avg("score"), n=Count("id"))
    result.overall = figure(overall["avg"], overall["n"], rule)
    by_item = {(r["item"], r["lecturer"]): figure(r["avg"], r["n"], rule)
               for r in answers.values("item", "lecturer").annotate(avg=Avg("score"), n=Count("id"))}
    by_group = {(r["item__group"], r["lecturer"]): figure(r["avg"], r["n"], rule)
                for r in answers.values("item__group", "lecturer").annotate(avg=Avg("score"), n=Count("id"))}
    lecturers = class_lecturers(cls)
    for block in form_blocks(survey.template, cls, lecturers):
        lecturer_id = block.lecturer.pk if block.lecturer else None
        items = [(item, by_item.get((item.pk, lecturer_id))) for item in block.items if item.kind == "SCORE"]
        result.blocks.append((block, by_group.get((block.group.pk, lecturer_id), Figure()), items))
        if block.group.subject == Subject.LECTURER:
            result.lecturers.append((block.lecturer, by_group.get((block.group.pk, lecturer_id), Figure())))
    return result


def class_texts(survey, limit=200):
    """The free-text answers of the survey's valid forms (no form key, no person: texts only), newest template
    order."""
    return list(Answer.objects.filter(response__survey=survey, response__valid=True).exclude(text="")
                .select_related("item").order_by("item__group__order", "item__order", "text")
                .values_list("item__text", "text")[:limit])


@dataclass
class Row:
    key: object
    label: str
    figure: Figure
    forms_valid: int = 0
    forms_invalid: int = 0
    extra: dict = field(default_factory=dict)


def _labels(dimension, keys):
    if dimension == CLASS:
        return {c.pk: (f"{c.code} — {c.name}", {"class": c}) for c in
                TrainingClass.objects.filter(pk__in=keys).select_related("provider", "program")}
    if dimension == PROGRAMME:
        return {p.pk: (f"{p.code} — {p.name}", {}) for p in Program.objects.filter(pk__in=keys)}
    if dimension == PROVIDER:
        return {p.pk: (p.name, {}) for p in Provider.objects.filter(pk__in=keys)}
    if dimension == LECTURER:
        return {lec.pk: (str(lec), {"lecturer": lec}) for lec in
                Lecturer.objects.filter(pk__in=keys).select_related("person")}
    return {k: (str(k), {}) for k in keys}


def index_rows(surveys, dimension, year=None):
    """Rows of the index by `dimension` (class, programme, provider, lecturer, year) over `surveys` (a ClassSurvey
    queryset, already scoped), for the classes that ended in `year` (all years when None): index, band, valid and
    invalid forms. Three queries."""
    rule = rule_on(datetime.date(year, 12, 31) if year else timezone.localdate())
    survey_ids = surveys.values("pk")
    answers = Answer.objects.filter(response__survey__in=survey_ids, response__valid=True, score__isnull=False)
    responses = Response.objects.filter(survey__in=survey_ids)
    if year:
        answers = answers.filter(response__survey__training_class__ends_on__year=year)
        responses = responses.filter(survey__training_class__ends_on__year=year)
    if dimension == LECTURER:
        grouped = (answers.filter(lecturer__isnull=False).values(key=F("lecturer"))
                   .annotate(avg=Avg("score"), n=Count("id"), forms=Count("response", distinct=True)))
        counts = {}
    else:
        if dimension == YEAR:
            answers = answers.annotate(key=ExtractYear("response__survey__training_class__ends_on"))
            responses = responses.annotate(key=ExtractYear("survey__training_class__ends_on"))
            grouped = answers.values("key").annotate(avg=Avg("score"), n=Count("id"))
            per_form = responses.values("key")
        else:
            grouped = answers.values(key=F("response__" + KEYS[dimension])).annotate(
                avg=Avg("score"), n=Count("id"))
            per_form = responses.values(key=F(KEYS[dimension]))
        counts = {r["key"]: (r["n_valid"], r["n_invalid"]) for r in per_form.annotate(
            n_valid=Count("id", filter=Q(valid=True)), n_invalid=Count("id", filter=Q(valid=False)))}
    grouped = list(grouped)
    keys = {r["key"] for r in grouped} | set(counts)
    labels = _labels(dimension, keys)
    rows = []
    by_key = {r["key"]: r for r in grouped}
    for key in keys:
        r = by_key.get(key, {})
        label, extra = labels.get(key, (str(key), {}))
        valid, invalid = counts.get(key, (r.get("forms", 0), 0))
        rows.append(Row(key, label, figure(r.get("avg"), r.get("n"), rule), valid, invalid, extra))
    if dimension == YEAR:
        rows.sort(key=lambda row: -row.key)
    else:
        rows.sort(key=lambda row: row.label)
    return rows, rule


def lecturer_results(lecturer, surveys):
    """[(class, Figure, valid forms about the lecturer)] of the lecturer's classes among `surveys` (scoped): one
    aggregate query and the classes."""
    rule = rule_on(timezone.localdate())
    answers = Answer.objects.filter(response__survey__in=surveys.values("pk"), response__valid=True,
                                    score__isnull=False, lecturer=lecturer)
    rows = list(answers.values("response__survey__training_class")
                .annotate(avg=Avg("score"), n=Count("id"), forms=Count("response", distinct=True)))
    classes = TrainingClass.objects.in_bulk([r["response__survey__training_class"] for r in rows])
    result = [(classes[r["response__survey__training_class"]], figure(r["avg"], r["n"], rule), r["forms"])
              for r in rows]
    result.sort(key=lambda row: row[0].ends_on, reverse=True)
    overall = answers.aggregate(avg=Avg("score"), n=Count("id")) if rows else None
    return result, (figure(overall["avg"], overall["n"], rule) if overall else None)


def survey_rows(surveys, year=None):
    """The institution's list: every survey in `surveys` (scoped) with its class, forms valid and invalid, learners
    asked, and the class index with its band. Four queries whatever the number of classes."""
    rows, rule = index_rows(surveys, CLASS, year)
    by_class = {row.key: row for row in rows}
    qs = surveys.select_related("training_class__provider", "training_class__program").order_by(
        "-training_class__ends_on", "training_class__code")
    if year:
        qs = qs.filter(training_class__ends_on__year=year)
    qs = qs.annotate(learners=Count("training_class__enrollments",
                                    filter=Q(training_class__enrollments__state="COMPLETED")))
    result = []
    for survey in qs:
        row = by_class.get(survey.training_class_id)
        result.append((survey, row.figure if row else Figure(), row.forms_valid if row else 0,
                       row.forms_invalid if row else 0))
    return result, rule


__all__ = ["ClassSurvey", "DIMENSIONS", "class_results", "index_rows", "lecturer_results", "survey_rows"]


def unit_surveys(unit):
    """The surveys of the classes of the providers linked to `unit`'s subtree; every survey for a unit without a
    parent (the province: the providers outside it included). The reports' scope (dtbd.reports.registry)."""
    if unit.parent_id is None:
        return ClassSurvey.objects.all()
    return ClassSurvey.objects.filter(prefix_q("training_class__provider__unit__path", unit.path))
