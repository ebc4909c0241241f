"""The rules of the learners' survey of a class (Circular 10/2017/TT-BNV; docs/domain.md §16.2–15.3): the rule in
force, the invalid-form threshold and the bands, opening a survey when a class finishes, who may answer, the form,
answering once (anonymously or not), the options locked after the first answer, reminders until the closing date.

Anonymity: `submit` writes no person on an anonymous form, no time, random keys; the "has answered" record
(Respondent) is written in the same transaction but holds no link to the form. Nothing here logs a person."""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.notices.models import Notice
from dtbd.notices.services import notify
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services.lecturers import class_lecturers

from .models import Answer, Band, ClassSurvey, Item, Respondent, Response, Rule, Subject, Template

# How long the learners have to answer once the class has finished (the institution may change it per class).
DEFAULT_ANSWER_DAYS = 14
TWO_PLACES = Decimal("0.01")
COMPLETED = Enrollment.State.COMPLETED


# -- the rule ---------------------------------------------------------------------------------------------------------
def rule_on(day):
    """The Rule in force on `day` (the latest valid_from not after it; the earliest one before any)."""
    return (Rule.objects.filter(valid_from__lte=day).order_by("-valid_from").first()
            or Rule.objects.order_by("valid_from").first())


def round_index(value):
    """An index as shown and banded: 2 decimals, half up (7,995 → 8,00)."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_of(index, rule):
    """The band of an index (rounded first) under `rule`: < weak_from kém, < average_from yếu, < fair_from trung
    bình, < good_from khá, else tốt. None for no index."""
    index = round_index(index)
    if index is None:
        return None
    if index < rule.weak_from:
        return Band.POOR
    if index < rule.average_from:
        return Band.WEAK
    if index < rule.fair_from:
        return Band.AVERAGE
    if index < rule.good_from:
        return Band.FAIR
    return Band.GOOD


def form_is_valid(expected, unanswered, rule):
    """A form is invalid when MORE than the rule's share of its scored items is unanswered (exactly the share is
    valid). Exact arithmetic: unanswered × 100 ≤ pct × expected."""
    if expected <= 0:
        return False
    return Decimal(unanswered) * 100 <= rule.invalid_unanswered_pct * expected


# -- the template and the form ---------------------------------------------------------------------------------------
def template_on(day):
    """The template to use for a survey opened on `day`: the newest active version in force."""
    return (Template.objects.filter(active=True, valid_from__lte=day).order_by("-valid_from", "-version").first()
            or Template.objects.filter(active=True).order_by("-version").first())


@dataclass
class Block:
    """A block of the form: one group of the template, once (or once per lecturer for a LECTURER group)."""
    group: object
    items: list
    lecturer: object = None

    @property
    def title(self):
        return f"{self.group.title} — {self.lecturer}" if self.lecturer else self.group.title

    def key(self, item):
        """The form field of an item of this block: 'i<item>' or 'i<item>-l<lecturer>'."""
        return f"i{item.pk}-l{self.lecturer.pk}" if self.lecturer else f"i{item.pk}"


def form_blocks(template, training_class, lecturers=None):
    """The form of `template` for `training_class`: every group in order, a LECTURER group repeated for each lecturer
    of the class's sessions (left out when the class has none). Two or three queries."""
    lecturers = class_lecturers(training_class) if lecturers is None else lecturers
    items = list(Item.objects.filter(group__template=template).select_related("group").order_by("group__order", "order"))
    groups = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    blocks = []
    for group, group_items in groups.items():
        if group.subject == Subject.LECTURER:
            blocks.extend(Block(group, group_items, lecturer) for lecturer in lecturers)
        else:
            blocks.append(Block(group, group_items))
    return blocks


def scored_slots(blocks):
    """[(item, lecturer or None)] of the scored items of the form."""
    return [(item, block.lecturer) for block in blocks for item in block.items if item.kind == Item.Kind.SCORE]


# -- opening, options ------------------------------------------------------------------------------------------------
def survey_url(training_class):
    return reverse("evaluation:answer", args=[training_class.pk])


def open_survey(training_class, today=None):
    """The class's survey, created when missing: open from `today`, with the template in force and
    DEFAULT_ANSWER_DAYS to answer. None when no template is in force (nothing to ask with)."""
    today = today or timezone.localdate()
    existing = ClassSurvey.objects.filter(training_class=training_class).first()
    if existing is not None:
        return existing
    template = template_on(today)
    if template is None:
        return None
    survey, _created = ClassSurvey.objects.get_or_create(
        training_class=training_class,
        defaults=dict(template=template, opens_on=today,
                      closes_on=today + datetime.timedelta(days=DEFAULT_ANSWER_DAYS)),
    )
    return survey


def class_status_changed(training_class, old_status, new_status, user=None):
    """training.extensions.class_status_changed: a class that finishes opens its survey and asks the learners who
    completed it (a notice with its e-mail, and the learner portal's list)."""
    if new_status != TrainingClass.Status.FINISHED:
        return
    survey = open_survey(training_class)
    if survey is not None:
        remind(survey, timezone.localdate())


def has_answers(survey):
    return (Respondent.objects.filter(training_class_id=survey.training_class_id).exists()
            or Response.objects.filter(survey=survey).exists())


def set_options(survey, *, anonymous, closes_on, user=None):
    """Change the survey's anonymity (only before the first answer: locked after) and its closing date (not before
    it opened). The survey row is locked, so an answer arriving at the same moment waits. ValidationError
    (Vietnamese) when refused."""
    with transaction.atomic():
        row = ClassSurvey.objects.select_for_update().get(pk=survey.pk)
        if anonymous != row.anonymous and has_answers(row):
            raise ValidationError(_("Khảo sát đã có phiếu trả lời: không thay đổi được lựa chọn ẩn danh."))
        if closes_on < row.opens_on:
            raise ValidationError(_("Hạn trả lời không được trước ngày mở khảo sát (%(d)s).")
                                  % {"d": row.opens_on.strftime("%d/%m/%Y")})
        row.anonymous, row.closes_on = anonymous, closes_on
        row.save(update_fields=["anonymous", "closes_on"])
    survey.anonymous, survey.closes_on = anonymous, closes_on
    return survey


# -- who answers ------------------------------------------------------------------------------------------------------
def completed_person_ids(training_class):
    return set(Enrollment.objects.filter(training_class=training_class, state=COMPLETED)
               .values_list("person_id", flat=True))


def is_open(survey, today=None):
    today = today or timezone.localdate()
    return survey.opens_on <= today <= survey.closes_on


def answer_refusal(survey, person_id, today=None):
    """Why `person_id` may not answer `survey` now (a Vietnamese sentence), or None when they may: they completed the
    class, have not answered yet, and the survey is open."""
    if survey is None or person_id is None:
        return _("Lớp này chưa mở khảo sát.")
    if not Enrollment.objects.filter(training_class_id=survey.training_class_id, person_id=person_id,
                                     state=COMPLETED).exists():
        return _("Chỉ học viên đã hoàn thành lớp mới trả lời phiếu khảo sát của lớp.")
    if Respondent.objects.filter(training_class_id=survey.training_class_id, person_id=person_id).exists():
        return _("Bạn đã trả lời phiếu khảo sát của lớp này.")
    today = today or timezone.localdate()
    if today < survey.opens_on:
        return _("Khảo sát mở từ ngày %(d)s.") % {"d": survey.opens_on.strftime("%d/%m/%Y")}
    if today > survey.closes_on:
        return _("Khảo sát đã hết hạn trả lời (%(d)s).") % {"d": survey.closes_on.strftime("%d/%m/%Y")}
    return None


def waiting_surveys(person_id, today=None):
    """The open surveys `person_id` may still answer (the learner portal), with their classes: two queries."""
    today = today or timezone.localdate()
    answered = Respondent.objects.filter(person_id=person_id).values("training_class_id")
    return list(
        ClassSurvey.objects.filter(
            training_class__enrollments__person_id=person_id, training_class__enrollments__state=COMPLETED,
            opens_on__lte=today, closes_on__gte=today,
        ).exclude(training_class_id__in=answered).select_related("training_class").order_by("closes_on")
    )


# -- answering --------------------------------------------------------------------------------------------------------
@dataclass
class Filled:
    """The answers of one form: scores {(item id, lecturer id or None): 1..10} and texts {(item id, lecturer id or
    None): text}; missing keys are unanswered."""
    scores: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)


def parse_post(blocks, data):
    """Filled from a submitted form (`data`: request.POST). A score outside 1–10 or not a number is an error; an
    empty one is unanswered. Returns (Filled, errors {field: message})."""
    filled, errors = Filled(), {}
    for block in blocks:
        lecturer_id = block.lecturer.pk if block.lecturer else None
        for item in block.items:
            key = block.key(item)
            raw = (data.get(key) or "").strip()
            if item.kind == Item.Kind.TEXT:
                if raw:
                    filled.texts[(item.pk, lecturer_id)] = raw[:4000]
                continue
            if not raw:
                continue
            if not raw.isdigit() or not 1 <= int(raw) <= 10:
                errors[key] = _("Điểm phải là số nguyên từ 1 đến 10.")
                continue
            filled.scores[(item.pk, lecturer_id)] = int(raw)
    return filled, errors


def _build(survey, blocks, filled, person_id, source, rule):
    slots = [(item.pk, lecturer.pk if lecturer else None) for item, lecturer in scored_slots(blocks)]
    answered = sum(1 for slot in slots if slot in filled.scores)
    expected = len(slots)
    response = Response(
        survey=survey, template_id=survey.template_id, source=source,
        person_id=None if survey.anonymous else person_id,
        expected_items=expected, unanswered_items=expected - answered,
        valid=form_is_valid(expected, expected - answered, rule),
    )
    answers = [Answer(response=response, item_id=item_id, lecturer_id=lecturer_id, score=score)
               for (item_id, lecturer_id), score in filled.scores.items() if (item_id, lecturer_id) in slots]
    answers += [Answer(response=response, item_id=item_id, lecturer_id=lecturer_id, text=text)
                for (item_id, lecturer_id), text in filled.texts.items()]
    return response, answers


def _lock_for_answer(survey_pk):
    """The survey row, locked against a change of its options (set_options takes FOR UPDATE) but not against the
    other answers: FOR SHARE on PostgreSQL, so that the learners of one class answer in parallel (bench/survey_load.py);
    SQLite has no row locks and serialises writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM evaluation_classsurvey WHERE id = %s FOR SHARE", [survey_pk])
    return ClassSurvey.objects.select_related("training_class").get(pk=survey_pk)


def submit(survey, person_id, filled, blocks=None, today=None, source=Response.Source.ONLINE):
    """Record one form of `person_id` for `survey`: refused (ValidationError) unless answer_refusal says nothing.
    The form is valid or not by the rule in force when the survey opened; anonymous forms keep no link to the person.
    The survey row is locked (its anonymity cannot change meanwhile); answering twice hits the Respondent
    uniqueness and is refused. Returns the Response."""
    today = today or timezone.localdate()
    with transaction.atomic():
        survey = _lock_for_answer(survey.pk)
        refusal = answer_refusal(survey, person_id, today)
        if refusal:
            raise ValidationError(refusal)
        blocks = blocks if blocks is not None else form_blocks(survey.template, survey.training_class)
        response, answers = _build(survey, blocks, filled, person_id, source, rule_on(survey.opens_on))
        try:
            with transaction.atomic():
                Respondent.objects.create(training_class_id=survey.training_class_id, person_id=person_id)
        except IntegrityError:
            raise ValidationError(_("Bạn đã trả lời phiếu khảo sát của lớp này.")) from None
        response.save()
        Answer.objects.bulk_create(answers)
    return response


def record_paper(survey, forms):
    """Save paper forms read from an upload, in the caller's transaction: `forms` [(person id, Filled)], each
    checked beforehand (paper.read_paper). Returns the Responses."""
    rule = rule_on(survey.opens_on)
    blocks = form_blocks(survey.template, survey.training_class)
    responses, answers = [], []
    for person_id, filled in forms:
        response, rows = _build(survey, blocks, filled, person_id, Response.Source.PAPER, rule)
        responses.append(response)
        answers.extend(rows)
    Respondent.objects.bulk_create([Respondent(training_class_id=survey.training_class_id, person_id=person_id)
                                    for person_id, _filled in forms])
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return responses


# -- reminders --------------------------------------------------------------------------------------------------------
def pending_person_ids(survey):
    """Learners who completed the class and have not answered its survey."""
    answered = set(Respondent.objects.filter(training_class_id=survey.training_class_id)
                   .values_list("person_id", flat=True))
    return completed_person_ids(survey.training_class_id) - answered


def remind(survey, today):
    """Ask the learners who have not answered yet (notice + e-mail), once on `today`: the survey's last_reminded_on
    moves by a conditional UPDATE, so a second run on the same day (or a concurrent one) sends nothing. Returns the
    number of notices."""
    if not is_open(survey, today):
        return 0
    moved = ClassSurvey.objects.filter(pk=survey.pk).filter(
        Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)).update(last_reminded_on=today)
    if not moved:
        return 0
    users = get_user_model().objects.filter(person_id__in=pending_person_ids(survey), is_active=True)
    cls = survey.training_class
    notices = notify(
        users, Notice.Kind.OTHER,
        _("Mời trả lời phiếu khảo sát lớp %(code)s") % {"code": cls.code},
        _("Lớp “%(name)s” đã kết thúc. Mời bạn đánh giá chất lượng khoá học trước ngày %(d)s.%(anon)s")
        % {"name": cls.name, "d": survey.closes_on.strftime("%d/%m/%Y"),
           "anon": " " + _("Phiếu trả lời ẩn danh.") if survey.anonymous else ""},
        survey_url(cls),
    )
    return len(notices)


def send_reminders(today=None):
    """The daily job: remind, once a day, every open survey's learners who have not answered. Idempotent. Returns
    the number of notices."""
    today = today or timezone.localdate()
    total = 0
    for survey in ClassSurvey.objects.filter(opens_on__lte=today, closes_on__gte=today).filter(
            Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today)).select_related("training_class"):
        total += remind(survey, today)
    return total
