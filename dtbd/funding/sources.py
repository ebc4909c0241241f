"""Source cadres (tạo nguồn cán bộ, docs/domain.md §14.5): schemes, their candidates (people not yet on the staff
register), their training path and their recruitment into the register. Every write checks the user's scope here
(a candidate's unit in the user's write scope; schemes: managers); each change is one save() (audited)."""
import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE
from dtbd.org.models import Unit
from dtbd.people import services as people_services
from dtbd.people import validators
from dtbd.people.catalog import Category
from dtbd.people.models import Person

from .models import Candidate, CandidateStep, Scheme
from .talent import require_manager


# ------------------------------------------------------------------------------------------------ schemes
@transaction.atomic
def save_scheme(scheme: Scheme, user) -> Scheme:
    require_manager(user)
    if scheme.valid_to and scheme.valid_to < scheme.valid_from:
        raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu thực hiện.")})
    scheme.save()
    return scheme


def schemes_with_figures(user):
    """Every scheme with `candidate_count` and `recruited` counted among the candidates the user sees: one query."""
    seen = Candidate.objects.restrict(user)
    counts = seen.filter(scheme=OuterRef("pk")).order_by().values("scheme")
    candidates = counts.annotate(c=Count("pk")).values("c")
    recruited = counts.annotate(c=Count("pk", filter=Q(person__isnull=False))).values("c")
    return Scheme.objects.annotate(
        candidate_count=Coalesce(Subquery(candidates, output_field=IntegerField()), Value(0)),
        recruited=Coalesce(Subquery(recruited, output_field=IntegerField()), Value(0)))


# ------------------------------------------------------------------------------------------------ candidates
def _identity(candidate, today):
    """Normalise and check the identity fields with the staff register's rules (people.services)."""
    errors = {}
    for name in ("full_name", "birth_date", "citizen_id"):
        try:
            value = people_services.clean_identity_field(name, getattr(candidate, name), today)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
        else:
            setattr(candidate, name, (value or "") if name == "citizen_id" else value)
    if not errors and candidate.citizen_id:
        message = validators.citizen_id_error(candidate.citizen_id, candidate.birth_date, candidate.gender)
        if message:
            errors["citizen_id"] = message
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_candidate(candidate: Candidate, user, today=None) -> Candidate:
    """Record or change a candidate: their unit must be in the user's write scope (a unit officer: their subtree);
    a candidate already recruited keeps their identity (it lives in the staff register from then on)."""
    if not Unit.objects.restrict(user, CHANGE).filter(pk=candidate.unit_id).exists():
        raise ValidationError({"unit": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})
    if candidate.pk and not Candidate.objects.restrict(user, CHANGE).filter(pk=candidate.pk).exists():
        raise PermissionDenied
    if candidate.pk and Candidate.objects.filter(pk=candidate.pk, person__isnull=False).exists():
        raise ValidationError(_("Người này đã được tuyển dụng: thông tin cá nhân được cập nhật trong hồ sơ cán bộ."))
    _identity(candidate, today or datetime.date.today())
    candidate.save()
    return candidate


@transaction.atomic
def add_step(step: CandidateStep, user) -> CandidateStep:
    """A stage of the candidate's training path: a programme of the catalogue or a free-text title, with its dates."""
    if not Candidate.objects.restrict(user, CHANGE).filter(pk=step.candidate_id).exists():
        raise PermissionDenied
    if not step.program_id and not (step.title or "").strip():
        raise ValidationError({"title": _("Chọn chương trình hoặc nhập nội dung đào tạo, bồi dưỡng.")})
    if step.ends_on and step.ends_on < step.starts_on:
        raise ValidationError({"ends_on": _("Ngày kết thúc trước ngày bắt đầu.")})
    step.title = (step.title or "").strip()
    step.save()
    return step


@transaction.atomic
def recruit(candidate: Candidate, user, *, unit, on_date, category, code, ethnicity=None, rank=None,
            job_position="") -> Person:
    """Recruit a candidate into the staff register: their Person is created through people.services.save_person
    (identity from the candidate, recruited on `on_date`, placed in `unit` with `category` from that day), linked to
    the candidate, who stays with their history. Refused when the candidate is already recruited, out of the user's
    write scope, or when the register's rules refuse the record (code or citizen id already used…)."""
    if not Candidate.objects.restrict(user, CHANGE).filter(pk=candidate.pk).exists():
        raise PermissionDenied
    # The row lock makes two recruitments of one candidate run one after the other; the second sees the first.
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.person_id:
        raise ValidationError(_("Người này đã được tuyển dụng (mã cán bộ %(code)s).") % {"code": candidate.person.code})
    if not people_services.placement_units(user).filter(pk=getattr(unit, "pk", unit)).exists():
        raise ValidationError({"unit": _("Đơn vị không có hoặc không thuộc phạm vi bạn được cập nhật.")})
    if category not in Category.values:
        raise ValidationError({"category": _("Loại cán bộ không hợp lệ.")})
    ethnicity = ethnicity or candidate.ethnicity
    if ethnicity is None:
        raise ValidationError({"ethnicity": _("Nhập dân tộc.")})
    errors = {}
    try:
        code = people_services.clean_identity_field("code", code)
    except ValidationError as exc:
        errors["code"] = exc.messages[0]
    else:
        if Person.objects.filter(code=code).exists():
            errors["code"] = _("Mã cán bộ này đã có trong hệ thống.")
    citizen_id = candidate.citizen_id or None
    if citizen_id and Person.objects.filter(citizen_id=citizen_id).exists():
        errors["citizen_id"] = _("Số CCCD này đã có trong hệ thống (hồ sơ của một cán bộ khác).")
    errors.update(people_services.person_errors(
        {"birth_date": candidate.birth_date, "gender": candidate.gender, "citizen_id": citizen_id,
         "recruited_on": on_date, "effective_from": on_date}, is_new=True, placement_changed=True))
    if errors:
        raise ValidationError(errors)
    person = Person(code=code, full_name=candidate.full_name, birth_date=candidate.birth_date, gender=candidate.gender,
                    ethnicity=ethnicity, citizen_id=citizen_id, recruited_on=on_date)
    people_services.save_person(person, on_date=on_date, unit=unit, category=category, rank=rank,
                                job_position=job_position)
    candidate.person = person
    candidate.ethnicity = ethnicity
    candidate.recruited_on = on_date
    candidate.recruited_by = user
    candidate.save()
    return person
