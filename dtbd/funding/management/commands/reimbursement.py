"""dtbd reimbursement --cost F --commitment-months T1 --served-months T2 [--case CASE]

Prints the amount to reimburse in whole đồng, digits only (docs/domain.md §14.3). A value out of range exits 1 with
the message on stderr and nothing on stdout."""
import sys

from django.core.management.base import BaseCommand, CommandError

from dtbd.funding import reimbursement


def _integer(text):
    text = text.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isdigit():
        raise reimbursement.BadValue(f"«{text}» không phải là số nguyên.")
    return int(text)


class Command(BaseCommand):
    help = "Tính số tiền đền bù chi phí đào tạo (đồng) theo chi phí, thời gian cam kết và thời gian đã phục vụ."

    def add_arguments(self, parser):
        parser.add_argument("--cost", required=True, help="chi phí đào tạo F (đồng, số nguyên ≥ 0)")
        parser.add_argument("--commitment-months", required=True, help="thời gian cam kết T1 (tháng, > 0)")
        parser.add_argument("--served-months", required=True, help="thời gian đã phục vụ T2 (tháng, ≥ 0)")
        parser.add_argument("--case", default=reimbursement.UNFINISHED, help="trường hợp: " + ", ".join(reimbursement.CASES))

    def run_from_argv(self, argv):
        # Argument errors exit 1 (argparse's own would be 2) with the message on stderr only.
        try:
            super().run_from_argv(argv)
        except SystemExit as exc:
            if exc.code not in (0, None):
                sys.exit(1)
            raise

    def handle(self, *args, cost, commitment_months, served_months, case, **options):
        try:
            value = reimbursement.amount(_integer(cost), _integer(commitment_months), _integer(served_months), case)
        except reimbursement.BadValue as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(value))
