import datetime

from dtbd.people import validators as val
from dtbd.people.validators import citizen_id_error, phone_error


def test_citizen_id_digits_and_consistency():
    assert citizen_id_error("12345") == "Số CCCD phải gồm đúng 12 chữ số."
    assert citizen_id_error("001085012345", datetime.date(1985, 1, 1), "NAM") is None
    assert citizen_id_error("001185012345", datetime.date(1985, 1, 1), "NU") is None
    assert citizen_id_error("001285012345", datetime.date(2085, 1, 1), "NAM") is None
    assert "thứ 4" in citizen_id_error("001085012345", datetime.date(1985, 1, 1), "NU")
    assert "5–6" in citizen_id_error("001086012345", datetime.date(1985, 1, 1), "NAM")


def test_phone():
    assert phone_error("0912345678") is None
    assert phone_error("+84912345678") is None
    assert phone_error("091234567") is not None


def test_phone_and_citizen_id_take_ascii_digits_only():
    assert val.phone_error("0912345678") is None
    assert val.citizen_id_error("001085123456") is None
    for phone in ("٠٩١٢٣٤٥٦٧٨", "０９１２３４５６７８", "+84٩١٢٣٤٥٦٧٨"):
        assert val.phone_error(phone) is not None, phone
    for phone in ("٠٩١٢٣٤٥٦٧٨", "0912345678\n", "09123456789"):
        assert not val.PHONE_RE.match(phone), phone  # the import uses the pattern directly
    for cid in ("٠٠١٠٨٥١٢٣٤٥٦", "00108512345٦", "001085123456\n"):
        assert val.citizen_id_error(cid) == "Số CCCD phải gồm đúng 12 chữ số.", cid


def test_dates_are_checked_against_the_day_given_or_the_apps_today(monkeypatch):
    # The app's today is timezone.localdate() (TIME_ZONE): 23:30 on 31/12 in UTC is already 01/01 in Hà Nội.
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.timezone.utc))
    new_year = datetime.date(2026, 1, 1)
    assert val.recruited_on_error(new_year, datetime.date(1990, 5, 1)) is None
    assert val.recruited_on_error(datetime.date(2026, 1, 2), None) == "Ngày tuyển dụng ở tương lai."
    assert val.recruited_on_error(new_year, None, today=datetime.date(2025, 12, 31)) == "Ngày tuyển dụng ở tương lai."
    assert val.birth_date_error(datetime.date(2010, 1, 1)) is None  # 16 on 01/01/2026, Hà Nội's today
