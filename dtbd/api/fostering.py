"""Fostering history of one person in the shape of the national CBCCVC database's fostering group (Decree 27/2026;
docs/domain.md §1): one identifier per person (the citizen ID) and four groups of records — political theory (LLCT),
defence and security (QPAN), state management (QLNN, with leadership/management fostering) and professional skills
(CMNV: job-position, update and briefing courses, languages, IT, other certificates).

Records come from two places, never counted twice:
- completed enrolments (state COMPLETED) of classes run here: the programme, provider, class dates, tiết (sum of the
  sessions, else the programme's duration) and the certificate number when one was issued (source CLASS);
- qualifications of the staff record of the fostering types (imported or entered by hand, or granted by a class
  whose enrolment is not in this database), except those already created by a certificate of a listed enrolment.
Degree education (EDU) is not fostering and is left out. Four queries whatever the size of the history."""
import datetime

from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from dtbd.core.models import Source
from dtbd.people.catalog import QualificationType, level_label
from dtbd.people.masking import mask_citizen_id
from dtbd.training.models import Certificate, ClassSession, Enrollment, Program

FORMAT = "cbccvc-fostering/1"

GROUPS = [
    ("LLCT", _("Lý luận chính trị")),
    ("QPAN", _("Quốc phòng và an ninh")),
    ("QLNN", _("Quản lý nhà nước, lãnh đạo quản lý")),
    ("CMNV", _("Chuyên môn, nghiệp vụ và kỹ năng")),
]

PROGRAM_GROUP = {
    Program.Category.LLCT: "LLCT",
    Program.Category.QPAN: "QPAN",
    Program.Category.QLNN: "QLNN",
    Program.Category.LDQL: "QLNN",
}
QUALIFICATION_GROUP = {
    QualificationType.POLITICAL: "LLCT",
    QualificationType.DEFENCE: "QPAN",
    QualificationType.STATE_MGMT: "QLNN",
    QualificationType.LEADERSHIP: "QLNN",
    QualificationType.LANGUAGE: "CMNV",
    QualificationType.IT: "CMNV",
    QualificationType.FOSTERING: "CMNV",
}


def _iso(day):
    return day.isoformat() if isinstance(day, datetime.date) else None


def _class_records(person):
    tiet = Subquery(
        ClassSession.objects.filter(training_class=OuterRef("training_class")).values("training_class")
        .annotate(total=Sum("tiet")).values("total")[:1]
    )
    enrolments = (
        Enrollment.objects.filter(person=person, state=Enrollment.State.COMPLETED)
        .select_related("training_class__program", "training_class__provider")
        .annotate(session_tiet=tiet)
        .order_by("training_class__starts_on", "id")
    )
    certificates = {}
    for cert in Certificate.objects.filter(enrollment__person=person, revoked_at__isnull=True).order_by("issued_on", "id"):
        certificates.setdefault(cert.enrollment_id, cert)
    records, used_qualifications = [], set()
    for enr in enrolments:
        cls, program = enr.training_class, enr.training_class.program
        cert = certificates.get(enr.pk)
        if cert and cert.qualification_id:
            used_qualifications.add(cert.qualification_id)
        records.append((PROGRAM_GROUP.get(program.category, "CMNV"), {
            "type": program.kind,
            "qualification_type": program.grants_type or None,
            "level": program.grants_level or None,
            "level_label": str(level_label(program.grants_type, program.grants_level)) if program.grants_type else None,
            "programme_code": program.code,
            "programme": program.name,
            "class_code": cls.code,
            "issuer": cls.provider.name,
            "form": cls.form,
            "abroad": cls.abroad,
            "from_date": _iso(cls.starts_on),
            "to_date": _iso(enr.completed_on or cls.ends_on),
            "tiet": enr.session_tiet or program.duration_tiet,
            "certificate_no": cert.number if cert else None,
            "certificate_date": _iso(cert.issued_on) if cert else None,
            "source": Source.CLASS.value,
        }))
    return records, used_qualifications


def _qualification_records(person, skip_ids):
    records = []
    qs = person.qualifications.filter(type__in=list(QUALIFICATION_GROUP)).order_by("issued_on", "id")
    for q in qs:
        if q.pk in skip_ids:
            continue
        records.append((QUALIFICATION_GROUP[q.type], {
            "type": "QUALIFICATION",
            "qualification_type": q.type,
            "level": q.level,
            "level_label": str(q.level_label),
            "programme_code": None,
            "programme": q.major or None,
            "class_code": None,
            "issuer": q.issuer or None,
            "form": None,
            "abroad": None,
            "from_date": None,
            "to_date": _iso(q.issued_on),
            "tiet": q.hours,
            "certificate_no": q.certificate_no or None,
            "certificate_date": _iso(q.issued_on),
            "source": q.source,
        }))
    return records


def fostering_history(person, *, show_citizen_id, today=None):
    """The export document of `person` (a dict, JSON-ready). `show_citizen_id` False masks the identifier as the
    web export does for read-only roles."""
    class_records, used = _class_records(person)
    records = class_records + _qualification_records(person, used)
    groups = []
    for code, label in GROUPS:
        items = [r for g, r in records if g == code]
        items.sort(key=lambda r: (r["to_date"] or "", r["from_date"] or ""))
        groups.append({"group": code, "label": str(label), "total_tiet": sum(r["tiet"] or 0 for r in items),
                       "records": items})
    citizen_id = person.citizen_id or None
    if citizen_id and not show_citizen_id:
        citizen_id = mask_citizen_id(citizen_id)
    return {
        "format": FORMAT,
        "generated_on": _iso(today or datetime.date.today()),
        "person": {
            "citizen_id": citizen_id,
            "code": person.code,
            "full_name": person.full_name,
            "birth_date": _iso(person.birth_date),
            "gender": person.gender,
        },
        "groups": groups,
    }
