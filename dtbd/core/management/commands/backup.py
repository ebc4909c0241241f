"""`dtbd backup [--output PATH]`: one archive with the database, the uploaded files and a manifest."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.backup import BackupError, create_backup


class Command(BaseCommand):
    requires_system_checks = []  # must work even when something else in the installation is broken
    help = (
        "Sao lưu toàn bộ hệ thống vào một tệp .tar.gz: cơ sở dữ liệu (SQLite: bản sao trực tuyến nhất quán; "
        "PostgreSQL: pg_dump), các tệp trong MEDIA_ROOT và manifest.json (ngày, phiên bản, số dòng và tổng kiểm tra "
        "từng bảng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="đường dẫn tệp sao lưu (mặc định var/backups/dtbd-<thời điểm>.tar.gz)")

    def handle(self, *args, output=None, **options):
        try:
            path, manifest = create_backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(table["rows"] for table in manifest["tables"].values())
        created = timezone.localtime(datetime.datetime.fromisoformat(manifest["created_at"]))
        self.stdout.write(self.style.SUCCESS(
            _("Đã sao lưu vào %(path)s: %(tables)s bảng, %(rows)s dòng, %(media)s tệp đính kèm (cơ sở dữ liệu "
              "%(engine)s, phiên bản %(version)s, lúc %(time)s).") % {
                "path": path, "tables": len(manifest["tables"]), "rows": rows, "media": len(manifest["media"]),
                "engine": manifest["engine"], "version": manifest["app_version"], "time": f"{created:%d/%m/%Y %H:%M}"}
        ))
