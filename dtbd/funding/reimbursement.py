"""The reimbursement formula (docs/domain.md §14.3): the one place it is computed.

    unfinished (default)              S = F / T1 × (T1 − T2), 0 when T2 ≥ T1
    dropped_out, dismissed, no_diploma S = F, whatever T2
    illness, disaster, transfer        S = 0

F the cost paid by the agency (whole đồng), T1 the committed months, T2 the months served. Exact arithmetic on
integers (no floating point), rounded to the nearest đồng, a half rounded up."""
from fractions import Fraction

UNFINISHED = "unfinished"
FULL = ("dropped_out", "dismissed", "no_diploma")
EXEMPT = ("illness", "disaster", "transfer")
CASES = (UNFINISHED, *FULL, *EXEMPT)


class BadValue(ValueError):
    """A value out of range; the message says which, in Vietnamese."""


def _whole(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadValue(f"{name} phải là số nguyên (nhận «{value}»).")
    if value < minimum:
        raise BadValue(f"{name} phải lớn hơn hoặc bằng {minimum} (nhận {value}).")
    return value


def round_half_up(value: Fraction) -> int:
    """The nearest integer to a non-negative fraction, a half rounded up."""
    return int((value * 2 + 1) // 2)


def amount(cost: int, commitment_months: int, served_months: int, case: str = UNFINISHED) -> int:
    """The amount to reimburse in đồng. Raises BadValue for F < 0, T1 < 1, T2 < 0 or an unknown case."""
    _whole("Chi phí đào tạo (F)", cost, 0)
    _whole("Thời gian cam kết (T1, tháng)", commitment_months, 1)
    _whole("Thời gian đã phục vụ (T2, tháng)", served_months, 0)
    if case not in CASES:
        raise BadValue(f"Trường hợp «{case}» không hợp lệ (được dùng: {', '.join(CASES)}).")
    if case in EXEMPT:
        return 0
    if case in FULL:
        return cost
    if served_months >= commitment_months:
        return 0
    return round_half_up(Fraction(cost, commitment_months) * (commitment_months - served_months))
