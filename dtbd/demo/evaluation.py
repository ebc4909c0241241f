"""The demo's class surveys (docs/domain.md §15.3), built after its classes — a deterministic function of the
province's seed and of `today`:

- every finished or closed class of the demo gets its survey (the default template of Circular 10/2017/TT-BNV,
  anonymous, opened on the class's last day, 14 days to answer), so the institution's pages, the lecturer pages and
  the survey reports show real figures;
- about 80 % of the learners who completed a class answered (60 % of those of a class whose survey is still open);
  about one form in twenty leaves 3 scored items blank and is invalid; each class and lecturer has a level of its own
  (indices from about 5,5 to 9), so several bands show; some forms carry a comment;
- the demo learner (`hocvien`) never answered: on a survey still open, the portal asks them.

Written with bulk inserts (a few thousand rows: well under a second); the audit is off while the demo loads."""
import datetime
import random

from django.contrib.auth import get_user_model

from dtbd.evaluation import services
from dtbd.evaluation.models import Answer, ClassSurvey, Item, Respondent, Response
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services.lecturers import class_lecturers_many

COMMENTS = ["Nên tăng thời lượng thảo luận tình huống.", "Tài liệu cần gửi trước khi khai giảng.",
            "Giảng viên liên hệ thực tiễn tốt.", "Đề nghị tổ chức thêm buổi tìm hiểu thực tế."]


def build_surveys(province, today):
    """Surveys and answers for the demo's finished classes. Returns the counts."""
    rng = random.Random(f"{province.seed}-surveys")
    template = services.template_on(today)
    rule = services.rule_on(today)
    classes = list(TrainingClass.objects.filter(status__in=(TrainingClass.Status.FINISHED, TrainingClass.Status.CLOSED))
                   .order_by("ends_on", "code"))
    if template is None or not classes:
        return {"surveys": 0, "forms": 0}
    demo_learner = get_user_model().objects.filter(username="hocvien").values_list("person_id", flat=True).first()
    completed = {}
    for class_id, person_id in (Enrollment.objects.filter(training_class__in=classes, state=Enrollment.State.COMPLETED)
                                .order_by("person_id").values_list("training_class_id", "person_id")):
        completed.setdefault(class_id, []).append(person_id)
    lecturers = class_lecturers_many([c.pk for c in classes])
    items = list(Item.objects.filter(group__template=template).select_related("group").order_by("group__order", "order"))
    surveys = [ClassSurvey(training_class=c, template=template, anonymous=True, opens_on=c.ends_on,
                           closes_on=c.ends_on + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS),
                           last_reminded_on=min(today, c.ends_on + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS)))
               for c in classes]
    ClassSurvey.objects.bulk_create(surveys)
    surveys = {s.training_class_id: s for s in ClassSurvey.objects.filter(training_class__in=classes)}
    responses, answers, respondents = [], [], []
    for cls in classes:
        survey = surveys[cls.pk]
        teachers = lecturers.get(cls.pk, [])
        slots = [(item, None) for item in items if item.group.subject != "LECTURER"]
        slots += [(item, lec) for lec in teachers for item in items if item.group.subject == "LECTURER"]
        scored = [(item, lec) for item, lec in slots if item.kind == Item.Kind.SCORE]
        level = rng.uniform(5.5, 9.0)
        offsets = {lec.pk: rng.uniform(-1.2, 0.8) for lec in teachers}
        share = 0.6 if services.is_open(survey, today) else 0.8
        for person_id in completed.get(cls.pk, []):
            if person_id == demo_learner or rng.random() > share:
                continue
            respondents.append(Respondent(training_class=cls, person_id=person_id))
            blank = set(rng.sample(range(len(scored)), 3)) if rng.random() < 0.05 and len(scored) > 3 else set()
            expected, unanswered = len(scored), len(blank)
            response = Response(survey=survey, template=template, expected_items=expected,
                                unanswered_items=unanswered, valid=services.form_is_valid(expected, unanswered, rule))
            responses.append(response)
            for index, (item, lec) in enumerate(scored):
                if index in blank:
                    continue
                mean = level + (offsets[lec.pk] if lec else 0)
                score = max(1, min(10, round(rng.gauss(mean, 1.1))))
                answers.append(Answer(response=response, item=item, lecturer=lec, score=score))
            if rng.random() < 0.15:
                text_items = [item for item in items if item.kind == Item.Kind.TEXT]
                if text_items:
                    answers.append(Answer(response=response, item=rng.choice(text_items), text=rng.choice(COMMENTS)))
    Respondent.objects.bulk_create(respondents, batch_size=2000)
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    return {"surveys": len(surveys), "forms": len(responses), "answers": len(answers)}
