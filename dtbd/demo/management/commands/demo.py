"""`dtbd demo [--seed N] [--staff N] [--if-empty]`: build the demo province into an empty database."""
from django.core.management.base import BaseCommand, CommandError

from dtbd.demo import MIN_STAFF, generate
from dtbd.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoError, database_is_empty, load


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu tỉnh mẫu (tỉnh Tuyên Quang giả lập: đơn vị, cán bộ, quá trình công tác, văn bằng, chứng chỉ và "
        "các tài khoản demo) vào cơ sở dữ liệu trống: Tuyên Quang và Hà Giang đến 30/06/2025, rồi sáp nhập và bỏ cấp "
        "huyện từ 01/07/2025 bằng các phương án sắp xếp tổ chức bộ máy. Cùng --seed luôn cho cùng dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên (mặc định 1)")
        parser.add_argument("--staff", type=int, default=3000, help=f"số cán bộ đang công tác (mặc định 3000, tối thiểu {MIN_STAFF})")
        parser.add_argument(
            "--if-empty", action="store_true", help="bỏ qua (thoát với mã 0) khi cơ sở dữ liệu đã có đơn vị hoặc cán bộ"
        )

    def handle(self, *args, seed, staff, if_empty, **options):
        if staff < MIN_STAFF:
            raise CommandError(f"--staff phải từ {MIN_STAFF} trở lên (đang là {staff}).")
        if not database_is_empty():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu, bỏ qua.")
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có đơn vị hoặc cán bộ: dữ liệu mẫu chỉ được tạo vào cơ sở dữ liệu trống "
                "(dùng --if-empty để bỏ qua mà không báo lỗi)."
            )
        self.stdout.write(f"Đang tạo tỉnh mẫu (seed {seed}, {staff} cán bộ)…")
        province = generate(seed, staff)
        try:
            result = load(province)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã tạo {result.units} đơn vị, {result.people} cán bộ đang công tác và {result.left} người đã nghỉ, "
                f"{result.records} bản ghi quá trình, {result.qualifications} văn bằng, chứng chỉ "
                f"trong {result.seconds:.1f} giây."
            )
        )
        for summary, basis in zip(result.reorganisations or [], (r.note for r in province.reorganisations)):
            self.stdout.write(
                f"Sắp xếp tổ chức bộ máy từ 01/07/2025 ({basis}): {summary['units']} đơn vị kết thúc, "
                f"{summary['people']} người chuyển sang đơn vị mới, {summary['links']} liên kết đơn vị cũ – mới."
            )
        if result.plans:
            p = result.plans

            def money(amount):
                return f"{amount:,}".replace(",", ".")

            self.stdout.write(
                f"Kế hoạch đào tạo, bồi dưỡng năm {p['year']}: {p['plan_lines']} dòng, dự toán {money(p['plan_cost'])} "
                f"đồng (được giao {money(p['budget_cap'])} đồng), đang thực hiện; dự thảo năm {p['year'] + 1}: "
                f"{p['next_lines']} dòng từ {money(p['next_needs'])} nhu cầu."
            )
        if result.funding:
            f = result.funding
            self.stdout.write(
                f"Đánh giá, xếp loại: {f['assessments']} lượt; cử đi đào tạo sau đại học: {f['dispatches']} người "
                f"({f['abroad']} ở nước ngoài), {f.get('left', 0)} người nghỉ việc phải đền bù; thu hút nhân tài: "
                f"{f['attracted']} người; tạo nguồn: {f['candidates']} người, {f['recruited']} đã tuyển dụng."
            )
        if result.surveys:
            s = result.surveys
            self.stdout.write(f"Khảo sát chất lượng: {s['surveys']} lớp, {s['forms']} phiếu trả lời.")
        if result.evaluation:
            e = result.evaluation
            self.stdout.write(
                f"Đánh giá hiệu quả sau đào tạo: {e['effectiveness']} phiếu ({e['rated']} đã đánh giá); "
                f"kết quả năm {e['published']} đã công khai tại /cong-khai/."
            )
        names = ", ".join(username for username, *_rest in DEMO_ACCOUNTS)
        self.stdout.write(f"Tài khoản demo: {names} (mật khẩu {DEMO_PASSWORD}).")
