"""dtbd export fostering --unit CODE [--date YYYY-MM-DD] --format csv|xlsx|json [--output FILE]

The fostering-history export of every person in the unit's subtree on the date, for the national CBCCVC database
(Decree 27/2026; docs/national-export.md). CSV and JSON go to stdout without --output; the file is streamed in
constant memory (dtbd.training.national_export). The command line is the administrator's: citizen IDs in full."""
import datetime
import os
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from dtbd.core.dbrouter import reading_from_replica
from dtbd.org.models import Unit
from dtbd.training import national_export

EXPORTS = ("fostering",)


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date: ngày không hợp lệ «{value}», cần dạng YYYY-MM-DD (ví dụ 2025-07-01).") from None


class Command(BaseCommand):
    help = ("Xuất dữ liệu cho CSDL quốc gia về CBCCVC: fostering = quá trình bồi dưỡng của mọi cán bộ trong đơn vị "
            "và các đơn vị trực thuộc (Nghị định 27/2026/NĐ-CP).")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=EXPORTS, help="dữ liệu xuất: fostering (quá trình bồi dưỡng)")
        parser.add_argument("--unit", required=True, help="mã đơn vị (gồm cả các đơn vị trực thuộc)")
        parser.add_argument("--date", help="ngày xác định danh sách YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--format", default="csv", choices=national_export.FORMATS, help="csv (mặc định), xlsx, json")
        parser.add_argument("--output", help="ghi vào tệp này thay vì in ra màn hình")

    def handle(self, *args, what, unit, date, format, output, **options):
        subject = Unit.objects.filter(code=unit).first()
        if subject is None:
            raise CommandError(f"--unit: không tìm thấy đơn vị có mã «{unit}».")
        on = _date(date) if date else datetime.date.today()
        stream = getattr(self.stdout, "_out", sys.stdout)
        if not output and format == "xlsx" and (stream is not sys.stdout or stream.isatty()):
            raise CommandError("Định dạng xlsx là tệp nhị phân: dùng --output TỆP (hoặc chuyển hướng ra tệp).")
        with reading_from_replica():  # a read-only command: the replica when one is configured
            if output:
                try:
                    people, rows = national_export.export(subject, on, format, output)
                except OSError as exc:
                    raise CommandError(f"--output: không ghi được tệp «{output}»: {exc.strerror}.") from None
            elif format == "xlsx":
                handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="dtbd-export-")
                os.close(handle)
                try:
                    people, rows = national_export.export(subject, on, format, path)
                    stream.flush()
                    with open(path, "rb") as fh:
                        shutil.copyfileobj(fh, stream.buffer)
                    stream.buffer.flush()
                finally:
                    os.unlink(path)
            else:
                people_stream = national_export.stream(subject, on)
                writer = national_export.write_csv if format == "csv" else national_export.write_json
                people, rows = writer(stream, people_stream)
                stream.flush()
        self.stderr.write(f"{people} cán bộ, {rows} dòng.")
