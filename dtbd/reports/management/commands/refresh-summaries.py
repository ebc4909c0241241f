"""dtbd refresh-summaries [--full] [--year YYYY ...]

Recomputes the dashboard's summary tables (reports.summaries): the dirty units of every stored period (the whole
period when a mark says every unit), moving the current period's as-of date to today. --year computes (or
recomputes) the summary of a calendar year first, e.g. to prepare the dashboard before the first visit; --full
recomputes every stored period whole. Run it nightly (the as-of date of the current year moves every day)."""
import datetime
import time

from django.core.management.base import BaseCommand

from dtbd.reports import dashboard, summaries


class Command(BaseCommand):
    help = "Tính lại các bảng số liệu tổng hợp của trang tổng quan (các đơn vị có dữ liệu thay đổi)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="tính lại toàn bộ mọi kỳ đã lưu")
        parser.add_argument("--year", type=int, action="append", default=[], help="tính (lại) kỳ cả năm YYYY")

    def handle(self, *args, **options):
        start = time.perf_counter()
        for year in options["year"]:
            period = dashboard.Period.for_year(year, datetime.date.today())
            row = summaries.period_row(period, create=False)
            if row is None:
                row = summaries.period_row(period)
            else:
                summaries.refresh_row(row, full=True)
            self.stdout.write(f"{year}: {row} — {row.seconds:.1f} s")
        done = summaries.refresh(full=options["full"])
        for row, units in done:
            what = "toàn bộ" if units is None else f"{units} đơn vị"
            self.stdout.write(f"{row}: {what}, {row.seconds:.1f} s")
        self.stdout.write(f"Xong: {len(done)} kỳ được tính lại trong {time.perf_counter() - start:.1f} s.")
