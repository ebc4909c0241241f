"""The official documents of a class, written from the class and its enrolled people (Decree 30/2020/NĐ-CP layout,
dtbd.core.officialdoc), as Word for the office to edit before signing and as PDF:

- the summons letter (giấy triệu tập) of the institution running the class: every learner placed in the class
  (ENROLLED, or COMPLETED / FAILED once the results are in);
- the dispatch decision (quyết định cử đi học) of the body sending its people: the learners placed in the class whom
  the user manages (a unit officer: the people of their subtree; the province: everyone), issued in the name of the
  user's unit (the province's root unit for a province-wide user).

The number, date and signer are entered by the officer; the preparer's full name goes into the archive line."""
import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import scope_of
from dtbd.core import officialdoc
from dtbd.org.models import Unit
from dtbd.org.queries import document_place, header_units
from dtbd.people.models import PostAssignment

from ..models import Enrollment, Result
from ..permissions import can_run_class
from .certificates import pending_enrollments
from .results import LEARNER_STATES, unit_name_subquery

SUMMONS = "summons"
DISPATCH = "dispatch"
KINDS = {SUMMONS: ("GTT", "giay-trieu-tap"), DISPATCH: ("QĐ", "quyet-dinh-cu-di-hoc")}


class DocumentRefused(Exception):
    """The user may not write this document for this class; the message says why (in Vietnamese)."""


@dataclass
class Signing:
    number: str
    issued_on: datetime.date
    signer_name: str
    signer_position: str
    authority: str = ""  # "KT. GIÁM ĐỐC" when a deputy signs
    prepared_by: str = ""


def _people(cls, enrollments):
    post = PostAssignment.objects.filter(person=OuterRef("person"), valid_to__isnull=True).order_by("-valid_from")
    return list(
        enrollments.filter(training_class=cls, state__in=LEARNER_STATES)
        .select_related("person")
        .annotate(unit_name=unit_name_subquery(), post_title=Subquery(post.values("title")[:1]))
        .order_by("person__name_sort", "person__code")
    )


def _people_table(rows):
    return officialdoc.Table(
        [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Chức vụ, chức danh"), _("Cơ quan, đơn vị")],
        [[str(i), e.person.full_name, f"{e.person.birth_date:%d/%m/%Y}", e.post_title or "", e.unit_name or ""]
         for i, e in enumerate(rows, 1)],
        title=_("DANH SÁCH HỌC VIÊN"), numeric=frozenset({0}),
    )


def _when_where(cls):
    text = _("Thời gian: từ ngày %(start)s đến ngày %(end)s.") % {
        "start": f"{cls.starts_on:%d/%m/%Y}", "end": f"{cls.ends_on:%d/%m/%Y}"}
    lines = [text, _("Hình thức tổ chức: %(form)s.") % {"form": cls.get_form_display()}]
    if cls.place:
        lines.append(_("Địa điểm: %(place)s.") % {"place": cls.place})
    return lines


def _signature(signing):
    return officialdoc.Signature(signing.signer_position, name=signing.signer_name, authority=signing.authority)


def _archive(abbr_source, signing):
    abbr = officialdoc.abbreviation(abbr_source)
    archive = _("Lưu: VT, %(abbr)s.") % {"abbr": abbr} if abbr else _("Lưu: VT.")
    if signing.prepared_by:
        archive = f"{archive[:-1]} ({signing.prepared_by})."
    return archive


def summons(user, cls, signing) -> tuple[officialdoc.OfficialDocument, int]:
    """The summons letter of `cls` and the number of people on it. Only those who run the class write it."""
    if not can_run_class(user, cls):
        raise DocumentRefused(_("Chỉ cơ sở tổ chức lớp và cán bộ quản lý được lập giấy triệu tập của lớp này."))
    rows = _people(cls, Enrollment.objects.all())
    provider_unit = cls.provider.unit
    governing, root = header_units(provider_unit)
    issuer = cls.provider.name
    body = [
        officialdoc.Paragraph(
            _("%(provider)s trân trọng triệu tập các ông (bà) có tên trong danh sách dưới đây tham dự lớp %(name)s "
              "(mã lớp %(code)s), chương trình %(program)s.") % {
                "provider": issuer, "name": cls.name, "code": cls.code, "program": cls.program.name}),
        *[officialdoc.Paragraph(line) for line in _when_where(cls)],
        officialdoc.Paragraph(
            _("Đề nghị cơ quan, đơn vị quản lý cán bộ, công chức, viên chức tạo điều kiện để các ông (bà) có tên "
              "tham dự đầy đủ thời gian của lớp học; học viên có mặt đúng thời gian, địa điểm nêu trên.")),
        _people_table(rows),
    ]
    document = officialdoc.OfficialDocument(
        governing=governing.name if governing else "", issuer=issuer,
        number=officialdoc.number_line(signing.number, KINDS[SUMMONS][0], issuer),
        place_date=officialdoc.document_date(document_place(root), signing.issued_on),
        kind=_("GIẤY TRIỆU TẬP"), subject=_("Học viên tham dự lớp %(name)s") % {"name": cls.name},
        blocks=body,
        recipients=[_("Như danh sách trên"), _("Các cơ quan, đơn vị có học viên")],
        archive=_archive(issuer, signing), signatures=[_signature(signing)],
        file_title=_("Giấy triệu tập lớp %(code)s") % {"code": cls.code},
    )
    return document, len(rows)


def dispatching_unit(user):
    """The body in whose name the user sends people to study: their scope unit, the root unit for a province-wide
    user; None for a user without a unit (a learner)."""
    scope = scope_of(user)
    if scope.everything:
        return Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if scope.unit_path and user.scope_unit_id:
        return user.scope_unit
    return None


def dispatch_decision(user, cls, signing) -> tuple[officialdoc.OfficialDocument, int]:
    """The dispatch decision for the people of `cls` the user manages, and their number."""
    scope = scope_of(user)
    unit = dispatching_unit(user)
    if unit is None or not (scope.is_manager or scope.is_unit_officer):
        raise DocumentRefused(_("Chỉ cán bộ quản lý của tỉnh hoặc của đơn vị được lập quyết định cử đi học."))
    rows = _people(cls, Enrollment.objects.restrict(user))
    if not rows:
        raise DocumentRefused(_("Lớp chưa có học viên nào thuộc đơn vị của bạn được xếp lớp: chưa lập được quyết định."))
    governing, root = header_units(unit)
    period = _("từ ngày %(start)s đến ngày %(end)s") % {"start": f"{cls.starts_on:%d/%m/%Y}", "end": f"{cls.ends_on:%d/%m/%Y}"}
    body = [
        officialdoc.Paragraph(_("Căn cứ Nghị định số 171/2025/NĐ-CP của Chính phủ quy định về đào tạo, bồi dưỡng công chức; "
                                "Nghị định số 101/2017/NĐ-CP của Chính phủ về đào tạo, bồi dưỡng cán bộ, công chức, viên "
                                "chức, được sửa đổi, bổ sung bởi Nghị định số 89/2021/NĐ-CP;"), italic=True),
        officialdoc.Paragraph(_("Căn cứ kế hoạch mở lớp %(name)s của %(provider)s;") % {
            "name": cls.name, "provider": cls.provider.name}, italic=True),
        officialdoc.Paragraph(_("Xét đề nghị của bộ phận phụ trách công tác tổ chức cán bộ,"), italic=True),
        officialdoc.Paragraph(_("QUYẾT ĐỊNH:"), bold=True, centre=True),
        officialdoc.Paragraph(
            _("Điều 1. Cử %(count)s cán bộ, công chức, viên chức có tên trong danh sách kèm theo tham dự lớp %(name)s "
              "(mã lớp %(code)s, chương trình %(program)s) do %(provider)s tổ chức, %(period)s, hình thức %(form)s%(place)s.")
            % {"count": len(rows), "name": cls.name, "code": cls.code, "program": cls.program.name,
               "provider": cls.provider.name, "period": period, "form": cls.get_form_display().lower(),
               "place": _(", tại %(place)s") % {"place": cls.place} if cls.place else ""}),
        officialdoc.Paragraph(
            _("Điều 2. Người được cử đi học có trách nhiệm tham gia học tập đầy đủ, chấp hành nội quy, quy chế của cơ sở "
              "đào tạo, bồi dưỡng và báo cáo kết quả học tập với cơ quan, đơn vị sau khi kết thúc khóa học. Kinh phí "
              "thực hiện theo quy định hiện hành.")),
        officialdoc.Paragraph(
            _("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Bộ phận phụ trách công tác tổ chức cán bộ, các cơ quan, "
              "đơn vị có liên quan và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")),
        _people_table(rows),
    ]
    document = officialdoc.OfficialDocument(
        governing=governing.name if governing else "", issuer=unit.name,
        number=officialdoc.number_line(signing.number, KINDS[DISPATCH][0], unit.name),
        place_date=officialdoc.document_date(document_place(root), signing.issued_on),
        kind=_("QUYẾT ĐỊNH"),
        subject=_("Về việc cử cán bộ, công chức, viên chức tham dự lớp %(name)s") % {"name": cls.name},
        blocks=body,
        recipients=[_("Như Điều 3"), cls.provider.name],
        archive=_archive(unit.name, signing), signatures=[_signature(signing)],
        file_title=_("Quyết định cử đi học lớp %(code)s") % {"code": cls.code},
    )
    return document, len(rows)


def kinds_for(user, cls):
    """The documents `user` may write for `cls`: the summons for those who run it, the dispatch decision for the
    province and for unit officers with people of their own placed in the class."""
    kinds = []
    if can_run_class(user, cls):
        kinds.append(SUMMONS)
    scope = scope_of(user)
    if (scope.is_manager or scope.is_unit_officer) and dispatching_unit(user) and (
        scope.is_manager
        or Enrollment.objects.restrict(user).filter(training_class=cls, state__in=LEARNER_STATES).exists()
    ):
        kinds.append(DISPATCH)
    return kinds


def issuing_decision(decision, prepared_by="") -> officialdoc.OfficialDocument:
    """The decision issuing a class's certificates (quyết định cấp chứng chỉ) of the institution running the class:
    a confirmed decision lists the certificates it issued; a draft lists the learners waiting, its number, date and
    signer left blank to fill in."""
    cls = decision.training_class
    provider = cls.provider
    governing, root = header_units(provider.unit)
    confirmed = decision.status == decision.Status.CONFIRMED
    grades = dict(Result.objects.filter(enrollment__training_class=cls, is_current=True)
                  .values_list("enrollment_id", "grade"))
    if confirmed:
        rows = [(c.enrollment, c.number) for c in decision.certificates.select_related("enrollment__person")
                .order_by("enrollment__person__name_sort", "enrollment__person__code")]
    else:
        rows = [(e, "") for e in pending_enrollments(cls)]
    units = dict(Enrollment.objects.filter(pk__in=[e.pk for e, _n in rows])
                 .annotate(unit_name=unit_name_subquery()).values_list("pk", "unit_name"))
    grade_label = dict(Result.Grade.choices)
    table = officialdoc.Table(
        [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Cơ quan, đơn vị"), _("Xếp loại"), _("Số hiệu chứng chỉ")],
        [[str(i), e.person.full_name, f"{e.person.birth_date:%d/%m/%Y}", units.get(e.pk) or "",
          str(grade_label.get(grades.get(e.pk), "")), number] for i, (e, number) in enumerate(rows, 1)],
        title=_("DANH SÁCH HỌC VIÊN ĐƯỢC CẤP CHỨNG CHỈ"), numeric=frozenset({0}),
    )
    period = _("từ ngày %(start)s đến ngày %(end)s") % {"start": f"{cls.starts_on:%d/%m/%Y}", "end": f"{cls.ends_on:%d/%m/%Y}"}
    body = [
        officialdoc.Paragraph(_("Căn cứ kết quả học tập của học viên lớp %(name)s (mã lớp %(code)s), %(period)s;") % {
            "name": cls.name, "code": cls.code, "period": period}, italic=True),
        officialdoc.Paragraph(_("Xét đề nghị của bộ phận quản lý đào tạo, bồi dưỡng,"), italic=True),
        officialdoc.Paragraph(_("QUYẾT ĐỊNH:"), bold=True, centre=True),
        officialdoc.Paragraph(_("Điều 1. Cấp chứng chỉ chương trình %(program)s cho %(count)s học viên có tên trong danh sách "
                                "kèm theo, đã hoàn thành lớp %(name)s.") % {
            "program": cls.program.name, "count": len(rows), "name": cls.name}),
        officialdoc.Paragraph(_("Điều 2. Quyết định này có hiệu lực kể từ ngày ký. Bộ phận quản lý đào tạo, bồi dưỡng và các "
                                "học viên có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")),
        table,
    ]
    signing = Signing(number=decision.number, issued_on=decision.decided_on or timezone.localdate(),
                      signer_name=decision.signer_name, signer_position=decision.signer_position or _("Thủ trưởng cơ sở"),
                      authority=decision.authority, prepared_by=prepared_by)
    return officialdoc.OfficialDocument(
        governing=governing.name if governing else "", issuer=provider.name,
        number=officialdoc.number_line(decision.number, "QĐ", provider.name),
        place_date=(officialdoc.document_date(document_place(root), decision.decided_on) if decision.decided_on
                    else _("%(place)s, ngày …… tháng …… năm ……") % {"place": document_place(root)}),
        kind=_("QUYẾT ĐỊNH"), subject=_("Về việc cấp chứng chỉ cho học viên lớp %(name)s") % {"name": cls.name},
        blocks=body, recipients=[_("Như Điều 2"), _("Các cơ quan, đơn vị có học viên")],
        archive=_archive(provider.name, signing), signatures=[_signature(signing)],
        file_title=_("Quyết định cấp chứng chỉ lớp %(code)s") % {"code": cls.code},
    )


def decision_file_name(decision, fmt):
    return f"quyet-dinh-cap-chung-chi-{decision.training_class.code}-{decision.pk}.{fmt}"


BUILDERS = {SUMMONS: summons, DISPATCH: dispatch_decision}


def build(kind, user, cls, signing):
    return BUILDERS[kind](user, cls, signing)


def render(document, fmt) -> bytes:
    return officialdoc.to_docx(document) if fmt == "docx" else officialdoc.to_pdf(document)


def file_name(kind, cls, fmt):
    return f"{KINDS[kind][1]}-{cls.code}.{fmt}"
