"""`dtbd restore PATH [--yes]`: replace the database and the uploaded files with a backup, then check every table
against the backup's manifest."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    requires_system_checks = []  # must work even when something else in the installation is broken
    help = (
        "Khôi phục hệ thống từ tệp sao lưu của lệnh backup (thay thế toàn bộ cơ sở dữ liệu), rồi đối chiếu số dòng và "
        "tổng kiểm tra của từng bảng với manifest.json. Cơ sở dữ liệu đã có dữ liệu: cần --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp sao lưu .tar.gz")
        parser.add_argument("--yes", action="store_true", help="xác nhận thay thế dữ liệu đang có")

    def handle(self, *args, path, yes, **options):
        try:
            result = restore_backup(path, allow_overwrite=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        created = timezone.localtime(datetime.datetime.fromisoformat(manifest["created_at"]))
        self.stdout.write(
            _("Đã khôi phục bản sao lưu lúc %(time)s (phiên bản %(version)s): %(tables)s bảng, %(rows)s dòng, "
              "%(media)s tệp đính kèm.") % {"time": f"{created:%d/%m/%Y %H:%M}", "version": manifest["app_version"],
                                           "tables": result.tables, "rows": result.rows, "media": result.media_files}
        )
        if result.media_set_aside:
            self.stdout.write(
                _("%(count)s tệp đính kèm không có trong bản sao lưu (tạo sau khi sao lưu) đã được chuyển sang "
                  "%(folder)s: xoá thư mục đó khi không cần nữa.") % {"count": result.media_set_aside,
                                                                    "folder": result.media_aside}
            )
        if result.mismatches:
            for table, expected, actual in result.mismatches:
                if actual is None:
                    self.stderr.write(_("Bảng %(table)s: không có sau khi khôi phục (bản sao lưu có %(rows)s dòng).")
                                      % {"table": table, "rows": expected["rows"]})
                elif actual["rows"] != expected["rows"]:
                    self.stderr.write(_("Bảng %(table)s: %(rows)s dòng, bản sao lưu có %(expected)s dòng.")
                                      % {"table": table, "rows": actual["rows"], "expected": expected["rows"]})
                else:
                    self.stderr.write(_("Bảng %(table)s: đủ %(rows)s dòng nhưng nội dung khác bản sao lưu (tổng kiểm "
                                        "tra không khớp).") % {"table": table, "rows": actual["rows"]})
            raise CommandError(_("Kiểm tra thất bại: %(count)s bảng không khớp với bản sao lưu.")
                               % {"count": len(result.mismatches)})
        self.stdout.write(self.style.SUCCESS(
            _("Kiểm tra: số dòng và tổng kiểm tra của cả %(tables)s bảng khớp với bản sao lưu.") % {"tables": result.tables}
        ))
