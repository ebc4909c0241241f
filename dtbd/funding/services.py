"""Writes of postgraduate dispatch, commitments and reimbursement (docs/domain.md §14.2–14.3). Views and the
people leave hook call these; every change is a save() of one row (django-auditlog records each)."""
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from dtbd.core.models import Source
from dtbd.people.catalog import QualificationType
from dtbd.people.models import Qualification
from dtbd.standards.engine import rule_sets_on

from . import queries, reimbursement
from .models import AGENCY_SOURCES, Case, Dispatch, Payment, ReimbursementCase


# ------------------------------------------------------------------------------------------------ months
def months_served(start: datetime.date, end: datetime.date) -> int:
    """Whole months completed from `start` to `end` (a month not completed is not counted); 0 when end < start."""
    if end <= start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def study_months(start: datetime.date, returned: datetime.date) -> int:
    """The study period [start, returned) in months, a month begun counting whole (01/09/2023 → 01/09/2025: 24;
    → 15/09/2025: 25)."""
    months = months_served(start, returned)
    return months + (add_months(start, months) < returned)


def add_months(date: datetime.date, months: int) -> datetime.date:
    """`date` plus `months` months, the day kept or the month's last day (31/01 + 1 → 28/02 or 29/02)."""
    index = date.month - 1 + months
    year, month = date.year + index // 12, index % 12 + 1
    for day in (date.day, 30, 29, 28):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(date)


# ------------------------------------------------------------------------------------------------ dispatch
def rule_for(person, date):
    """(rule set id, PostgradRule or None) chosen for `person`'s category on `date`."""
    result = queries.eligibility(person, date)
    return (result.rule.rule_set_id if result.rule else rule_sets_on(date).get(result.category)), result


@transaction.atomic
def create_dispatch(dispatch: Dispatch, user, override_reason="", may_override=False) -> Dispatch:
    """Record a dispatch decision. The person is checked on the decision date (queries.eligibility): one who fails a
    condition, or whose category has no postgraduate conditions, is refused with the reasons, unless a province
    manager (`may_override`) records why they are sent all the same (kept with the conditions unmet)."""
    person, on = dispatch.person, dispatch.decision_date
    rule_set_id, result = rule_for(person, on)
    if result.rule is None:
        raise ValidationError(_("Chỉ cử cán bộ, công chức, viên chức đi đào tạo sau đại học (loại cán bộ tại ngày quyết "
                                "định không thuộc diện này)."))
    reasons = result.reasons()
    if not dispatch.field_matches_position:
        reasons.append(_("Chưa xác nhận chuyên ngành đào tạo phù hợp với vị trí việc làm."))
    override_reason = (override_reason or "").strip()
    if reasons and not (may_override and override_reason):
        hint = _(" Lãnh đạo quản lý cấp tỉnh có thể vẫn cử đi khi ghi rõ lý do.") if may_override else ""
        raise ValidationError(_("Không đủ điều kiện cử đi đào tạo sau đại học: %(reasons)s") % {
            "reasons": " ".join(reasons)} + hint)
    dispatch.rule_set_id = rule_set_id
    dispatch.commitment_multiple = result.rule.commitment_multiple
    dispatch.unmet = list(result.codes) + ([] if dispatch.field_matches_position else ["FIELD"])
    if reasons:
        dispatch.override_reason, dispatch.override_by = override_reason, user
    dispatch.created_by = user
    dispatch.full_clean(exclude=["person", "rule_set", "override_by", "created_by", "diploma"])
    dispatch.save()
    return dispatch


def agency_cost(dispatch) -> int:
    """F: what the agency paid (state budget or its own funds) for the course, in đồng (docs/domain.md §14.3)."""
    return dispatch.costs.filter(source__in=AGENCY_SOURCES).aggregate(s=Sum("amount"))["s"] or 0


def start_studying(dispatch):
    if dispatch.status != Dispatch.Status.DISPATCHED:
        raise ValidationError(_("Chỉ chuyển sang «đang học» từ «đã có quyết định cử đi»."))
    dispatch.status = Dispatch.Status.STUDYING
    dispatch.save(update_fields=["status"])
    return dispatch


@transaction.atomic
def record_graduation(dispatch, returned_on, *, issued_on=None, certificate_no="", issuer=""):
    """Graduated: the diploma becomes a people.Qualification (education, the course's level and field) and the
    commitment starts on `returned_on`: multiple × study months (docs/domain.md §14.3)."""
    if dispatch.status not in Dispatch.OPEN_STATUSES:
        raise ValidationError(_("Khoá học này đã kết thúc (%(status)s).") % {"status": dispatch.get_status_display()})
    if returned_on < dispatch.starts_on:
        raise ValidationError({"returned_on": _("Ngày trở lại công tác trước ngày bắt đầu học.")})
    issued_on = issued_on or returned_on
    if issued_on < dispatch.starts_on:
        raise ValidationError({"issued_on": _("Ngày cấp văn bằng trước ngày bắt đầu học.")})
    diploma = Qualification(person=dispatch.person, type=QualificationType.EDUCATION, level=dispatch.level,
                            major=dispatch.field, issuer=issuer or dispatch.institution, issued_on=issued_on,
                            certificate_no=certificate_no, source=Source.ENTERED)
    diploma.save()
    dispatch.diploma = diploma
    dispatch.status = Dispatch.Status.GRADUATED
    _set_return(dispatch, returned_on)
    dispatch.save()
    return dispatch


def _set_return(dispatch, returned_on):
    dispatch.returned_on = returned_on
    dispatch.commitment_months = dispatch.commitment_multiple * study_months(dispatch.starts_on, returned_on)
    dispatch.commitment_ends_on = add_months(returned_on, dispatch.commitment_months)


@transaction.atomic
def record_end_without_diploma(dispatch, status, on_date):
    """Dropped out (bỏ học) or finished without a diploma: the course ends on `on_date`, no commitment is owed and the
    whole cost is reimbursed (a case opened now, one per dispatch)."""
    if status not in (Dispatch.Status.DROPPED_OUT, Dispatch.Status.FAILED):
        raise ValidationError(_("Tình trạng không hợp lệ."))
    if dispatch.status not in Dispatch.OPEN_STATUSES:
        raise ValidationError(_("Khoá học này đã kết thúc (%(status)s).") % {"status": dispatch.get_status_display()})
    if on_date < dispatch.starts_on:
        raise ValidationError({"on_date": _("Ngày kết thúc trước ngày bắt đầu học.")})
    dispatch.status = status
    dispatch.returned_on = on_date
    dispatch.save()
    case = Case.DROPPED_OUT if status == Dispatch.Status.DROPPED_OUT else Case.NO_DIPLOMA
    return open_case(dispatch, on_date, case)


# ------------------------------------------------------------------------------------------------ reimbursement
def case_on_leaving(dispatch, left_on):
    """(case, T1, T2) when `dispatch`'s person leaves on `left_on` with something owed, else None: leaving during the
    course is a drop-out; after graduation, leaving before the commitment ends is unfinished service."""
    if dispatch.status in Dispatch.OPEN_STATUSES:
        return Case.DROPPED_OUT, 1, 0
    if dispatch.status == Dispatch.Status.GRADUATED and dispatch.commitment_ends_on and left_on < dispatch.commitment_ends_on:
        return Case.UNFINISHED, dispatch.commitment_months, months_served(dispatch.returned_on, left_on)
    return None


@transaction.atomic
def open_case(dispatch, on_date, case, commitment_months=None, served_months=0):
    """The reimbursement case of `dispatch` (created once: a second call returns the existing one)."""
    existing = ReimbursementCase.objects.filter(dispatch=dispatch).first()
    if existing is not None:
        return existing
    cost = agency_cost(dispatch)
    t1 = commitment_months or dispatch.commitment_months or 1
    t2 = min(served_months, t1)
    try:
        with transaction.atomic():
            return ReimbursementCase.objects.create(
                dispatch=dispatch, person=dispatch.person, opened_on=on_date, case=case, cost=cost,
                commitment_months=t1, served_months=t2, amount=reimbursement.amount(cost, t1, t2, case))
    except IntegrityError:  # opened concurrently
        return ReimbursementCase.objects.get(dispatch=dispatch)


def person_left(person, on_date, reason):
    """people.extensions.person_left: a person leaving opens a case for each dispatch whose course or commitment is
    unfinished on `on_date` (one per dispatch: leaving again opens nothing new)."""
    opened = []
    for dispatch in Dispatch.objects.filter(person=person).exclude(
            status__in=(Dispatch.Status.DROPPED_OUT, Dispatch.Status.FAILED)).order_by("pk"):
        owed = case_on_leaving(dispatch, on_date)
        if owed is not None:
            case, t1, t2 = owed
            opened.append(open_case(dispatch, on_date, case, t1, t2))
    return opened


@transaction.atomic
def decide_case(case_obj, *, case, decision_no, decision_date, amount_decided=None, exemption_reason=""):
    """The council's decision: the case (an exemption needs its reason), the decision and the amount owed (default:
    the formula's amount for the case decided)."""
    if case in reimbursement.EXEMPT and not (exemption_reason or "").strip():
        raise ValidationError({"exemption_reason": _("Ghi rõ lý do miễn đền bù.")})
    if not (decision_no or "").strip():
        raise ValidationError({"decision_no": _("Nhập số quyết định của Hội đồng.")})
    if case_obj.status in (ReimbursementCase.Status.PAID, ReimbursementCase.Status.CLOSED):
        raise ValidationError(_("Hồ sơ đã đóng."))
    case_obj.case = case
    case_obj.amount = reimbursement.amount(case_obj.cost, case_obj.commitment_months, case_obj.served_months, case)
    case_obj.council_decision_no = decision_no.strip()
    case_obj.council_decision_date = decision_date
    case_obj.amount_decided = case_obj.amount if amount_decided is None else amount_decided
    case_obj.exemption_reason = (exemption_reason or "").strip()
    case_obj.status = ReimbursementCase.Status.CLOSED if case_obj.amount_decided == 0 else ReimbursementCase.Status.DECIDED
    case_obj.save()
    return case_obj


def paid_total(case_obj) -> int:
    return case_obj.payments.aggregate(s=Sum("amount"))["s"] or 0


@transaction.atomic
def add_payment(case_obj, paid_on, amount, note=""):
    """A payment towards a decided case; the case is paid when the balance reaches 0. More than the balance is
    refused."""
    if case_obj.status != ReimbursementCase.Status.DECIDED:
        raise ValidationError(_("Chỉ ghi nhận khoản nộp khi hồ sơ đã có quyết định của Hội đồng và chưa nộp đủ."))
    if amount is None or amount <= 0:
        raise ValidationError({"amount": _("Số tiền nộp phải lớn hơn 0.")})
    balance = case_obj.amount_due - paid_total(case_obj)
    if amount > balance:
        raise ValidationError({"amount": _("Số tiền nộp lớn hơn số còn phải nộp (%(balance)s đồng).") % {
            "balance": f"{balance:,}".replace(",", ".")}})
    payment = Payment.objects.create(case=case_obj, paid_on=paid_on, amount=amount, note=note)
    if amount == balance:
        case_obj.status = ReimbursementCase.Status.PAID
        case_obj.save(update_fields=["status"])
    return payment
