"""Field rules shared by the forms, the import and the API. Each returns a message (in the active language,
Vietnamese by default) or None."""
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.core.text import CODE_RE, code_error  # noqa: F401 — the code rule of units and people

# ASCII digits only ([0-9], not \d: '٠١٢' are Unicode digits too); \Z, since '$' also matches before a final '\n'.
CITIZEN_ID_RE = re.compile(r"^[0-9]{12}\Z")
PHONE_RE = re.compile(r"^(?:0[0-9]{9}|\+84[0-9]{9})\Z")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_AGE, MAX_AGE = 16, 75


def citizen_id_error(value, birth_date=None, gender=None):
    """12 digits; digit 4 = century+gender (0 male 1900s, 1 female 1900s, 2 male 2000s, 3 female 2000s),
    digits 5-6 = last two digits of the birth year."""
    if not CITIZEN_ID_RE.fullmatch(value or ""):
        return _("Số CCCD phải gồm đúng 12 chữ số.")
    if birth_date is not None and gender in ("NAM", "NU"):
        century = 0 if birth_date.year < 2000 else 2
        expected = str(century + (1 if gender == "NU" else 0))
        if value[3] != expected:
            if gender == "NU":
                message = _("Chữ số thứ 4 của số CCCD phải là %(digit)s (giới tính Nữ, sinh năm %(year)s).")
            else:
                message = _("Chữ số thứ 4 của số CCCD phải là %(digit)s (giới tính Nam, sinh năm %(year)s).")
            return message % {"digit": expected, "year": birth_date.year}
        if value[4:6] != f"{birth_date.year % 100:02d}":
            return _("Chữ số thứ 5–6 của số CCCD phải là %(digits)s (năm sinh %(year)s).") % {
                "digits": f"{birth_date.year % 100:02d}", "year": birth_date.year,
            }
    return None


def age_on(birth_date, on_date):
    return on_date.year - birth_date.year - ((on_date.month, on_date.day) < (birth_date.month, birth_date.day))


def birth_date_error(birth_date, on_date=None):
    on_date = on_date or timezone.localdate()
    age = age_on(birth_date, on_date)
    if age < MIN_AGE or age > MAX_AGE:
        return _("Tuổi tính đến ngày %(date)s là %(age)s, phải từ %(min)s đến %(max)s.") % {
            "date": f"{on_date:%d/%m/%Y}", "age": age, "min": MIN_AGE, "max": MAX_AGE,
        }
    return None


def recruited_on_error(recruited_on, birth_date, today=None):
    """`today`: the day of the check (default: today where the app runs, TIME_ZONE)."""
    if birth_date and recruited_on and age_on(birth_date, recruited_on) < MIN_AGE:
        return _("Ngày tuyển dụng trước khi đủ %(min)s tuổi.") % {"min": MIN_AGE}
    if recruited_on and recruited_on > (today or timezone.localdate()):
        return _("Ngày tuyển dụng ở tương lai.")
    return None


def phone_error(value):
    compact = re.sub(r"[\s.]", "", value or "")
    if not PHONE_RE.fullmatch(compact):
        return _("Số điện thoại phải gồm 10 chữ số bắt đầu bằng 0, hoặc +84 và 9 chữ số.")
    return None


def normalize_phone(value):
    return re.sub(r"[\s.]", "", value or "")


def email_error(value):
    if not EMAIL_RE.match(value or ""):
        return _("Địa chỉ email không hợp lệ.")
    return None
