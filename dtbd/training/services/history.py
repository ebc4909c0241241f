"""Training of the past, recorded from a province's earlier records (the dated history import, docs/domain.md §15.6).

A past course is kept as the system keeps its own: a class (marked `imported_history`, status CLOSED), the person's
enrolment COMPLETED on the class's last day, the qualification with the course's tiết (what the standards engine
credits to the year it was issued: dtbd.standards.engine.credited_hours) and, when the old records give its number,
the certificate. The certificate is recorded as it was issued then (`record_past_certificate`): its number is the
one printed on it, not one this system gives (certificates.issue), and it gets a verification code like any other.
"""
import hashlib

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dtbd.core.models import Source
from dtbd.people.catalog import QualificationType
from dtbd.people.models import Qualification

from ..models import Certificate, Enrollment, Program, Provider, TrainingClass
from .certificates import _add_years, _next_serial, new_code

CODE_MAX = 40  # TrainingClass.code


def history_class_code(program, provider, starts_on, ends_on, name=""):
    """The code given to a past class the records do not number: the same course (programme, provider, dates,
    name) always gets the same code, so its learners share one class."""
    digest = hashlib.sha1(f"{program.code}|{provider.code}|{starts_on}|{ends_on}|{name}".encode()).hexdigest()[:10]
    return f"LS-{starts_on:%Y%m%d}-{digest}".upper()[:CODE_MAX]


def class_code_problem(code, program, provider, starts_on, ends_on):
    """Why a past class cannot be recorded under `code` (a message), or None: a class of this system (not of the
    history) has that code, or a past class of that code is another course."""
    found = TrainingClass.objects.filter(code=code).values_list(
        "imported_history", "program_id", "provider_id", "starts_on", "ends_on").first()
    if found is None:
        return None
    history, program_id, provider_id, starts, ends = found
    if not history:
        return _("Mã lớp %(code)s là một lớp đang quản lý trên hệ thống, không phải lớp nhập từ lịch sử.") % {"code": code}
    if (program_id, provider_id, starts, ends) != (program.pk, provider.pk, starts_on, ends_on):
        return _("Lớp %(code)s đã nhập trước đây với chương trình, cơ sở hoặc thời gian khác.") % {"code": code}
    return None


def certificate_problem(number, person, code):
    """Why certificate `number` cannot be recorded for `person` in class `code`, or None (recorded already for the
    same person and class: nothing to do)."""
    found = Certificate.objects.filter(number=number).values_list(
        "enrollment__person_id", "enrollment__training_class__code").first()
    if found is None or found == (person.pk, code):
        return None
    return _("Số chứng chỉ %(number)s đã được cấp cho người khác hoặc lớp khác.") % {"number": number}


def history_class(*, code, name, program, provider, starts_on, ends_on):
    """The past class `code` (created, marked imported_history, when new)."""
    training_class = TrainingClass.objects.filter(code=code).first()
    if training_class is None:
        training_class = TrainingClass.objects.create(
            code=code, name=name or program.name, program=program, provider=provider, starts_on=starts_on,
            ends_on=ends_on, capacity=1, status=TrainingClass.Status.CLOSED, imported_history=True,
            registration_opens=None, registration_closes=None,
        )
    return training_class


def record_past_certificate(enrollment, *, number, issued_on, qualification):
    """A certificate issued before the system kept them, recorded as it was: the number printed on it, its day,
    the qualification of the staff record it stands behind; a serial of its provider and year as any certificate
    (taken under the provider's row lock, like certificates.issue) and a verification code."""
    existing = Certificate.objects.filter(number=number).first()
    if existing is not None:
        return existing
    provider = Provider.objects.select_for_update().get(pk=enrollment.training_class.provider_id)
    year = issued_on.year
    return Certificate.objects.create(
        enrollment=enrollment, provider=provider, year=year, serial=_next_serial(provider, year), number=number,
        code=new_code(), kind=Certificate.Kind.CERTIFICATE, issued_on=issued_on, qualification=qualification,
    )


@transaction.atomic
def record_past_training(person, *, program, provider, starts_on, ends_on, tiet=None, code="", name="",
                         certificate_no="", certificate_on=None, user=None):
    """Record that `person` completed a course of `program` at `provider` from `starts_on` to `ends_on` (tiết:
    the course's number of periods, default the programme's duration). Creates or reuses the past class, the
    completed enrolment, the qualification issued on `certificate_on` (default the last day) with the tiết, and the
    certificate when its number is given. Recording the same course twice changes nothing. Returns the enrolment."""
    code = code or history_class_code(program, provider, starts_on, ends_on, name)
    training_class = history_class(code=code, name=name, program=program, provider=provider, starts_on=starts_on,
                                   ends_on=ends_on)
    enrollment = Enrollment.objects.filter(training_class=training_class, person=person).first()
    if enrollment is not None:
        return enrollment
    enrollment = Enrollment.objects.create(
        training_class=training_class, person=person, source=Enrollment.Source.NOMINATED,
        state=Enrollment.State.COMPLETED, completed_on=ends_on, requested_by=user,
        reason=_("Nhập từ dữ liệu lịch sử."),
    )
    TrainingClass.objects.filter(pk=training_class.pk, capacity__lt=training_class.enrollments.count()).update(
        capacity=F("capacity") + 1)
    issued_on = certificate_on or ends_on
    qtype = program.grants_type or QualificationType.FOSTERING
    qualification = Qualification(
        person=person, type=qtype, level=program.grants_level if program.grants_type else "GCN",
        major=program.name if qtype == QualificationType.FOSTERING else "", issuer=provider.name,
        issued_on=issued_on, certificate_no=certificate_no,
        valid_until=_add_years(issued_on, program.validity_years) if program.validity_years else None,
        hours=None if program.kind == Program.Kind.DEGREE else (tiet or program.duration_tiet),
        source=Source.IMPORTED,
    )
    qualification.save()
    if certificate_no:
        record_past_certificate(enrollment, number=certificate_no, issued_on=issued_on, qualification=qualification)
    return enrollment
