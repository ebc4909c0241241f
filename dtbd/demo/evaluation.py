"""The demo's class surveys (docs/domain.md §15.3), built after its classes — a deterministic function of the
province's seed and of `today`:

- every finished or closed class of the demo gets its survey (the default template of Circular 10/2017/TT-BNV,
  anonymous, opened on the class's last day, 14 days to answer — a week more from today while the class is not
  closed), so the institution's pages, the lecturer pages and
  the survey reports show real figures;
- about 80 % of the learners who completed a class answered (60 % of those of a class whose survey is still open;
  30 forms a class at most);
  about one form in twenty leaves 3 scored items blank and is invalid; each class and lecturer has a level of its own
  (indices from about 5,5 to 9), so several bands show; some forms carry a comment;
- the demo learner (`hocvien`) never answered: on a survey still open, the portal asks them.

Written with set-based inserts (dtbd.core.importing.insert_rows: COPY on PostgreSQL); the audit is off while the demo loads."""
import datetime
import random
import uuid

from django.contrib.auth import get_user_model
from django.db import connection

from dtbd.core.importing import insert_rows

from dtbd.evaluation import services
from dtbd.evaluation.models import Answer, ClassSurvey, Item, Respondent, Response
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.services.lecturers import class_lecturers_many

MAX_FORMS = 30  # forms per class at most: enough figures, a short load
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
    surveys = []
    for c in classes:
        closes = c.ends_on + datetime.timedelta(days=services.DEFAULT_ANSWER_DAYS)
        if c.status == TrainingClass.Status.FINISHED:  # not closed yet: its survey still takes answers
            closes = max(closes, today + datetime.timedelta(days=7))
        surveys.append(ClassSurvey(training_class=c, template=template, anonymous=True, opens_on=c.ends_on,
                                   closes_on=closes, last_reminded_on=min(today, closes)))
    ClassSurvey.objects.bulk_create(surveys)
    surveys = {s.training_class_id: s for s in ClassSurvey.objects.filter(training_class__in=classes)}
    pk = Response._meta.pk  # random keys, as the services write them (docs/domain.md §15.3)

    def key():
        return pk.get_db_prep_value(uuid.uuid4(), connection)

    responses, answers, respondents = [], [], []
    text_items = [item.pk for item in items if item.kind == Item.Kind.TEXT]
    for cls in classes:
        survey = surveys[cls.pk]
        teachers = lecturers.get(cls.pk, [])
        slots = [(item.pk, None) for item in items if item.group.subject != "LECTURER" and item.kind == Item.Kind.SCORE]
        slots += [(item.pk, lec.pk) for lec in teachers for item in items
                  if item.group.subject == "LECTURER" and item.kind == Item.Kind.SCORE]
        level = rng.uniform(5.5, 9.0)
        offsets = {lec.pk: rng.uniform(-1.2, 0.8) for lec in teachers}
        share = 0.6 if services.is_open(survey, today) else 0.8
        people = [p for p in completed.get(cls.pk, []) if p != demo_learner and rng.random() <= share][:MAX_FORMS]
        for person_id in people:
            respondents.append((key(), cls.pk, person_id))
            blank = set(rng.sample(range(len(slots)), 3)) if rng.random() < 0.05 and len(slots) > 3 else set()
            expected, unanswered = len(slots), len(blank)
            response = key()
            responses.append((response, survey.pk, template.pk, Response.Source.ONLINE, expected, unanswered,
                              services.form_is_valid(expected, unanswered, rule)))
            for index, (item_id, lecturer_id) in enumerate(slots):
                if index not in blank:
                    mean = level + (offsets[lecturer_id] if lecturer_id else 0)
                    answers.append((key(), response, item_id, lecturer_id,
                                    max(1, min(10, round(rng.gauss(mean, 1.1)))), ""))
            if text_items and rng.random() < 0.15:
                answers.append((key(), response, rng.choice(text_items), None, None, rng.choice(COMMENTS)))
    insert_rows(Respondent, ("id", "training_class", "person"), respondents)
    insert_rows(Response, ("id", "survey", "template", "source", "expected_items", "unanswered_items", "valid"),
                responses)
    insert_rows(Answer, ("id", "response", "item", "lecturer", "score", "text"), answers)
    return {"surveys": len(surveys), "forms": len(responses), "answers": len(answers)}
