"""`dtbd restore PATH [--yes]`: replace the database and the uploaded files with a backup, then check every table
against the backup's manifest."""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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
            f"Đã khôi phục bản sao lưu lúc {created:%d/%m/%Y %H:%M} (phiên bản {manifest['app_version']}): "
            f"{result.tables} bảng, {result.rows} dòng, {result.media_files} tệp đính kèm."
        )
        if result.media_set_aside:
            self.stdout.write(
                f"{result.media_set_aside} tệp đính kèm không có trong bản sao lưu (tạo sau khi sao lưu) đã được chuyển "
                f"sang {result.media_aside}: xoá thư mục đó khi không cần nữa."
            )
        if result.mismatches:
            for table, expected, actual in result.mismatches:
                if actual is None:
                    self.stderr.write(f"Bảng {table}: không có sau khi khôi phục (bản sao lưu có {expected['rows']} dòng).")
                elif actual["rows"] != expected["rows"]:
                    self.stderr.write(f"Bảng {table}: {actual['rows']} dòng, bản sao lưu có {expected['rows']} dòng.")
                else:
                    self.stderr.write(f"Bảng {table}: đủ {actual['rows']} dòng nhưng nội dung khác bản sao lưu "
                                      "(tổng kiểm tra không khớp).")
            raise CommandError(f"Kiểm tra thất bại: {len(result.mismatches)} bảng không khớp với bản sao lưu.")
        self.stdout.write(self.style.SUCCESS(
            f"Kiểm tra: số dòng và tổng kiểm tra của cả {result.tables} bảng khớp với bản sao lưu."
        ))
