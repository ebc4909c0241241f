"""Fostering history in the shape of the national CBCCVC database's fostering group (Decree 27/2026; docs/domain.md
§1 and docs/national-export.md): the field mapping shared by the export of one person (the API's
`fostering-history`) and the export of a whole unit (`dtbd export fostering`, its page and API job).

Four groups of records — political theory (LLCT), defence and security (QPAN), state management (QLNN: the
fostering by the standard of a civil servant's rank, of a public employee's professional title — the CDNN
certificate, hạng I–IV — and of a leadership post) and professional skills (CMNV: job-position, update and
briefing courses, languages, IT, other certificates). Records come from two places, never counted twice:
- completed enrolments (state COMPLETED) of classes run here: the programme, provider, form, country when abroad,
  class dates, tiết (sum of the sessions, else the programme's duration), the grade of the current result, the
  certificate number and date when one was issued, the class's funding source (source CLASS);
- qualifications of the staff record of the fostering types (imported or entered by hand, or granted by a class
  whose enrolment is not in this database), except those already created by a certificate of a listed enrolment.
Degree education (EDU) is not fostering and is left out.

`records_by_person(ids)` reads the records of a batch of people in three queries whatever their number; the unit
export streams people in batches through it (`stream_people`), so its memory does not grow with the unit."""
import datetime

from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from dtbd.core.models import Source
from dtbd.people.catalog import QualificationType, level_label
from dtbd.people.models import Qualification

from .models import Certificate, ClassSession, Enrollment, Program, Result

FORMAT = "cbccvc-fostering/1"

GROUPS = [
    ("LLCT", _("Lý luận chính trị")),
    ("QPAN", _("Quốc phòng và an ninh")),
    ("QLNN", _("Quản lý nhà nước, lãnh đạo quản lý")),
    ("CMNV", _("Chuyên môn, nghiệp vụ và kỹ năng")),
]
GROUP_ORDER = {code: i for i, (code, _label) in enumerate(GROUPS)}

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
    # The public employee's counterpart of the rank's QLNN certificate (docs/domain.md §7.5, docs/national-export.md).
    QualificationType.TITLE: "QLNN",
    QualificationType.LANGUAGE: "CMNV",
    QualificationType.IT: "CMNV",
    QualificationType.FOSTERING: "CMNV",
}
# A programme granting a title certificate (CDNN) is filed with the certificate whatever its content category (no
# programme category is the title's): a class record and the same certificate entered by hand land in one group.
GRANTS_GROUP = {QualificationType.TITLE: QUALIFICATION_GROUP[QualificationType.TITLE]}

# The fields of a record, in the order of the unit export's columns (keys stable: other tools read them), with
# their Vietnamese headings (.xlsx). docs/national-export.md maps each to the national database's field list.
RECORD_FIELDS = [
    ("group", _("Nhóm bồi dưỡng")),
    ("type", _("Loại bản ghi")),
    ("qualification_type", _("Loại văn bằng, chứng chỉ")),
    ("level", _("Mã trình độ")),
    ("level_label", _("Trình độ")),
    ("programme_code", _("Mã chương trình")),
    ("programme", _("Chương trình, chuyên ngành")),
    ("class_code", _("Mã lớp")),
    ("issuer", _("Cơ sở đào tạo, bồi dưỡng / nơi cấp")),
    ("form", _("Hình thức tổ chức")),
    ("abroad", _("Ở nước ngoài")),
    ("country", _("Quốc gia (khi ở nước ngoài)")),
    ("from_date", _("Từ ngày")),
    ("to_date", _("Đến ngày")),
    ("tiet", _("Số tiết")),
    ("result", _("Kết quả (xếp loại)")),
    ("certificate_no", _("Số hiệu chứng chỉ")),
    ("certificate_date", _("Ngày cấp chứng chỉ")),
    ("funding_source", _("Nguồn kinh phí")),
    ("source", _("Nguồn dữ liệu")),
]
PERSON_FIELDS = [
    ("code", _("Mã cán bộ")),
    ("full_name", _("Họ và tên")),
    ("citizen_id", _("Số định danh cá nhân (CCCD)")),
    ("birth_date", _("Ngày sinh")),
    ("gender", _("Giới tính")),
    ("unit_code", _("Mã đơn vị công tác")),
]


def _iso(day):
    return day.isoformat() if isinstance(day, datetime.date) else None


def _ids_in(queryset, column, ids):
    """`queryset` narrowed to rows whose `column` (of its own table) is one of `ids`. The ids are integers read from the
    database (cast again here), written into the SQL as a plain list: Django's `__in` lookup prepares each of a batch's
    thousands of values one by one, a fifth of the export's time."""
    table = queryset.model._meta.db_table
    listed = ",".join(str(int(i)) for i in ids) or "NULL"
    return queryset.extra(where=[f'"{table}"."{column}" IN ({listed})'])


class _Labels(dict):
    """Translated level labels, computed once per (type, level) in an export (each is a gettext call)."""

    def __missing__(self, key):
        qtype, level = key
        value = self[key] = str(level_label(qtype, level)) if qtype else None
        return value


def _class_records(ids, labels):
    tiet = Subquery(
        ClassSession.objects.filter(training_class=OuterRef("training_class")).values("training_class")
        .annotate(total=Sum("tiet")).values("total")[:1]
    )
    grade = Subquery(Result.objects.filter(enrollment=OuterRef("pk"), is_current=True).values("grade")[:1])
    enrolments = (
        _ids_in(Enrollment.objects.filter(state=Enrollment.State.COMPLETED), "person_id", ids)
        .annotate(session_tiet=tiet, grade=grade)
        .order_by("person_id", "training_class__starts_on", "id")
        .values_list(
            "pk", "person_id", "completed_on", "session_tiet", "grade",
            "training_class__code", "training_class__form", "training_class__abroad", "training_class__country",
            "training_class__starts_on", "training_class__ends_on", "training_class__funding_source",
            "training_class__provider__name",
            "training_class__program__code", "training_class__program__name", "training_class__program__category",
            "training_class__program__kind", "training_class__program__grants_type",
            "training_class__program__grants_level", "training_class__program__duration_tiet",
        )
    )
    enrolments = list(enrolments)
    certificates = {}
    for enrolment_id, number, issued_on, qualification_id in (
        _ids_in(Certificate.objects.filter(revoked_at__isnull=True), "enrollment_id", [e[0] for e in enrolments])
        .order_by("issued_on", "id").values_list("enrollment_id", "number", "issued_on", "qualification_id")
    ):
        certificates.setdefault(enrolment_id, (number, issued_on, qualification_id))
    records, used_qualifications = {}, set()
    for (pk, person_id, completed_on, session_tiet, grade, class_code, form, abroad, country, starts_on, ends_on,
         funding, provider, prog_code, prog_name, category, kind, grants_type, grants_level, duration) in enrolments:
        number, issued_on, qualification_id = certificates.get(pk, (None, None, None))
        if qualification_id:
            used_qualifications.add(qualification_id)
        records.setdefault(person_id, []).append({
            "group": GRANTS_GROUP.get(grants_type) or PROGRAM_GROUP.get(category, "CMNV"),
            "type": kind,
            "qualification_type": grants_type or None,
            "level": grants_level or None,
            "level_label": labels[grants_type or None, grants_level],
            "programme_code": prog_code,
            "programme": prog_name,
            "class_code": class_code,
            "issuer": provider,
            "form": form,
            "abroad": abroad,
            "country": country if abroad else None,
            "from_date": _iso(starts_on),
            "to_date": _iso(completed_on or ends_on),
            "tiet": session_tiet or duration,
            "result": grade or None,
            "certificate_no": number,
            "certificate_date": _iso(issued_on),
            "funding_source": funding or None,
            "source": Source.CLASS.value,
        })
    return records, used_qualifications


def _qualification_records(ids, records, skip_ids, labels):
    rows = (
        _ids_in(Qualification.objects.filter(type__in=list(QUALIFICATION_GROUP)), "person_id", ids)
        .order_by("person_id", "issued_on", "id")
        .values_list("pk", "person_id", "type", "level", "language", "major", "issuer", "issued_on", "hours",
                     "certificate_no", "source")
    )
    for pk, person_id, qtype, level, language, major, issuer, issued_on, hours, certificate_no, source in rows:
        if pk in skip_ids:
            continue
        label = labels[qtype, level]
        if qtype == QualificationType.LANGUAGE and language:
            label = f"{language} {label}".strip()
        records.setdefault(person_id, []).append({
            "group": QUALIFICATION_GROUP[qtype],
            "type": "QUALIFICATION",
            "qualification_type": qtype,
            "level": level,
            "level_label": label,
            "programme_code": None,
            "programme": major or None,
            "class_code": None,
            "issuer": issuer or None,
            "form": None,
            "abroad": None,
            "country": None,
            "from_date": None,
            "to_date": _iso(issued_on),
            "tiet": hours,
            "result": None,
            "certificate_no": certificate_no or None,
            "certificate_date": _iso(issued_on),
            "funding_source": None,
            "source": source,
        })


def _sort_key(record):
    return GROUP_ORDER[record["group"]], record["to_date"] or "", record["from_date"] or ""


def records_by_person(ids):
    """{person id: [record, …]} for the people `ids` (three queries), each person's records ordered by group
    (LLCT, QPAN, QLNN, CMNV) then by date; people without a record are absent."""
    ids = list(ids)
    labels = _Labels()
    records, used = _class_records(ids, labels)
    _qualification_records(ids, records, used, labels)
    for items in records.values():
        items.sort(key=_sort_key)
    return records


def grouped(records):
    """The records of one person as the per-person document's groups: [{group, label, total_tiet, records}]."""
    groups = []
    for code, label in GROUPS:
        items = [{k: v for k, v in r.items() if k != "group"} for r in records if r["group"] == code]
        groups.append({"group": code, "label": str(label), "total_tiet": sum(r["tiet"] or 0 for r in items),
                       "records": items})
    return groups
