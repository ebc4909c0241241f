"""Certificates (chứng chỉ, giấy chứng nhận) of completed enrolments.

`issue()` is the one way a completed class reaches the staff record: it numbers the certificate (unique per provider
and year: CODE-YYYY-NNNNN, serial taken under a lock on the provider row), creates the Qualification (source CLASS)
with the class's tiết — which is what the standards engine reads for the annual-hours check and the requirements
(dtbd.standards.engine.credited_hours) — and gives the certificate an unguessable code for /verify/<code>/.
"""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.models import Source
from dtbd.core.officialdoc import document_date
from dtbd.core.text import fold
from dtbd.notices.models import Notice
from dtbd.org.queries import document_place, header_units
from dtbd.notices.services import notify_person
from dtbd.people.catalog import QualificationType
from dtbd.people.models import Qualification

from ..models import Certificate, Enrollment, IssuingDecision, Program, Provider, Result


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


def _next_serial(provider, year):
    """The next serial of `provider` in `year` (call with the provider row locked)."""
    return (Certificate.objects.filter(provider=provider, year=year).aggregate(m=Max("serial"))["m"] or 0) + 1


def issue(enrollment, issued_on=None, user=None, decision=None):
    """Issue the certificate of a COMPLETED enrolment (once: an existing valid certificate is returned as it is), under
    the issuing decision when given (`confirm_decision`)."""
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
        serial = _next_serial(provider, year)
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
            kind=Certificate.Kind.CERTIFICATE, issued_on=issued_on, qualification=qualification, decision=decision,
        )


# -- issuing decisions -------------------------------------------------------------------------------------------------
def pending_enrollments(training_class):
    """The completed enrolments of the class that have no valid certificate yet (those of the next decision)."""
    return (
        Enrollment.objects.filter(training_class=training_class, state=Enrollment.State.COMPLETED)
        .exclude(pk__in=Certificate.objects.filter(
            enrollment__training_class=training_class, kind=Certificate.Kind.CERTIFICATE, revoked_at__isnull=True,
        ).values("enrollment_id"))
        .select_related("person")
        .order_by("person__name_sort", "person__code")
    )


def open_draft(training_class, user=None):
    """The class's draft issuing decision, opened when completed learners wait for their certificate (after the lock
    of the results, or a correction that completes); None when nobody waits. One draft at a time per class."""
    if not pending_enrollments(training_class).exists():
        return None
    with transaction.atomic():
        draft = IssuingDecision.objects.select_for_update().filter(
            training_class=training_class, status=IssuingDecision.Status.DRAFT
        ).first()
        if draft is None:
            draft = IssuingDecision.objects.create(training_class=training_class, created_by=user)
    return draft


def confirm_decision(decision, number, decided_on, signer_name, signer_position, authority="", user=None):
    """Confirm a draft issuing decision: record its number, date and signer and issue the certificates of every
    learner still waiting, dated on the decision, each learner told. Returns the certificates issued."""
    number, signer_name = (number or "").strip(), (signer_name or "").strip()
    signer_position, authority = (signer_position or "").strip(), (authority or "").strip()
    errors = {}
    if not number:
        errors["number"] = [_("Cần ghi số quyết định.")]
    if not signer_name:
        errors["signer_name"] = [_("Cần ghi họ và tên người ký.")]
    if not signer_position:
        errors["signer_position"] = [_("Cần ghi chức vụ người ký.")]
    cls = decision.training_class
    if decided_on is None:
        errors["decided_on"] = [_("Cần ghi ngày quyết định.")]
    elif decided_on > timezone.localdate():
        errors["decided_on"] = [_("Ngày quyết định không được sau hôm nay.")]
    elif decided_on < cls.starts_on:
        errors["decided_on"] = [_("Ngày quyết định không được trước ngày khai giảng lớp (%(day)s).") % {
            "day": f"{cls.starts_on:%d/%m/%Y}"}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = IssuingDecision.objects.select_for_update().get(pk=decision.pk)
        if row.status != IssuingDecision.Status.DRAFT:
            raise ValidationError(_("Quyết định %(number)s đã được ban hành trước đó.") % {"number": row.number})
        waiting = list(pending_enrollments(cls))
        if not waiting:
            raise ValidationError(_("Không còn học viên nào chờ cấp chứng chỉ của lớp %(code)s.") % {"code": cls.code})
        row.number, row.decided_on, row.signer_name = number, decided_on, signer_name
        row.signer_position, row.authority = signer_position, authority
        row.status, row.confirmed_at, row.confirmed_by = IssuingDecision.Status.CONFIRMED, timezone.now(), user
        row.save()
        issued = [issue(enrollment, issued_on=decided_on, user=user, decision=row) for enrollment in waiting]
        for cert, enrollment in zip(issued, waiting):
            notify_person(enrollment.person, Notice.Kind.RESULTS,
                          _("Đã cấp chứng chỉ lớp %(code)s") % {"code": cls.code},
                          _("Chứng chỉ số %(cert)s được cấp theo Quyết định số %(number)s ngày %(day)s.") % {
                              "cert": cert.number, "number": number, "day": f"{decided_on:%d/%m/%Y}"},
                          _portal_url())
    decision.refresh_from_db()
    return issued


def _portal_url():
    try:
        return reverse("training:portal")
    except NoReverseMatch:
        return ""


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
        if cert.kind == Certificate.Kind.CERTIFICATE:
            # A confirmation that replaced this certificate (lost) confirms nothing any more (saved one by one, so
            # django-auditlog records it).
            for confirmation in Certificate.objects.select_for_update().filter(
                enrollment_id=cert.enrollment_id, kind=Certificate.Kind.CONFIRMATION, revoked_at__isnull=True
            ):
                confirmation.revoked_at, confirmation.revoked_reason = cert.revoked_at, reason
                confirmation.qualification = None
                confirmation.save(update_fields=["revoked_at", "revoked_reason", "qualification"])
    return cert


def replace_lost(certificate, user=None, issued_on=None):
    """A lost certificate is replaced by a confirmation of completion (giấy xác nhận hoàn thành, kind CONF) with its own
    number (CODE-YYYY-XNNNNNN, same serial sequence as the provider's certificates) and its own verification code; the
    certificate itself is not re-issued and stays valid. Once per certificate: an existing valid confirmation of the
    enrolment is returned as it is. The staff record keeps the one qualification the certificate created."""
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        cert = Certificate.objects.select_for_update().select_related("enrollment").get(pk=certificate.pk)
        if cert.kind != Certificate.Kind.CERTIFICATE:
            raise ValidationError(_("%(number)s đã là giấy xác nhận, không cấp thay được.") % {"number": cert.number})
        if cert.revoked_at:
            raise ValidationError(
                _("Chứng chỉ %(number)s đã bị thu hồi, không cấp giấy xác nhận thay thế.") % {"number": cert.number}
            )
        existing = Certificate.objects.filter(
            enrollment_id=cert.enrollment_id, kind=Certificate.Kind.CONFIRMATION, revoked_at__isnull=True
        ).first()
        if existing:
            return existing
        provider = Provider.objects.select_for_update().get(pk=cert.provider_id)
        year = issued_on.year
        serial = _next_serial(provider, year)
        return Certificate.objects.create(
            enrollment_id=cert.enrollment_id, provider=provider, year=year, serial=serial,
            number=f"{provider.code}-{year}-XN{serial:05d}", code=new_code(), kind=Certificate.Kind.CONFIRMATION,
            issued_on=issued_on, qualification=cert.qualification,
        )


# -- the printed document --------------------------------------------------------------------------------------------
def document_title(certificate):
    """The heading of the printed document: a confirmation of completion for kind CONF; otherwise CHỨNG CHỈ for
    degree and fostering programmes that grant a qualification, GIẤY CHỨNG NHẬN for short courses and briefings (the
    fostering type BD)."""
    if certificate.kind == Certificate.Kind.CONFIRMATION:
        return _("GIẤY XÁC NHẬN HOÀN THÀNH KHOÁ HỌC")
    program = certificate.enrollment.training_class.program
    if program.kind != Program.Kind.BRIEFING and program.grants_type and program.grants_type != QualificationType.FOSTERING:
        return _("CHỨNG CHỈ")
    return _("GIẤY CHỨNG NHẬN")


def _verification_qs():
    return Certificate.objects.select_related("provider", "enrollment__person", "enrollment__training_class__program")


def by_token(code):
    """The certificate of a QR token (the unguessable code printed as a QR), or None."""
    return _verification_qs().filter(code=code).first() if code else None


def by_number(number):
    """The certificate of a printed number (CODE-YYYY-NNNNN, any case, spaces around ignored), or None. Numbers follow
    each other: the public page shows only what is not personal for a number alone (`verification_facts`)."""
    number = (number or "").strip().upper()
    return _verification_qs().filter(number=number).first() if number else None


def find_for_verification(number, full_name="", birth_date=None):
    """The certificate of `number` when its holder's full name (tone marks and case ignored) or birth date is also
    given and matches; None otherwise — a name or a birth date alone finds nothing, and a wrong pair does not say
    whether the number exists."""
    cert = by_number(number)
    if cert is None or not (full_name or birth_date):
        return None
    person = cert.enrollment.person
    name_ok = bool(full_name) and fold(full_name) == fold(person.full_name)
    birth_ok = birth_date is not None and birth_date == person.birth_date
    return cert if name_ok or birth_ok else None


def verification_facts(cert, with_holder):
    """What the public verification page shows: the document, its issuer and status; the holder's name and the
    class's dates only when `with_holder` (found by the QR token, or by the number with the holder's name or birth
    date)."""
    cls = cert.enrollment.training_class
    facts = {
        "title": document_title(cert),
        "number": cert.number,
        "programme": cls.program.name,
        "issued_on": cert.issued_on,
        "issuer": cert.provider.name,
        "revoked": cert.revoked_at is not None,
        "revoked_at": cert.revoked_at,
        "with_holder": with_holder,
    }
    if with_holder:
        facts.update(name=cert.enrollment.person.full_name, starts_on=cls.starts_on, ends_on=cls.ends_on)
    return facts


def verify_path(certificate):
    return reverse("public:verify", args=[certificate.code])


def verify_url(certificate):
    return settings.SITE_URL.rstrip("/") + verify_path(certificate)


def qr_data_uri(text):
    """A QR code of `text` as an SVG data URI (segno), for an <img> of the printed document."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=2)


def document_context(certificate):
    """Everything the printed document shows (certificate with enrolment, class, programme, provider, person loaded)."""
    cert = (
        Certificate.objects.select_related(
            "provider__unit", "enrollment__person", "enrollment__training_class__program",
            "enrollment__training_class__provider", "decision",
        ).get(pk=certificate.pk)
    )
    cls = cert.enrollment.training_class
    governing, root = header_units(cert.provider.unit)
    result = Result.objects.filter(enrollment_id=cert.enrollment_id, is_current=True).first()
    url = verify_url(cert)
    return {
        "cert": cert,
        "title": document_title(cert),
        "person": cert.enrollment.person,
        "training_class": cls,
        "program": cls.program,
        "tiet": class_tiet(cls),
        "result": result,
        "verify_url": url,
        "qr": qr_data_uri(url),
        # The header: the institution's governing body over its full name; the place is the province's (Decree
        # 30/2020/NĐ-CP: địa danh), not the classroom's.
        "governing": governing.name if governing is not None else "",
        "decision": cert.decision,
        "place_date": document_date(document_place(root), cert.issued_on),
    }


def document_html(certificate):
    """The HTML of the printed document (template training/certificate_pdf.html)."""
    return render_to_string("training/certificate_pdf.html", document_context(certificate))


def document_pdf(certificate):
    """The certificate as PDF bytes (WeasyPrint, A4 landscape). Revoked certificates are not printed."""
    if certificate.revoked_at:
        raise ValidationError(_("Chứng chỉ %(number)s đã bị thu hồi.") % {"number": certificate.number})
    import weasyprint  # heavy: imported only when a PDF is made

    return weasyprint.HTML(string=document_html(certificate)).write_pdf()
