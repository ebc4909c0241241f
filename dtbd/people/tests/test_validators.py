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
