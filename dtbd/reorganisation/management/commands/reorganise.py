"""`dtbd reorganise MAPPING.xlsx --date YYYY-MM-DD [--abolish-level HUYEN] [--dry-run]` (docs/domain.md §15): exit 0
with the summary; 1 with every error on stderr, nothing written."""
import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dtbd.core.importing import ImportFailed
from dtbd.reorganisation import mapping, services


class Command(BaseCommand):
    help = "Sắp xếp tổ chức bộ máy theo tệp sap-xep.xlsx: chuyển người, việc của đơn vị cũ sang đơn vị mới từ ngày."

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("tệp .xlsx theo mẫu sap-xep.xlsx"))
        parser.add_argument("--date", required=True, help=_("ngày sắp xếp có hiệu lực, YYYY-MM-DD"))
        parser.add_argument("--abolish-level", default="", help=_("cấp hành chính bãi bỏ (HUYEN)"))
        parser.add_argument("--dry-run", action="store_true", help=_("chỉ kiểm tra, không ghi vào cơ sở dữ liệu"))

    def fail(self, lines):
        for line in lines:
            self.stderr.write(str(line))
        sys.exit(1)

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            self.fail([_("Không tìm thấy tệp %(path)s.") % {"path": path}])
        try:
            day = datetime.date.fromisoformat(options["date"])
        except ValueError:
            self.fail([_("Ngày không hợp lệ: %(date)s (dạng YYYY-MM-DD).") % {"date": options["date"]}])
        level = (options["abolish_level"] or "").strip().upper()
        try:
            loaded = mapping.load(path, day, level)
        except ImportFailed as failed:
            self.fail([*failed.errors, _("%(count)s lỗi: không ghi dữ liệu nào.") % {"count": len(failed.errors)}])
        seen = services.preview(loaded, limit=0)
        counts = _("%(units)s đơn vị kết thúc, %(people)s người, %(enrolments)s lượt đăng ký đang mở, %(lines)s dòng "
                   "kế hoạch, %(accounts)s tài khoản") % {
            "units": seen["units_count"], "people": seen["people_count"], "enrolments": seen["enrolments_count"],
            "lines": seen["lines_count"], "accounts": seen["accounts_count"]}
        if options["dry_run"]:
            self.stdout.write(_("Kiểm tra (không ghi): ") + counts)
            return
        done = services.apply(loaded)
        self.stdout.write(_("Đã sắp xếp: %(units)s đơn vị kết thúc, %(people)s người chuyển sang đơn vị mới, "
                            "%(plans)s kế hoạch và %(lines)s dòng kế hoạch chuyển, %(accounts)s tài khoản đổi phạm "
                            "vi.") % done)
