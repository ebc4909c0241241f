"""`dtbd plan-optimise INSTANCE.json [--time-limit SECONDS] [--output RESULT.json]` (docs/domain.md §13.5).

Exit 0 with the result JSON on stdout (or in --output, stdout then empty); exit 1 with the Vietnamese message(s)
naming the field and item on stderr, and nothing on stdout, for a file that cannot be read or a malformed
instance. No database is touched."""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dtbd.plans.optimiser import DEFAULT_TIME_LIMIT, InstanceError, loads, solve


def positive_seconds(text):
    value = float(text)
    if not value > 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = ("Tối ưu kế hoạch mở lớp: chọn lớp mở và người học để đáp ứng nhiều nhu cầu nhất (theo trọng số) trong "
            "ngân sách; đọc bài toán JSON, ghi kết quả JSON.")
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("instance", help=_("tệp bài toán .json"))
        parser.add_argument("--time-limit", type=positive_seconds, default=DEFAULT_TIME_LIMIT,
                            help=_("thời gian giải tối đa, giây (mặc định 60)"))
        parser.add_argument("--output", help=_("ghi kết quả vào tệp này thay vì ra màn hình"))

    def fail(self, lines):
        for line in lines:
            self.stderr.write(line)
        sys.exit(1)

    def handle(self, *args, **options):
        path = Path(options["instance"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.fail([_("%(path)s: không đọc được tệp bài toán (%(reason)s)")
                       % {"path": path, "reason": getattr(error, "strerror", None) or error}])
        try:
            instance = loads(text)
        except InstanceError as error:
            self.fail(error.errors)
        result = solve(instance, options["time_limit"])
        payload = json.dumps(result.to_json(), ensure_ascii=False, indent=1)
        if options["output"]:
            try:
                Path(options["output"]).write_text(payload + "\n", encoding="utf-8")
            except OSError as error:
                self.fail([_("%(path)s: không ghi được tệp kết quả (%(reason)s)")
                           % {"path": options["output"], "reason": error.strerror}])
        else:
            self.stdout.write(payload)
