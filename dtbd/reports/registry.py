"""The reports machinery: a report is a query (`rows`) plus a layout (`columns`, row labels).

Every report is registered here once and then served by the same code everywhere: the `dtbd report` command, the
pages under /bao-cao/ and the downloads (CSV, .xlsx; PDF later), rendered by `renderers`.

    @register
    class MyReport(Report):
        name = "my-report"                       # the command-line name, also in URLs
        title = _("Tên báo cáo")
        columns = [Column("level", _("Cấp")), Column("total", _("Tổng số"))]
        def rows(self, unit, date, year): ...    # list of tuples, one value per column, computed in the database
"""
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from dtbd.org.models import AdminLevel

from . import queries

ALL = "ALL"


@dataclass(frozen=True)
class Column:
    key: str  # CSV header, stable: other tools read it
    label: str  # Vietnamese heading for the screen and .xlsx
    numeric: bool = True


class Report:
    name: str = ""
    title = ""
    description = ""
    columns: list[Column] = []
    uses_year = False  # the report reads --year (else --date)

    def rows(self, unit, date: datetime.date, year: int) -> list[tuple]:
        raise NotImplementedError

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


def get_report(name) -> Report | None:
    return REPORTS.get(name)


def all_reports() -> list[Report]:
    return list(REPORTS.values())


LEVEL_ORDER = [AdminLevel.TINH, AdminLevel.HUYEN, AdminLevel.XA]


def level_label(value):
    if value == ALL:
        return str(_("Tổng cộng"))
    return str(AdminLevel(value).label) if value in AdminLevel.values else str(value)


@register
class QualificationStructure(Report):
    """Cơ cấu trình độ chuyên môn theo cấp hành chính (DOMAIN §5, seed 000).

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
    """Rà soát tiêu chuẩn (issue 3): per requirement code, people subject to it on the date, meeting it, missing it.
    Computed by dtbd.standards.engine (one aggregate query for every code)."""

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
        from dtbd.standards.engine import requirement_counts

        return [(c.code, c.applicable, c.met, c.missing) for c in requirement_counts(unit, date)]


@register
class AnnualHours(Report):
    """Bồi dưỡng tối thiểu hằng năm (DOMAIN §4.1): people to whom ANNUAL_HOURS applies in --year (on --date when it is
    in that year, else on 31/12 of the year), how many reached the minimum tiết, how many are below."""

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
        from dtbd.standards.engine import annual_hours_summary

        on = date if date.year == year else datetime.date(year, 12, 31)
        return [(year, *annual_hours_summary(unit, year, on))]
