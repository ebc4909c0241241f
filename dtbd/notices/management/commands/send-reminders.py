"""dtbd send-reminders [--date YYYY-MM-DD]: the daily reminders now (the job worker runs them once a day). Idempotent:
a reminder already sent is not sent again (docs/domain.md §19)."""
import datetime

from django.core.management.base import BaseCommand, CommandError

from dtbd.notices import reminders


class Command(BaseCommand):
    help = "Gửi nhắc việc của ngày (mặc định hôm nay); việc đã nhắc không nhắc lại."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ngày chạy YYYY-MM-DD (mặc định: hôm nay)")

    def handle(self, *args, date, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError:
            raise CommandError(f"--date: ngày không hợp lệ «{date}», cần dạng YYYY-MM-DD.") from None
        for code, sent in reminders.run(day).items():
            self.stdout.write(f"{code}: {sent}")
