"""The demo province's level-3 evaluation and publication (docs/domain.md §16.4, §16.6), built after the class surveys
(demo/evaluation.py) and the annual ratings (demo/funding.py): the level-3 forms due, three in four rated by the unit
with a product and most of those self-assessed; last year published at /cong-khai/ (training results and the annual
rating distribution) — so that the public page shows real aggregates after `make run`. Deterministic for a seed."""
import datetime
import random

from django.db import transaction
from django.utils import timezone

from dtbd.evaluation import effectiveness
from dtbd.evaluation.models import EffectivenessForm, Publication

PRODUCTS = [
    ("PROPOSAL", "Đề xuất cải tiến quy trình tiếp nhận hồ sơ"),
    ("REPORT", "Báo cáo chuyên đề về chuyển đổi số của đơn vị"),
    ("PROJECT", "Đề án sắp xếp vị trí việc làm của phòng"),
    ("INITIATIVE", "Sáng kiến số hoá hồ sơ lưu trữ"),
    ("NONE", ""),
]


@transaction.atomic
def build_quality(today, users, seed=1):
    """Level-3 forms and the publication of last year. `users`: {username: user id} of the demo accounts."""
    rng = random.Random(seed * 7919 + 15)
    last = today.year - 1
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
    return {"effectiveness": created, "rated": len(rated), "published": last}
