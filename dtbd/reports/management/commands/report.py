"""dtbd report <name> --unit CODE [--date YYYY-MM-DD] [--year YYYY] [--format csv|xlsx|pdf] [--output FILE]
dtbd report training-history --person CODE [--date YYYY-MM-DD] [--format …] [--output FILE]

Prints the report (CSV to stdout by default) or writes it to FILE. The CSV columns are an interface (README.md); a
person report (training-history) takes --person instead of --unit."""
import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from dtbd.core.dbrouter import reading_from_replica
from dtbd.org.models import Unit
from dtbd.reports import renderers
from dtbd.people.models import Person
from dtbd.reports.registry import PERSON, all_reports, get_report


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD (ví dụ 2025-07-01).") from None


class Command(BaseCommand):
    help = "In hoặc ghi một báo cáo (CSV, xlsx, PDF) cho một đơn vị và các đơn vị trực thuộc, hoặc cho một cán bộ."

    def add_arguments(self, parser):
        parser.add_argument("name", help="tên báo cáo: " + ", ".join(r.name for r in all_reports(None)))
        parser.add_argument("--unit", help="mã đơn vị (báo cáo gồm cả các đơn vị trực thuộc)")
        parser.add_argument("--person", help="mã cán bộ (báo cáo theo từng người: training-history)")
        parser.add_argument("--date", help="ngày báo cáo YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--year", type=int, help="năm báo cáo (mặc định: năm của ngày báo cáo)")
        parser.add_argument("--format", default="csv", choices=renderers.FORMATS, help="csv (mặc định), xlsx, pdf, docx")
        parser.add_argument("--output", help="ghi vào tệp này thay vì in ra màn hình")

    def handle(self, *args, name, unit, person, date, year, format, output, **options):
        report = get_report(name, subject=None)
        if report is None:
            known = ", ".join(r.name for r in all_reports(None))
            raise CommandError(f"Không có báo cáo «{name}». Các báo cáo: {known}.")
        if report.subject == PERSON:
            if not person or unit:
                raise CommandError(f"Báo cáo «{name}» là báo cáo theo từng người: dùng --person MÃ_CÁN_BỘ (không dùng --unit).")
            subject = Person.objects.filter(code=person).first()
            if subject is None:
                raise CommandError(f"--person: không tìm thấy cán bộ có mã «{person}».")
        else:
            if not unit or person:
                raise CommandError(f"Báo cáo «{name}» là báo cáo theo đơn vị: dùng --unit MÃ_ĐƠN_VỊ (không dùng --person).")
            subject = Unit.objects.filter(code=unit).first()
            if subject is None:
                raise CommandError(f"--unit: không tìm thấy đơn vị có mã «{unit}».")
        on = _date(date) if date else datetime.date.today()
        if year is not None and not 1900 <= year <= 2100:
            raise CommandError(f"--year: năm không hợp lệ «{year}».")
        with reading_from_replica():  # a read-only command: the replica when one is configured
            result = renderers.run(report, subject, on, year)
        try:
            content = renderers.render(result, format)
        except renderers.FormatNotAvailable as exc:
            raise CommandError(str(exc)) from None
        if output:
            try:
                with open(output, "wb") as fh:
                    fh.write(content)
            except OSError as exc:
                raise CommandError(f"--output: không ghi được tệp «{output}»: {exc.strerror}.") from None
        elif format == "csv":
            self.stdout.write(content.decode("utf-8"), ending="")
        else:
            stream = getattr(self.stdout, "_out", None)
            if stream is not sys.stdout or stream.isatty():
                raise CommandError(f"Định dạng {format} là tệp nhị phân: dùng --output TỆP (hoặc chuyển hướng ra tệp).")
            stream.flush()
            stream.buffer.write(content)
            stream.buffer.flush()
