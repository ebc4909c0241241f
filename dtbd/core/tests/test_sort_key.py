"""Vietnamese alphabetical order (docs/decisions/0003-vietnamese-collation.md): the key's plain order is the vi order."""
import random
import re
import unicodedata

import pytest
from django.db import connection

from dtbd.core.text import vn_sort_key

# Written by hand from the rules: a < ă < â, d < đ, o < ô < ơ, u < ư (letters of their own), a word that is a prefix
# first ("An" < "An B" < "Anh"), tone marks only between names spelt alike, in the CLDR "vi" order
# none < huyền < hỏi < ngã < sắc < nặng.
EXPECTED = [
    "An", "Àn", "An Bình", "Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ăn", "Ân", "Bình", "Dũng", "Dương Văn A",
    "Đặng Thị B", "Đỗ C", "Đơn", "Ê Đê", "Êz", "Fan", "Giang", "H'Hen", "Hồ", "Hộ", "Hơn", "Tú", "Tư", "Từ", "Ưng",
    "Vy", "Wang", "Y Zam", "Yến", "Zơ",
]


def test_the_key_orders_names_as_the_vietnamese_alphabet():
    shuffled = list(EXPECTED)
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=vn_sort_key) == EXPECTED


def test_the_example_list_in_vietnamese_order():
    names = ["Dương Văn A", "Đặng Thị B", "Đỗ C", "Dũng", "Anh", "Ánh", "Ảnh", "Ãnh", "Ạnh", "Ăn", "Ân", "Bình"]
    assert sorted(names, key=vn_sort_key) == [
        "Anh", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ăn", "Ân", "Bình", "Dũng", "Dương Văn A", "Đặng Thị B", "Đỗ C",
    ]


@pytest.mark.parametrize("same", [
    ("Đặng Thị Bé", "ĐẶNG THỊ BÉ", "đặng  thị bé", " Đặng Thị\tBé "),
    (unicodedata.normalize("NFC", "Nguyễn Ánh"), unicodedata.normalize("NFD", "Nguyễn Ánh")),
])
def test_case_spaces_and_unicode_form_do_not_matter(same):
    assert len({vn_sort_key(name) for name in same}) == 1


def test_the_key_uses_only_digits_and_lowercase_letters_and_fits_the_column():
    name = "Nguyễn Thị Hương Giang-Ł'ß 2 Ƣ " * 4
    key = vn_sort_key(name[:120])
    assert re.fullmatch("[0-9a-z]+", key)
    assert len(vn_sort_key("ź" * 120)) == 3 * 120 + 1 <= 400  # the longest: a foreign letter with a tone mark
    assert vn_sort_key(None) == vn_sort_key("") == "0"


@pytest.mark.django_db
def test_the_database_orders_stored_keys_as_python_and_as_icu_vietnamese():
    """Under the database's own collation the stored keys sort as in Python; on PostgreSQL also as ICU's "vi"."""
    names = EXPECTED + ["ANH", "anh", "Đặng thị b", "An  Bình"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE sort_probe (name varchar(120), name_sort varchar(400))")
        cursor.executemany("INSERT INTO sort_probe VALUES (%s, %s)", [(name, vn_sort_key(name)) for name in names])
        cursor.execute("SELECT name_sort FROM sort_probe ORDER BY name_sort")
        assert [row[0] for row in cursor.fetchall()] == sorted(vn_sort_key(name) for name in names)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu'")
            if cursor.fetchone():
                cursor.execute('SELECT name FROM sort_probe ORDER BY name COLLATE "vi-x-icu"')
                icu = [vn_sort_key(row[0]) for row in cursor.fetchall()]
                assert icu == sorted(icu)
