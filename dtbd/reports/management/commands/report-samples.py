"""dtbd report-samples --output DIR [--unit CODE] [--person CODE] [--date YYYY-MM-DD] [--year YYYY] [--prepared-by NAME]

Writes every report of the registry as a PDF document (Decree 30/2020/NĐ-CP format) and as the HTML it is printed
from, <name>.pdf and <name>.html in DIR, to look at the layout on the data of this database (the demo province, for
instance). Unit reports are about --unit (default: the first top-level unit), the person report about --person
(default: the first person of that unit's subtree, by code, who completed a class)."""
import datetime
import os

from django.core.management.base import BaseCommand, CommandError

from dtbd.org.models import Unit
from dtbd.people.models import Person
from dtbd.people.queries import people_in_unit_q
from dtbd.reports import document, renderers
from dtbd.reports.registry import PERSON, all_reports


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD (ví dụ 2025-07-01).") from None


def _unit(code):
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"--unit: không tìm thấy đơn vị có mã «{code}».")
        return unit
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise CommandError("Cơ sở dữ liệu chưa có đơn vị nào: hãy nhập danh mục đơn vị (hoặc chạy `dtbd demo`) trước.")
    return unit


def _person(code, unit):
    if code:
        person = Person.objects.filter(code=code).first()
        if person is None:
            raise CommandError(f"--person: không tìm thấy cán bộ có mã «{code}».")
        return person
    people = Person.objects.filter(people_in_unit_q(unit.path, include_left=True)).order_by("code")
    return people.filter(enrollments__state="COMPLETED").first() or people.first()


class Command(BaseCommand):
    help = "Ghi mẫu mọi báo cáo (PDF và HTML) vào một thư mục để xem bố cục trên dữ liệu hiện có."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="thư mục ghi các tệp mẫu (tạo nếu chưa có)")
        parser.add_argument("--unit", help="mã đơn vị của các báo cáo theo đơn vị (mặc định: đơn vị cấp cao nhất)")
        parser.add_argument("--person", help="mã cán bộ của báo cáo theo từng người (mặc định: người đầu tiên đã "
                                             "hoàn thành một lớp trong đơn vị)")
        parser.add_argument("--date", help="ngày báo cáo YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--year", type=int, help="năm báo cáo (mặc định: năm của ngày báo cáo)")
        parser.add_argument("--prepared-by", default="", help="tên người lập biểu in dưới «NGƯỜI LẬP BIỂU»")

    def handle(self, *args, output, unit, person, date, year, prepared_by, **options):
        on = _date(date) if date else datetime.date.today()
        if year is not None and not 1900 <= year <= 2100:
            raise CommandError(f"--year: năm không hợp lệ «{year}».")
        subject_unit = _unit(unit)
        reports = all_reports(None)
        subject_person = _person(person, subject_unit) if any(r.subject == PERSON for r in reports) else None
        try:
            os.makedirs(output, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"--output: không tạo được thư mục «{output}»: {exc.strerror}.") from None
        options = {"issued_on": on, "prepared_by": prepared_by}
        for report in reports:
            subject = subject_person if report.subject == PERSON else subject_unit
            if subject is None:
                self.stderr.write(f"Bỏ qua «{report.name}»: đơn vị {subject_unit.code} không có cán bộ nào.")
                continue
            result = renderers.run(report, subject, on, year)
            try:
                content = renderers.render(result, "pdf", **options)
            except renderers.FormatNotAvailable as exc:
                raise CommandError(str(exc)) from None
            base = os.path.join(output, report.name)
            try:
                with open(f"{base}.pdf", "wb") as fh:
                    fh.write(content)
                with open(f"{base}.html", "w", encoding="utf-8") as fh:
                    fh.write(document.document_html(result, **options))
            except OSError as exc:
                raise CommandError(f"--output: không ghi được tệp «{base}»: {exc.strerror}.") from None
            self.stdout.write(f"{base}.pdf, {base}.html")
