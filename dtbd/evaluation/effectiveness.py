"""Effectiveness of training at work (level 3; Circular 10/2017/TT-BNV: the employer judges the work done
after the course; docs/domain.md §16.4).

- A form is due `months` after a learner completed a class (EffectivenessSetting of the programme, default 6), the
  completion day being the enrolment's `completed_on`, else the class's end. The daily job (`run_daily`) creates the
  due forms of completions not older than LOOKBACK_MONTHS beyond their due day and reminds both sides.
- The learner's direct manager — a unit officer of the learner's unit or one above it, or a leader of the unit —
  scores four items 1–10 and records the product of the work (proposal, report, project, initiative); the index is
  their mean. The learner adds a self-assessment.
- Reminders: on creation, then every REMIND_EVERY_DAYS days while a side has not answered, each claimed by a
  conditional UPDATE of the form's `*_reminded_on` day, so a day's run repeated sends nothing twice."""
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, DateField, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.models import Role
from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.notices.models import Notice
from dtbd.notices.services import notify, unit_officers_for, users_of_person
from dtbd.people.models import UnitAssignment
from dtbd.training.models import Enrollment

from .quality_models import DEFAULT_MONTHS, EffectivenessForm, EffectivenessSetting

REMIND_EVERY_DAYS = 7
LOOKBACK_MONTHS = 12
KINDS_WITH_PRODUCT = [k for k in EffectivenessForm.ProductKind.values if k != EffectivenessForm.ProductKind.NONE]


def add_months(day, months):
    """`day` plus `months` months (negative: before), the day kept or the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def months_by_programme():
    """{programme id: months} of the programmes with their own setting."""
    return dict(EffectivenessSetting.objects.values_list("program_id", "months"))


def _done_on():
    return Coalesce("completed_on", "training_class__ends_on", output_field=DateField())


def due_enrollments(today):
    """Completed enrolments whose form is due on `today` and not created: one query per distinct setting of months
    (the default and each value set on a programme). Yields (enrolment id, person id, due day)."""
    settings = months_by_programme()
    groups = {}
    for program_id, months in settings.items():
        groups.setdefault(months, []).append(program_id)
    base = (Enrollment.objects.filter(state=Enrollment.State.COMPLETED, effectiveness__isnull=True)
            .annotate(done_on=_done_on()))
    plans = [(DEFAULT_MONTHS, ~Q(training_class__program_id__in=list(settings)))]
    plans += [(months, Q(training_class__program_id__in=ids)) for months, ids in groups.items()]
    for months, condition in plans:
        latest = add_months(today, -months)
        earliest = add_months(latest, -LOOKBACK_MONTHS)
        rows = base.filter(condition, done_on__lte=latest, done_on__gt=earliest).values_list("pk", "person_id",
                                                                                          "done_on")
        for pk, person_id, done_on in rows.iterator():
            yield pk, person_id, add_months(done_on, months)


def form_url(form):
    return reverse("quality:effectiveness_detail", args=[form.pk])


def _current_units(person_ids):
    """{person id: current unit}: one query."""
    rows = (UnitAssignment.objects.filter(person_id__in=person_ids, valid_to__isnull=True).select_related("unit")
            .order_by("person_id", "valid_from"))
    return {row.person_id: row.unit for row in rows}


def direct_managers(unit):
    """Who rates the work of a person of `unit`: the unit officers of the unit or of a unit above it, and the leaders
    of the unit itself."""
    if unit is None:
        return []
    leaders = get_user_model().objects.filter(role=Role.LEADER, scope_unit=unit, is_active=True)
    return unit_officers_for(unit) + list(leaders)


def _remind(forms, side, today):
    """Claim and send the reminders of `side` ("manager" or "learner") for `forms` (loaded with person and class):
    each form's `<side>_reminded_on` is moved to `today` by a conditional UPDATE; only the forms claimed are sent, so a
    second run of the day sends nothing. Returns the number of forms reminded."""
    field = f"{side}_reminded_on"
    due = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": today - datetime.timedelta(days=REMIND_EVERY_DAYS)})
    sent = 0
    units = _current_units([f.person_id for f in forms]) if side == "manager" else {}
    for form in forms:
        if not EffectivenessForm.objects.filter(due, pk=form.pk).update(**{field: today}):
            continue  # already reminded today (or within the interval) by another run
        cls = form.enrollment.training_class
        if side == "manager":
            users = direct_managers(units.get(form.person_id))
            title = _("Đánh giá hiệu quả sau đào tạo của %(name)s (lớp %(code)s)") % {
                "name": form.person.full_name, "code": cls.code}
            body = _("Đã đến hạn đánh giá việc vận dụng kết quả học tập vào công việc và sản phẩm sau khoá học của "
                     "%(name)s (%(cls)s).") % {"name": form.person.full_name, "cls": cls.name}
        else:
            users = users_of_person(form.person)
            title = _("Tự đánh giá hiệu quả sau khoá học %(code)s") % {"code": cls.code}
            body = _("Mời anh/chị tự đánh giá việc vận dụng kết quả khoá học %(cls)s vào công việc.") % {
                "cls": cls.name}
        notify(users, Notice.Kind.OTHER, title, body, form_url(form))
        sent += 1
    return sent


@transaction.atomic
def create_due_forms(today=None):
    """Create the forms due on `today` (default today); returns the number created. The one-to-one link to the
    enrolment makes a repeated run create nothing."""
    today = today or timezone.localdate()
    new = [EffectivenessForm(enrollment_id=pk, person_id=person_id, due_on=due)
           for pk, person_id, due in due_enrollments(today)]
    EffectivenessForm.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def run_daily(today=None):
    """The daily job: create the due forms, then remind the managers who have not rated and the learners who have
    not assessed themselves. Returns (forms created, manager reminders, learner reminders)."""
    today = today or timezone.localdate()
    created = create_due_forms(today)
    pending = EffectivenessForm.objects.filter(due_on__lte=today).select_related(
        "person", "enrollment__training_class")
    interval = today - datetime.timedelta(days=REMIND_EVERY_DAYS)
    stale = lambda field: Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": interval})  # noqa: E731
    with transaction.atomic():
        managers = _remind(list(pending.filter(stale("manager_reminded_on"), rated_at__isnull=True)), "manager", today)
    with transaction.atomic():
        learners = _remind(list(pending.filter(stale("learner_reminded_on"), self_at__isnull=True)), "learner", today)
    return created, managers, learners


# ------------------------------------------------------------------------------------------------ answering
def form_for(user, pk, action="view"):
    """The form `pk` if `user` may read it (or rate it, action CHANGE); 404 otherwise (never saying it exists)."""
    form = (EffectivenessForm.objects.restrict(user, action).select_related(
        "person", "enrollment__training_class__program", "enrollment__training_class__provider", "rated_by")
        .filter(pk=pk).first())
    if form is None:
        raise Http404
    return form


def may_rate(user, form):
    return EffectivenessForm.objects.restrict(user, CHANGE).filter(pk=form.pk).exists()


def may_self_assess(user, form):
    return bool(user.is_authenticated and user.person_id and user.person_id == form.person_id)


def index_of(scores):
    mean = Decimal(sum(scores)) / len(scores)
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(form, user, scores, product_kind, product_title="", product_description="", comment=""):
    """The direct manager's evaluation: the four scores (1–10, all required) and the product. A product other than
    "none" needs a title."""
    if not may_rate(user, form):
        raise PermissionDenied
    errors = {}
    for field in EffectivenessForm.SCORE_FIELDS:
        value = scores.get(field)
        if value is None or not (1 <= int(value) <= 10):
            errors[field] = _("Điểm phải từ 1 đến 10.")
    if product_kind not in EffectivenessForm.ProductKind.values:
        errors["product_kind"] = _("Chọn loại sản phẩm.")
    elif product_kind != EffectivenessForm.ProductKind.NONE and not product_title.strip():
        errors["product_title"] = _("Ghi tên sản phẩm.")
    if errors:
        raise ValidationError(errors)
    for field in EffectivenessForm.SCORE_FIELDS:
        setattr(form, field, int(scores[field]))
    form.manager_index = index_of([int(scores[f]) for f in EffectivenessForm.SCORE_FIELDS])
    form.product_kind, form.product_title = product_kind, product_title.strip()
    form.product_description, form.manager_comment = product_description.strip(), comment.strip()
    form.rated_at, form.rated_by = timezone.now(), user
    form.save()
    return form


def self_assess(form, user, score, comment=""):
    if not may_self_assess(user, form):
        raise PermissionDenied
    if score is None or not (1 <= int(score) <= 10):
        raise ValidationError({"self_score": _("Điểm phải từ 1 đến 10.")})
    form.self_score, form.self_comment, form.self_at = int(score), comment.strip(), timezone.now()
    form.save()
    return form


# ------------------------------------------------------------------------------------------------ reading
def forms_for(user, status=""):
    """The forms `user` sees, with what the list shows (one query)."""
    qs = EffectivenessForm.objects.restrict(user).select_related(
        "person", "enrollment__training_class__program", "enrollment__training_class__provider")
    if status == "pending":
        qs = qs.filter(rated_at__isnull=True)
    elif status == "rated":
        qs = qs.filter(rated_at__isnull=False)
    return qs.order_by("rated_at", "-due_on", "pk")


def counts(qs):
    """Due, rated, self-assessed and the mean index of `qs`: one query."""
    return qs.aggregate(due=Count("pk"), rated=Count("pk", filter=Q(rated_at__isnull=False)),
                        self_assessed=Count("pk", filter=Q(self_at__isnull=False)), index=Avg("manager_index"))


def person_panel(user, person, assessments):
    """The staff page's level-3 rows: each form the user sees of `person`, with the annual assessment of the year it
    fell due (`assessments`: the page's loaded ratings)."""
    ratings = {a.year: a for a in assessments}
    forms = list(EffectivenessForm.objects.restrict(user).filter(person=person).select_related(
        "enrollment__training_class__program").order_by("-due_on"))
    for form in forms:
        form.year_assessment = ratings.get(form.due_on.year)
    return forms
