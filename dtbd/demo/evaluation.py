"""The demo province's quality evaluation (docs/domain.md §15): answered surveys of about two thirds of last year's
classes (so that the 20 % rule is met), the surveys of this year's finished classes open, the level-3 forms due with
most of them rated by the unit and self-assessed, and last year published at /cong-khai/ — so that the public page
shows real aggregates after `make run`. Deterministic for a seed."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dtbd.evaluation import effectiveness
from dtbd.evaluation import services as surveys
from dtbd.evaluation.models import EffectivenessForm, Publication, Response
from dtbd.training.models import TrainingClass

MAX_SURVEYED_CLASSES = 40  # a 100k demo has hundreds of classes a year: answering them all would slow the load
MAX_FORMS_PER_CLASS = 30
PRODUCTS = [
    ("PROPOSAL", "Đề xuất cải tiến quy trình tiếp nhận hồ sơ"),
    ("REPORT", "Báo cáo chuyên đề về chuyển đổi số của đơn vị"),
    ("PROJECT", "Đề án sắp xếp vị trí việc làm của phòng"),
    ("INITIATIVE", "Sáng kiến số hoá hồ sơ lưu trữ"),
    ("NONE", ""),
]


def _answers(rng, slots):
    base = rng.choice((6, 7, 7, 8, 8, 8, 9, 9))
    scores = {}
    for item, lecturer in slots:
        if rng.random() < 0.02:  # now and then an item left blank; sometimes enough to make the form invalid
            continue
        scores[(item.pk, lecturer.pk if lecturer else None)] = max(1, min(10, base + rng.randint(-1, 1)))
    return surveys.Filled(scores=scores)


@transaction.atomic
def build_evaluation(today, users, seed=1):
    """Surveys, level-3 forms and the publication of last year. `users`: {username: user id} of the demo accounts."""
    rng = random.Random(seed * 7919 + 15)
    last = today.year - 1
    done = (TrainingClass.Status.FINISHED, TrainingClass.Status.CLOSED)
    answered = 0
    if not Response.objects.exists():
        classes = list(TrainingClass.objects.filter(status__in=done, ends_on__year=last).order_by("ends_on", "pk"))
        chosen = [cls for i, cls in enumerate(classes) if i % 3 != 2][:MAX_SURVEYED_CLASSES]
        for cls in chosen:
            survey = surveys.open_survey(cls, today)
            blocks = surveys.form_blocks(survey.template, cls)
            slots = surveys.scored_slots(blocks)
            for person_id in sorted(surveys.completed_person_ids(cls))[:MAX_FORMS_PER_CLASS]:
                surveys.submit(survey, person_id, _answers(rng, slots), blocks, today=today)
                answered += 1
        for cls in TrainingClass.objects.filter(status=TrainingClass.Status.FINISHED, ends_on__year=today.year):
            surveys.open_survey(cls, today)
    created = effectiveness.create_due_forms(today)
    forms = list(EffectivenessForm.objects.filter(rated_at__isnull=True).order_by("pk"))
    rated = []
    for form in forms:
        if rng.random() < 0.75:
            scores = [max(1, min(10, rng.choice((6, 7, 8, 8, 9)) + rng.randint(-1, 1))) for _ in range(4)]
            for field, score in zip(EffectivenessForm.SCORE_FIELDS, scores):
                setattr(form, field, score)
            form.manager_index = effectiveness.index_of(scores)
            form.product_kind, form.product_title = rng.choice(PRODUCTS)
            day = min(today, form.due_on + datetime.timedelta(days=rng.randint(0, 20)))
            form.rated_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
            form.rated_by_id = users.get("donvi")
            form.manager_reminded_on = form.due_on
            if rng.random() < 0.7:
                form.self_score, form.self_at = max(1, min(10, scores[0] + rng.randint(-1, 1))), form.rated_at
                form.learner_reminded_on = form.due_on
            rated.append(form)
    EffectivenessForm.objects.bulk_update(rated, [*EffectivenessForm.SCORE_FIELDS, "manager_index", "product_kind",
                                                 "product_title", "rated_at", "rated_by", "self_score", "self_at",
                                                 "manager_reminded_on", "learner_reminded_on"], batch_size=500)
    if not Publication.objects.current().filter(year=last).exists():
        Publication.objects.create(year=last, training_results=True, assessments=True,
                                   published_by_id=users.get("tinh"), note="Số liệu mẫu của hệ thống.")
    return {"surveys": answered, "effectiveness": created, "rated": len(rated), "published": last}
