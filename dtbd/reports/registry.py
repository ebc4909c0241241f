"""The reports machinery: a report is a query (`rows`) plus a layout (`columns`, row labels).

Every report is registered here once and then served by the same code everywhere: the `dtbd report` command, the
pages under /bao-cao/ and the downloads (CSV, .xlsx, PDF in the Decree 30/2020 document format), rendered by
`renderers`.

    @register
    class MyReport(Report):
        name = "my-report"                       # the command-line name, also in URLs
        title = _("Tên báo cáo")
        columns = [Column("level", _("Cấp")), Column("total", _("Tổng số"))]
        def rows(self, unit, date, year): ...    # list of tuples, one value per column, computed in the database

A report is about a unit's subtree (`subject = "unit"`, the default) or about one person (`subject = "person"`,
e.g. the training history): a person report gets the Person instead of the unit and may return several tables
(`sections`). Either way the renderers get a list of `Section`s.
"""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dtbd.core.models import Source
from dtbd.evaluation import effectiveness_figures as effect_figures
from dtbd.evaluation import queries as survey_queries
from dtbd.evaluation.models import Band as EvaluationBand
from dtbd.evaluation.models import EffectivenessForm
from dtbd.funding import figures as funding_figures
from dtbd.funding.models import Level as PostgradLevel
from dtbd.funding.models import ReimbursementCase
from dtbd.funding.queries import eligibility_rows as postgrad_eligibility_rows
from dtbd.org.models import AdminLevel, Unit
from dtbd.people import assessments
from dtbd.people.catalog import Category, QualificationType
from dtbd.people.catalog import level_label as qualification_level_label
from dtbd.people.models import Rating
from dtbd.plans.services import execution as plan_execution
from dtbd.standards.engine import annual_hours_summary, requirement_counts, requirement_names
from dtbd.training.models import Enrollment, Program, TrainingClass

from . import queries

ALL = "ALL"
UNIT, PERSON = "unit", "person"


@dataclass(frozen=True)
class Column:
    key: str  # CSV header, stable: other tools read it
    label: str  # Vietnamese heading for the screen, .xlsx and PDF
    numeric: bool = True
    choices: dict | None = None  # code -> label shown on screen/.xlsx/PDF (the CSV keeps the code)

    def display(self, value):
        if self.choices is not None and value in self.choices:
            return str(self.choices[value])
        return value


@dataclass
class Section:
    """One table of a report. Unit reports have one, untitled; the first cell of a row is shown through
    `row_label` (the CSV keeps the code) and a row whose first cell is ALL is the total row."""

    title: str
    columns: list
    rows: list
    row_label: object = str
    empty: str = ""  # shown when there is no row
    display: object = None  # optional (row, cells) -> cells: extra display rules of the section


    @property
    def keys(self):
        return [c.key for c in self.columns]

    def display_row(self, row):
        cells = [column.display(value) for column, value in zip(self.columns, row)]
        if self.columns and self.columns[0].choices is None:
            cells[0] = self.row_label(row[0])
        return self.display(row, cells) if self.display else cells


class Report:
    name: str = ""
    title = ""
    description = ""
    columns: list[Column] = []
    uses_year = False  # the report reads --year (else --date)
    subject = UNIT

    def rows(self, unit, date: datetime.date, year: int) -> list[tuple]:
        raise NotImplementedError

    def sections(self, subject, date: datetime.date, year: int) -> list[Section]:
        return [Section("", self.columns, self.rows(subject, date, year), self.row_label)]

    def heading(self, subject, date: datetime.date):
        """(unit, lines): the unit that issues the document (its header, place, file name) and (label, value) lines
        printed under the title (person reports: who it is about, on the date)."""
        return subject, []

    def row_label(self, value) -> str:
        """How the first cell of a row reads on screen and in .xlsx (the CSV keeps the code)."""
        return str(value)

    @property
    def keys(self):
        return [c.key for c in self.columns]


REPORTS: dict[str, Report] = {}


def register(cls):
    report = cls()
    if not report.name or report.name in REPORTS:
        raise ValueError(f"Report name missing or registered twice: {report.name!r}")
    REPORTS[report.name] = report
    return cls


def get_report(name, subject=UNIT) -> Report | None:
    """The report `name` about `subject` ("unit" by default, "person", or None for either): callers written for unit
    reports never receive a person report."""
    report = REPORTS.get(name)
    return report if report is not None and (subject is None or report.subject == subject) else None


def all_reports(subject=UNIT) -> list[Report]:
    """Registered reports about `subject` ("unit" by default, "person", or None for all)."""
    return [r for r in REPORTS.values() if subject is None or r.subject == subject]


LEVEL_ORDER = [AdminLevel.TINH, AdminLevel.HUYEN, AdminLevel.XA]


def level_label(value):
    if value == ALL:
        return str(_("Tổng cộng"))
    return str(AdminLevel(value).label) if value in AdminLevel.values else str(value)


@register
class QualificationStructure(Report):
    """Cơ cấu trình độ chuyên môn theo cấp hành chính (docs/domain.md §11.4; the Bến Tre figures of §12).

    See `queries.qualification_structure` for who is counted where. People without any education record valid on
    the date are counted in no column (an unknown level is not "chưa qua đào tạo"), so `total` = the sum of the
    columns."""

    name = "qualification-structure"
    title = _("Cơ cấu trình độ chuyên môn theo cấp hành chính")
    description = _(
        "Số cán bộ, công chức, viên chức theo trình độ chuyên môn cao nhất tại ngày báo cáo, "
        "chia theo cấp hành chính của đơn vị công tác."
    )
    EDU = ["TS", "THS", "DH", "CD", "TC", "SC", "CQDT"]
    columns = [
        Column("level", _("Cấp hành chính"), numeric=False),
        Column("TS", _("Tiến sĩ")),
        Column("THS", _("Thạc sĩ")),
        Column("DH", _("Đại học")),
        Column("CD", _("Cao đẳng")),
        Column("TC", _("Trung cấp")),
        Column("SC", _("Sơ cấp")),
        Column("CQDT", _("Chưa qua đào tạo")),
        Column("total", _("Tổng số")),
    ]

    def rows(self, unit, date, year=None):
        levels, counts = queries.qualification_structure(unit, date)
        rows = []
        totals = dict.fromkeys(self.EDU, 0)
        for level in LEVEL_ORDER:
            if level not in levels:
                continue
            cells = [counts.get((level, code), 0) for code in self.EDU]
            for code, n in zip(self.EDU, cells):
                totals[code] += n
            rows.append((str(level), *cells, sum(cells)))
        cells = [totals[code] for code in self.EDU]
        rows.append((ALL, *cells, sum(cells)))
        return rows

    def row_label(self, value):
        return level_label(value)


@register
class Compliance(Report):
    """Rà soát tiêu chuẩn (docs/domain.md §7.4): per requirement code, people subject to it on the date, meeting it,
    missing it. Computed by dtbd.standards.engine (one aggregate query for every code)."""

    name = "compliance"
    title = _("Rà soát tiêu chuẩn theo yêu cầu")
    description = _(
        "Số cán bộ, công chức, viên chức thuộc diện áp dụng từng tiêu chuẩn tại ngày báo cáo, số đã đạt và số còn thiếu."
    )
    columns = [
        Column("requirement", _("Tiêu chuẩn"), numeric=False),
        Column("applicable", _("Thuộc diện áp dụng")),
        Column("met", _("Đã đạt")),
        Column("missing", _("Còn thiếu")),
    ]

    def rows(self, unit, date, year=None):
        return [(c.code, c.applicable, c.met, c.missing) for c in requirement_counts(unit, date)]

    def sections(self, unit, date, year=None):
        """The screen, .xlsx and PDF read each requirement's name; the CSV keeps its code."""
        rows = self.rows(unit, date, year)
        names = requirement_names(r[0] for r in rows)
        return [Section("", self.columns, rows, lambda code: names.get(code, code))]


@register
class PostgradEligibility(Report):
    """Điều kiện cử đi đào tạo sau đại học (docs/domain.md §14.2): each công chức and viên chức of the subtree on the
    date, eligible or not, with the failed conditions as codes (AGE;SERVICE;ASSESSMENT). Computed by
    dtbd.funding.queries in one query for the whole subtree."""

    name = "postgrad-eligibility"
    title = _("Điều kiện cử đi đào tạo sau đại học")
    description = _(
        "Từng công chức, viên chức tại ngày báo cáo: đủ hay chưa đủ điều kiện cử đi đào tạo sau đại học (tuổi, thời "
        "gian công tác, kết quả đánh giá hai năm liền kề) và điều kiện chưa đạt."
    )
    columns = [
        Column("code", _("Mã cán bộ"), numeric=False),
        Column("eligible", _("Đủ điều kiện (1/0)")),
        Column("reasons", _("Điều kiện chưa đạt"), numeric=False),
    ]

    def rows(self, unit, date, year=None):
        return postgrad_eligibility_rows(unit, date)

    REASONS = {"AGE": _("tuổi"), "SERVICE": _("thời gian công tác"), "ASSESSMENT": _("kết quả đánh giá")}

    def sections(self, unit, date, year=None):
        """The screen, .xlsx and PDF give the failed conditions in words (tuổi; thời gian công tác); the CSV keeps
        the codes (AGE;SERVICE)."""
        def display(row, cells):
            cells = list(cells)
            cells[2] = "; ".join(str(self.REASONS.get(code, code)) for code in str(row[2] or "").split(";") if code)
            return cells

        return [Section("", self.columns, self.rows(unit, date, year), self.row_label, display=display)]


@register
class AnnualHours(Report):
    """Bồi dưỡng tối thiểu hằng năm (docs/domain.md §8): people to whom ANNUAL_HOURS applies in --year (on --date when
    it is in that year, else on 31/12 of the year), how many reached the minimum tiết, how many are below."""

    name = "annual-hours"
    title = _("Bồi dưỡng tối thiểu hằng năm")
    description = _("Số công chức, viên chức phải bồi dưỡng tối thiểu trong năm, số đã đạt và số chưa đạt số tiết.")
    uses_year = True
    columns = [
        Column("year", _("Năm"), numeric=False),
        Column("required_people", _("Số người phải bồi dưỡng")),
        Column("met", _("Đã đạt")),
        Column("below", _("Chưa đạt")),
    ]

    def rows(self, unit, date, year):
        on = date if date.year == year else datetime.date(year, 12, 31)
        return [(year, *annual_hours_summary(unit, year, on))]


def _levels_in_order(levels):
    return [lv for lv in LEVEL_ORDER if lv in levels] + sorted(set(levels) - set(LEVEL_ORDER))


NONE = "NONE"


@register
class PoliticalTheory(Report):
    """Trình độ lý luận chính trị theo cấp hành chính (docs/domain.md §11.4): the rows of qualification-structure,
    people by the highest LLCT held on the date; NONE = no LLCT held (so `total` = everyone counted)."""

    name = "political-theory"
    title = _("Trình độ lý luận chính trị theo cấp hành chính")
    description = _(
        "Số cán bộ, công chức, viên chức theo trình độ lý luận chính trị cao nhất tại ngày báo cáo, "
        "chia theo cấp hành chính của đơn vị công tác."
    )
    LLCT = ["CN", "CC", "TC", "SC", NONE]
    columns = [
        Column("level", _("Cấp hành chính"), numeric=False),
        Column("CN", _("Cử nhân")),
        Column("CC", _("Cao cấp")),
        Column("TC", _("Trung cấp")),
        Column("SC", _("Sơ cấp")),
        Column(NONE, _("Chưa có")),
        Column("total", _("Tổng số")),
    ]

    def rows(self, unit, date, year=None):
        levels, counts = queries.political_theory(unit, date)
        rows, totals = [], [0] * len(self.LLCT)
        for level in _levels_in_order(levels):
            cells = [counts.get((level, None if code == NONE else code), 0) for code in self.LLCT]
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append((str(level), *cells, sum(cells)))
        rows.append((ALL, *totals, sum(totals)))
        return rows

    def row_label(self, value):
        return level_label(value)


def _program_categories():
    return Program.Category


@register
class TrainingVolume(Report):
    """Số lượt cán bộ được đào tạo, bồi dưỡng (docs/domain.md §11.3): person-times of COMPLETED enrolments in classes
    that ended in --year, by content (programme category) × form and home/abroad; people counted in the subtree by
    their unit on the class's end date. `total` = in_person + online + blended = domestic + abroad."""

    name = "training-volume"
    title = _("Số lượt cán bộ, công chức, viên chức được đào tạo, bồi dưỡng")
    description = _(
        "Số lượt hoàn thành các lớp kết thúc trong năm, theo nội dung, hình thức tổ chức, trong nước và nước ngoài."
    )
    uses_year = True
    FORMS = ["IN_PERSON", "ONLINE", "BLENDED"]
    columns = [
        Column("content", _("Nội dung đào tạo, bồi dưỡng"), numeric=False),
        Column("in_person", _("Tập trung")),
        Column("online", _("Trực tuyến")),
        Column("blended", _("Kết hợp")),
        Column("domestic", _("Trong nước")),
        Column("abroad", _("Nước ngoài")),
        Column("total", _("Tổng số lượt")),
    ]

    def rows(self, unit, date, year):
        counts = queries.training_volume(unit, year)
        rows, totals = [], [0] * 6
        for category in _program_categories().values:
            forms = [sum(n for (c, f, _a), n in counts.items() if c == category and f == form) for form in self.FORMS]
            home = sum(n for (c, _f, a), n in counts.items() if c == category and not a)
            abroad = sum(n for (c, _f, a), n in counts.items() if c == category and a)
            cells = [*forms, home, abroad]
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append((category, *cells, sum(forms)))
        rows.append((ALL, *totals, sum(totals[:3])))
        return rows

    def row_label(self, value):
        if value == ALL:
            return str(_("Tổng cộng"))
        return str(dict(_program_categories().choices).get(value, value))


@register
class TrainingHistory(Report):
    """Sơ yếu quá trình đào tạo, bồi dưỡng of ONE person as it stood on the date: I. diplomas and certificates issued
    by then (type, level, field, issuer, dates, tiết, source); II. classes finished by then, completed or failed
    (class, programme, content, provider, dates, tiết, final score, result). Three queries, whatever the length."""

    name = "training-history"
    title = _("Sơ yếu quá trình đào tạo, bồi dưỡng")
    description = _("Văn bằng, chứng chỉ và các lớp đào tạo, bồi dưỡng của một cán bộ, công chức, viên chức.")
    subject = PERSON

    def _columns(self):
        quals = [
            Column("type", _("Loại"), numeric=False, choices=dict(QualificationType.choices)),
            Column("level", _("Trình độ"), numeric=False),
            Column("major", _("Chuyên ngành"), numeric=False),
            Column("issuer", _("Nơi cấp"), numeric=False),
            Column("issued_on", _("Ngày cấp"), numeric=False),
            Column("valid_until", _("Hiệu lực đến"), numeric=False),
            Column("tiet", _("Số tiết")),
            Column("source", _("Nguồn"), numeric=False, choices=dict(Source.choices)),
        ]
        classes = [
            Column("class", _("Lớp"), numeric=False),
            Column("program", _("Chương trình"), numeric=False),
            Column("category", _("Nội dung"), numeric=False, choices=dict(_program_categories().choices)),
            Column("provider", _("Cơ sở đào tạo"), numeric=False),
            Column("starts_on", _("Từ ngày"), numeric=False),
            Column("ends_on", _("Đến ngày"), numeric=False),
            Column("tiet", _("Số tiết")),
            Column("score", _("Điểm")),
            Column("result", _("Kết quả"), numeric=False, choices=dict(Enrollment.State.choices)),
        ]
        return quals, classes

    @property
    def columns(self):
        quals, classes = self._columns()
        return quals

    def sections(self, person, date, year=None):
        quals_cols, class_cols = self._columns()
        quals = [
            (q.type, q.level, q.major, q.issuer, q.issued_on, q.valid_until, q.hours, q.source)
            for q in queries.person_qualifications(person, date)
        ]
        classes = [
            (f"{e.training_class.code} — {e.training_class.name}", e.training_class.program.name,
             e.training_class.program.category, e.training_class.provider.name, e.training_class.starts_on,
             e.training_class.ends_on, e.tiet, e.score, e.state)
            for e in queries.person_enrolments(person, date)
        ]
        def level_of_type(row, cells):
            # the level code read through the catalogue of its type (B2 of LANG is "Bậc 4 (B2)")
            cells[1] = str(qualification_level_label(row[0], row[1]))
            return cells


        return [
            Section(str(_("I. Văn bằng, chứng chỉ")), quals_cols, quals, empty=str(_("Chưa có văn bằng, chứng chỉ nào.")),
                    display=level_of_type),
            Section(str(_("II. Các lớp đào tạo, bồi dưỡng đã tham gia")), class_cols, classes,
                    empty=str(_("Chưa tham gia lớp nào."))),
        ]

    def heading(self, person, date):
        unit, post, category = queries.person_heading(person, date)
        lines = [
            (str(_("Họ và tên")), person.full_name),
            (str(_("Mã cán bộ")), person.code),
            (str(_("Ngày sinh")), person.birth_date),
        ]
        if category:
            lines.append((str(_("Loại")), str(dict(Category.choices).get(category, category))))
        lines.append((str(_("Đơn vị công tác")), unit.name if unit else str(_("(không rõ)"))))
        if post:
            lines.append((str(_("Chức vụ")), post))
        return unit, lines



OUTSIDE_PLAN = "NGOAI_KH"


class LabelledCode(str):
    """A row's code (what the CSV and the API keep) carrying the label shown on screen, in .xlsx and PDF."""

    def __new__(cls, code, label):
        value = super().__new__(cls, code)
        value.label = label
        return value


@register
class PlanExecution(Report):
    """Tình hình thực hiện kế hoạch đào tạo, bồi dưỡng (docs/domain.md §13.4): for --year, per unit of the plans in
    force of the subtree (dtbd.plans.services.budget.plans_in_force), planned against done — classes, person-times
    (lượt, §11.3), distinct people, spend — and the lines at risk on the report's date. The classes outside any plan
    are a row of their own in a report of the whole province (a unit without a parent), where the total row reads
    as the province publishes it ("112 lớp, kinh phí khoảng 28 tỷ đồng"). A second table gives the same per
    quarter (the plans' lines only)."""

    name = "plan-execution"
    title = _("Tình hình thực hiện kế hoạch đào tạo, bồi dưỡng")
    description = _(
        "Số lớp, số lượt người, số người và kinh phí theo kế hoạch và thực hiện trong năm, theo đơn vị lập kế hoạch; "
        "lớp ngoài kế hoạch; các dòng kế hoạch chậm tiến độ tại ngày báo cáo."
    )
    uses_year = True
    columns = [
        Column("unit", _("Đơn vị"), numeric=False),
        Column("planned_classes", _("Số lớp kế hoạch")),
        Column("opened", _("Số lớp đã mở")),
        Column("finished", _("Số lớp đã kết thúc")),
        Column("planned_people", _("Số lượt kế hoạch")),
        Column("luot", _("Số lượt hoàn thành")),
        Column("people", _("Số người")),
        Column("planned_cost", _("Kinh phí kế hoạch (đồng)")),
        Column("estimated", _("Dự toán các lớp (đồng)")),
        Column("actual", _("Thực chi (đồng)")),
        Column("variance", _("Chênh lệch thực chi – kế hoạch (đồng)")),
        Column("at_risk", _("Số dòng chậm tiến độ")),
    ]
    quarter_columns = [Column("quarter", _("Quý"), numeric=False), *columns[1:]]

    @staticmethod
    def _cells(figures):
        return (figures.planned_classes, figures.opened, figures.finished, figures.planned_people, figures.luot,
                figures.people, figures.planned_cost, figures.spend.estimated, figures.spend.actual,
                figures.spend.actual - figures.planned_cost, figures.at_risk)

    def _compute(self, unit, date, year):
        return plan_execution.year_execution(year, unit, date, include_unplanned=unit.parent_id is None)

    def rows(self, unit, date, year):
        return self._unit_rows(self._compute(unit, date, year))

    def _unit_rows(self, result):
        units = Unit.objects.filter(pk__in=list(result.per_unit)).order_by("path").values_list("pk", "code", "name")
        rows = [(LabelledCode(code, name), *self._cells(result.per_unit[pk])) for pk, code, name in units]
        if result.unplanned is not None:
            rows.append((LabelledCode(OUTSIDE_PLAN, str(_("Ngoài kế hoạch"))), *self._cells(result.unplanned)))
        rows.append((ALL, *self._cells(result.total)))
        return rows

    def sections(self, subject, date, year):
        result = self._compute(subject, date, year)
        quarters = [(f"Q{q}", *self._cells(result.per_quarter[q])) for q in sorted(result.per_quarter)]
        return [
            Section("", self.columns, self._unit_rows(result), self.row_label),
            Section(str(_("Theo quý (các dòng kế hoạch)")), self.quarter_columns, quarters, self.quarter_label,
                    empty=str(_("Không có dòng kế hoạch nào."))),
        ]

    def row_label(self, value):
        if value == ALL:
            return str(_("Tổng cộng"))
        return getattr(value, "label", str(value))

    @staticmethod
    def quarter_label(value):
        return str(_("Quý %(n)s") % {"n": str(value)[1:]})


@register
class AssessmentRatings(Report):
    """Kết quả đánh giá, xếp loại chất lượng (docs/domain.md §14.1): for --year, the cán bộ, công chức and viên chức
    placed in the subtree on 31 December of the year, by their rating of the year, and those without one ("chưa đánh
    giá"); one row per child of the unit (those placed in the unit itself on a row of their own, when there are
    any) and the total row. Counted in one aggregate query (people.assessments.rating_counts)."""

    name = "assessment-ratings"
    title = _("Kết quả đánh giá, xếp loại chất lượng hằng năm")
    description = _(
        "Số cán bộ, công chức, viên chức công tác tại đơn vị ngày 31/12 của năm theo mức xếp loại chất lượng của năm "
        "và số người chưa được đánh giá, theo từng đơn vị trực thuộc."
    )
    uses_year = True
    CODES = [*Rating.values, assessments.NOT_RATED]
    columns = [
        Column("unit", _("Đơn vị"), numeric=False),
        Column("HTXSNV", _("Hoàn thành xuất sắc nhiệm vụ")),
        Column("HTTNV", _("Hoàn thành tốt nhiệm vụ")),
        Column("HTNV", _("Hoàn thành nhiệm vụ")),
        Column("KHTNV", _("Không hoàn thành nhiệm vụ")),
        Column(assessments.NOT_RATED, _("Chưa đánh giá")),
        Column("total", _("Tổng số")),
    ]

    def rows(self, unit, date, year):
        groups, counts = assessments.rating_counts(unit, year)
        rows, totals = [], [0] * len(self.CODES)
        for index, group in enumerate(groups):
            cells = [counts.get((group.pk, code), 0) for code in self.CODES]
            if index == 0 and not sum(cells) and len(groups) > 1:
                continue  # nobody placed in the unit itself
            totals = [a + b for a, b in zip(totals, cells)]
            rows.append((LabelledCode(group.code, group.name), *cells, sum(cells)))
        rows.append((ALL, *totals, sum(totals)))
        return rows

    def row_label(self, value):
        if value == ALL:
            return str(_("Tổng cộng"))
        return getattr(value, "label", str(value))


def _total_label(value):
    return str(_("Tổng cộng")) if value == ALL else str(value)


@register
class PostgradStudy(Report):
    """Đào tạo sau đại học (docs/domain.md §14.6): the dispatches of the subtree active in --year (begun by its end,
    not ended before its start, so those begun in the year too), by level and by field: people at home, abroad and in
    all (distinct persons: the total row counts a person once, as the province publishes "1.542 people funded for
    postgraduate study"), and the amounts paid by funding source (đồng). Two queries per table
    (funding.figures.postgrad_study)."""

    name = "postgrad-study"
    title = _("Đào tạo sau đại học")
    description = _(
        "Số người được cử đi đào tạo sau đại học đang học hoặc bắt đầu học trong năm, theo trình độ và chuyên ngành, "
        "trong nước và nước ngoài, và kinh phí đã chi theo nguồn."
    )
    uses_year = True

    @staticmethod
    def _figure_columns():
        return [
            Column("home", _("Trong nước (người)")),
            Column("abroad", _("Nước ngoài (người)")),
            Column("people", _("Tổng số người")),
            *[Column(f"amount_{code}", label) for code, label in TrainingClass.Funding.choices],
            Column("amount", _("Tổng kinh phí (đồng)")),
        ]

    @property
    def columns(self):
        return [Column("level", _("Trình độ"), numeric=False,
                       choices={**dict(PostgradLevel.choices), ALL: _("Tổng cộng")}), *self._figure_columns()]

    @property
    def field_columns(self):
        return [Column("field", _("Chuyên ngành"), numeric=False), *self._figure_columns()]

    def rows(self, unit, date, year):
        return funding_figures.postgrad_study(unit, year, "level")

    def sections(self, unit, date, year):
        return [
            Section(str(_("I. Theo trình độ đào tạo")), self.columns, self.rows(unit, date, year),
                    empty=str(_("Không có người nào được cử đi đào tạo."))),
            Section(str(_("II. Theo chuyên ngành")), self.field_columns,
                    funding_figures.postgrad_study(unit, year, "field"), _total_label),
        ]


@register
class Commitments(Report):
    """Cam kết phục vụ và đền bù chi phí đào tạo (docs/domain.md §14.6): on --date, the service commitments of the
    subtree's dispatches in progress, ending within six months, completed and broken (the person left before its
    end), with the agency's cost they cover (đồng); then the reimbursement cases opened by the date by status, with
    the amounts assessed (the formula's), decided (the council's), paid by the date and the balance still owed. Three
    queries (funding.figures)."""

    name = "commitments"
    title = _("Cam kết phục vụ và đền bù chi phí đào tạo")
    description = _(
        "Số cam kết phục vụ sau đào tạo đang thực hiện, sắp hết hạn trong 6 tháng, đã hoàn thành, vi phạm (nghỉ việc "
        "trước hạn) và kinh phí; các hồ sơ đền bù theo tình trạng với số tiền phải đền bù, đã quyết định, đã nộp, còn nợ."
    )
    STATES = {
        funding_figures.IN_PROGRESS: _("Đang thực hiện cam kết"),
        funding_figures.ENDING: _("Trong đó: hết hạn trong 6 tháng tới"),
        funding_figures.COMPLETED: _("Đã hoàn thành cam kết"),
        funding_figures.BROKEN: _("Nghỉ việc trước khi hết cam kết"),
    }

    @property
    def columns(self):
        return [
            Column("state", _("Tình trạng cam kết"), numeric=False, choices=self.STATES),
            Column("commitments", _("Số cam kết")),
            Column("cost", _("Kinh phí cơ quan đã chi (đồng)")),
        ]

    @property
    def case_columns(self):
        return [
            Column("status", _("Tình trạng hồ sơ đền bù"), numeric=False,
                   choices={**dict(ReimbursementCase.Status.choices), ALL: _("Tổng cộng")}),
            Column("cases", _("Số hồ sơ")),
            Column("assessed", _("Phải đền bù theo công thức (đồng)")),
            Column("decided", _("Hội đồng quyết định (đồng)")),
            Column("paid", _("Đã nộp (đồng)")),
            Column("balance", _("Còn phải nộp (đồng)")),
        ]

    def rows(self, unit, date, year=None):
        return funding_figures.commitments(unit, date)

    def sections(self, unit, date, year=None):
        return [
            Section(str(_("I. Cam kết phục vụ")), self.columns, self.rows(unit, date)),
            Section(str(_("II. Hồ sơ đền bù chi phí đào tạo")), self.case_columns,
                    funding_figures.reimbursements(unit, date)),
        ]


@register
class TalentAttraction(Report):
    """Thu hút nhân tài (docs/domain.md §14.6): per policy and field, the people of the subtree (placed there by the
    attraction decision) attracted by a decision of --year and to date (every decision by the year's end), and the
    support paid in the year and to date (đồng); the total row counts a person once ("131 people, over 100 billion
    đồng" is the to-date total). A second table lists the shortfalls: the target fields of the policies in force in
    the year with nobody attracted to date. Counted in the database (funding.figures.talent_attraction)."""

    name = "talent-attraction"
    title = _("Thu hút nhân tài")
    description = _(
        "Số người được thu hút và kinh phí hỗ trợ theo chính sách và lĩnh vực, trong năm và luỹ kế; các lĩnh vực cần "
        "thu hút chưa có người (thiếu hụt)."
    )
    uses_year = True
    columns = [
        Column("policy", _("Chính sách"), numeric=False),
        Column("field", _("Lĩnh vực, chuyên ngành"), numeric=False),
        Column("people_year", _("Số người thu hút trong năm")),
        Column("paid_year", _("Kinh phí hỗ trợ trong năm (đồng)")),
        Column("people", _("Số người luỹ kế")),
        Column("paid", _("Kinh phí hỗ trợ luỹ kế (đồng)")),
    ]
    shortfall_columns = [
        Column("policy", _("Chính sách"), numeric=False),
        Column("field", _("Lĩnh vực cần thu hút chưa có người"), numeric=False),
    ]

    def rows(self, unit, date, year):
        return self._rows(funding_figures.talent_attraction(unit, year))

    @staticmethod
    def _rows(result):
        return [*result.rows, (ALL, "", *result.total)]

    def sections(self, unit, date, year):
        result = funding_figures.talent_attraction(unit, year)
        return [
            Section("", self.columns, self._rows(result), _total_label),
            Section(str(_("Lĩnh vực thiếu hụt")), self.shortfall_columns, result.shortfalls,
                    empty=str(_("Không có lĩnh vực thiếu hụt."))),
        ]


class SurveyIndex(Report):
    """Kết quả khảo sát học viên về chất lượng khoá học (Circular 10/2017/TT-BNV; docs/domain.md §16.3): for the
    classes that ended in --year, of the providers linked to the unit's subtree (every provider for the province),
    the index — mean score of the scored answers of valid forms — with its band, and the valid and invalid forms, by
    `dimension`. Three aggregate queries (evaluation.queries.index_rows); no person: aggregates only."""

    dimension = ""
    uses_year = True
    first_label = ""

    @property
    def columns(self):
        bands = dict(EvaluationBand.choices)
        return [
            Column("key", self.first_label, numeric=False),
            Column("valid", _("Số phiếu hợp lệ")),
            Column("invalid", _("Số phiếu không hợp lệ")),
            Column("answers", _("Số câu trả lời được tính")),
            Column("index", _("Chỉ số (thang 1–10)")),
            Column("band", _("Xếp mức"), numeric=False, choices=bands),
        ]

    def rows(self, unit, date, year):
        rows, _rule = survey_queries.index_rows(survey_queries.unit_surveys(unit), self.dimension, year)
        return [(LabelledCode(str(row.key), row.label), row.forms_valid, row.forms_invalid, row.figure.answers,
                 row.figure.index, str(row.figure.band or "")) for row in rows]

    def row_label(self, value):
        return getattr(value, "label", str(value))


@register
class SurveyByClass(SurveyIndex):
    name = "survey-by-class"
    dimension = survey_queries.CLASS
    title = _("Kết quả khảo sát chất lượng theo lớp")
    description = _("Chỉ số đánh giá của học viên (thang 1–10) và xếp mức của từng lớp kết thúc trong năm; số phiếu "
                    "hợp lệ và không hợp lệ.")
    first_label = _("Lớp")


@register
class SurveyByProgramme(SurveyIndex):
    name = "survey-by-programme"
    dimension = survey_queries.PROGRAMME
    title = _("Kết quả khảo sát chất lượng theo chương trình")
    description = _("Chỉ số đánh giá của học viên (thang 1–10) và xếp mức theo chương trình, các lớp kết thúc "
                    "trong năm.")
    first_label = _("Chương trình")


@register
class SurveyByProvider(SurveyIndex):
    name = "survey-by-provider"
    dimension = survey_queries.PROVIDER
    title = _("Kết quả khảo sát chất lượng theo cơ sở đào tạo, bồi dưỡng")
    description = _("Chỉ số đánh giá của học viên (thang 1–10) và xếp mức theo cơ sở tổ chức lớp, các lớp kết thúc "
                    "trong năm.")
    first_label = _("Cơ sở đào tạo, bồi dưỡng")


@register
class SurveyByLecturer(SurveyIndex):
    name = "survey-by-lecturer"
    dimension = survey_queries.LECTURER
    title = _("Kết quả khảo sát chất lượng theo giảng viên")
    description = _("Chỉ số đánh giá của học viên về từng giảng viên, báo cáo viên (thang 1–10) và xếp mức, các lớp "
                    "kết thúc trong năm; số phiếu có đánh giá giảng viên.")
    first_label = _("Giảng viên, báo cáo viên")


class EffectivenessReport(Report):
    """Hiệu quả sau đào tạo, bồi dưỡng (level 3; Circular 10/2017/TT-BNV; docs/domain.md §16.4): the level-3 forms of
    the people of the unit's subtree (their current unit, or the unit they left from) due in --year, by `dimension`:
    forms due, rated by the direct manager, overdue on the report's date (not rated 30 days after the due day), and
    self-assessed by the learner; the mean effectiveness index (1–10) with its band, the learners' mean
    self-assessment, and the rated forms by kind of product. A total row. One aggregate query
    (evaluation.effectiveness_figures.effect_rows); no person: aggregates only."""

    dimension = ""
    uses_year = True
    first_label = ""

    @property
    def columns(self):
        kinds = dict(EffectivenessForm.ProductKind.choices)
        return [
            Column("key", self.first_label, numeric=False),
            Column("due", _("Số phiếu đến hạn")),
            Column("rated", _("Đã đánh giá")),
            Column("overdue", _("Quá hạn chưa đánh giá")),
            Column("self_assessed", _("Học viên đã tự đánh giá")),
            Column("index", _("Chỉ số hiệu quả (thang 1–10)")),
            Column("band", _("Xếp mức"), numeric=False, choices=dict(EvaluationBand.choices)),
            Column("self_index", _("Tự đánh giá bình quân (thang 1–10)")),
            *[Column(f"product_{kind}", kinds[kind]) for kind in effect_figures.PRODUCT_KINDS],
        ]

    @staticmethod
    def _cells(row):
        return (row.due, row.rated, row.overdue, row.self_assessed, row.index, str(row.band or ""), row.self_index,
                *[row.products.get(kind, 0) for kind in effect_figures.PRODUCT_KINDS])

    def rows(self, unit, date, year):
        rows, total = effect_figures.effect_rows(unit, self.dimension, year, date)
        return [*[(LabelledCode(row.code, row.label), *self._cells(row)) for row in rows],
                (ALL, *self._cells(total))]

    def row_label(self, value):
        if value == ALL:
            return str(_("Tổng cộng"))
        return getattr(value, "label", str(value))


@register
class EffectivenessByProgramme(EffectivenessReport):
    name = "effectiveness-by-programme"
    dimension = effect_figures.PROGRAMME
    title = _("Hiệu quả sau đào tạo, bồi dưỡng theo chương trình")
    description = _("Phiếu đánh giá hiệu quả sau đào tạo đến hạn trong năm của cán bộ thuộc đơn vị, theo chương "
                    "trình: số đã đánh giá, quá hạn, tự đánh giá; chỉ số hiệu quả (thang 1–10) và xếp mức; sản phẩm "
                    "theo loại.")
    first_label = _("Chương trình")


@register
class EffectivenessByProvider(EffectivenessReport):
    name = "effectiveness-by-provider"
    dimension = effect_figures.PROVIDER
    title = _("Hiệu quả sau đào tạo, bồi dưỡng theo cơ sở đào tạo, bồi dưỡng")
    description = _("Phiếu đánh giá hiệu quả sau đào tạo đến hạn trong năm của cán bộ thuộc đơn vị, theo cơ sở tổ "
                    "chức lớp: số đã đánh giá, quá hạn, tự đánh giá; chỉ số hiệu quả (thang 1–10) và xếp mức; sản "
                    "phẩm theo loại.")
    first_label = _("Cơ sở đào tạo, bồi dưỡng")


@register
class EffectivenessByUnit(EffectivenessReport):
    name = "effectiveness-by-unit"
    dimension = effect_figures.UNIT
    title = _("Hiệu quả sau đào tạo, bồi dưỡng theo đơn vị")
    description = _("Phiếu đánh giá hiệu quả sau đào tạo đến hạn trong năm, theo đơn vị trực thuộc nơi cán bộ công "
                    "tác: số đã đánh giá, quá hạn, tự đánh giá; chỉ số hiệu quả (thang 1–10) và xếp mức; sản phẩm "
                    "theo loại.")
    first_label = _("Đơn vị")
