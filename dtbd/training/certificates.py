"""Certificates (chứng chỉ, giấy chứng nhận) of completed enrolments.

`issue()` is the one way a completed class reaches the staff record: it numbers the certificate (unique per provider
and year: CODE-YYYY-NNNNN, serial taken under a lock on the provider row), creates the Qualification (source CLASS)
with the class's tiết — which is what the standards engine reads for the annual-hours check and the requirements
(dtbd.standards.engine.credited_hours) — and gives the certificate an unguessable code for /verify/<code>/.
"""
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.models import Source
from dtbd.people.catalog import QualificationType
from dtbd.people.models import Qualification

from .models import Certificate, Enrollment, Program, Provider


def class_tiet(training_class):
    """Tiết of a class: the sum of its sessions, or the programme's duration when no sessions were entered."""
    total = training_class.sessions.aggregate(total=Sum("tiet"))["total"]
    return total or training_class.program.duration_tiet


def new_code():
    return secrets.token_urlsafe(12)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


def issue(enrollment, issued_on=None, user=None):
    """Issue the certificate of a COMPLETED enrolment (once: an existing valid certificate is returned as it is)."""
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().select_related(
            "training_class__program", "training_class__provider", "person"
        ).get(pk=enrollment.pk)
        if enrollment.state != Enrollment.State.COMPLETED:
            raise ValidationError(
                _("%(name)s chưa hoàn thành lớp %(code)s, không thể cấp chứng chỉ.")
                % {"name": enrollment.person.full_name, "code": enrollment.training_class.code}
            )
        existing = Certificate.objects.filter(
            enrollment=enrollment, kind=Certificate.Kind.CERTIFICATE, revoked_at__isnull=True
        ).first()
        if existing:
            return existing
        cls = enrollment.training_class
        program = cls.program
        provider = Provider.objects.select_for_update().get(pk=cls.provider_id)
        year = issued_on.year
        serial = (Certificate.objects.filter(provider=provider, year=year).aggregate(m=Max("serial"))["m"] or 0) + 1
        number = f"{provider.code}-{year}-{serial:05d}"

        qtype = program.grants_type or QualificationType.FOSTERING
        level = program.grants_level if program.grants_type else "GCN"
        qualification = Qualification(
            person=enrollment.person, type=qtype, level=level,
            major=program.name if qtype == QualificationType.FOSTERING else "",
            issuer=provider.name, issued_on=issued_on, certificate_no=number,
            valid_until=_add_years(issued_on, program.validity_years) if program.validity_years else None,
            hours=None if program.kind == Program.Kind.DEGREE else class_tiet(cls),
            source=Source.CLASS,
        )
        qualification.save()
        return Certificate.objects.create(
            enrollment=enrollment, provider=provider, year=year, serial=serial, number=number, code=new_code(),
            kind=Certificate.Kind.CERTIFICATE, issued_on=issued_on, qualification=qualification,
        )


def revoke(certificate, reason, user=None):
    """Revoke a certificate (e.g. a corrected result is a fail): the qualification it created leaves the staff record
    (the deletion is audited), so the review and the annual hours no longer count it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Cần ghi lý do thu hồi chứng chỉ.")})
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_at:
            return cert
        qualification = cert.qualification
        cert.revoked_at, cert.revoked_reason, cert.qualification = timezone.now(), reason, None
        cert.save(update_fields=["revoked_at", "revoked_reason", "qualification"])
        if qualification is not None:
            qualification.delete()
    return cert
