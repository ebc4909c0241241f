"""Staff list: scope, filters computed in the database, htmx partial, constant query count, export."""
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.models import Source
from dtbd.core.text import vn_sort_key
from dtbd.people import queries
from dtbd.people.models import Ethnicity, Person, UnitAssignment
from dtbd.people.services import record_leave
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db

URL = reverse("people:person_list")
TODAY = datetime.date.today()


def codes(response):
    return [p.code for p in response.context["rows"]]


def years_ago(years, days=0):
    return queries.years_before(TODAY, years) - datetime.timedelta(days=days)


@pytest.fixture
def staff(tree, users):
    """A handful of people across the tree (plus the learner HV001 in phong_a from `users`)."""
    return {
        "an": make_person(
            tree.so_a, code="A001", full_name="Nguyễn Văn An", category="CC", rank="01.003", post_level="TP",
            post_title="Trưởng phòng Tổ chức", qualifications=[("LLCT", "TC"), ("QLNN", "CV")], party_member=True,
            birth_date=years_ago(40),
        ),
        "anh": make_person(
            tree.phong_a, code="A002", full_name="Nguyễn Thị Ánh", gender="NU", ethnicity="Tày", category="VC",
            education="THS", birth_date=years_ago(28),
        ),
        "binh": make_person(tree.so_b, code="B001", full_name="Lê Văn Bình", category="CC", rank="01.002", birth_date=years_ago(56)),
        "dung": make_person(tree.xa, code="X001", full_name="Đặng Dũng", category="CB", education="TC", birth_date=years_ago(35)),
    }


def test_officer_sees_only_their_subtree(client, users, staff):
    client.force_login(users.officer)
    response = client.get(URL)
    assert response.status_code == 200
    assert codes(response) == ["A002", "A001", "HV001"]  # by name: Nguyễn Thị Ánh, Nguyễn Văn An, Trần Thị Học
    html = response.content.decode()
    assert "Lê Văn Bình" not in html and "Đặng Dũng" not in html
    # the unit choices are limited to the officer's subtree
    units = list(response.context["filter"].form.fields["unit"].queryset.values_list("code", flat=True))
    assert units == ["SO_A", "SO_A.P1"]


def test_rows_are_ordered_by_name(client, users, staff):
    client.force_login(users.province)
    # Đặng Dũng < Lê Văn Bình < Nguyễn Thị Ánh < Nguyễn Văn An < Trần Thị Học
    assert codes(client.get(URL)) == ["X001", "B001", "A002", "A001", "HV001"]


# Vietnamese alphabetical order (docs/decisions/0003-vietnamese-collation.md): đ after d, ă and â after a, tone marks
# none < hỏi < ngã < sắc < nặng between names spelt alike; the same code order breaks ties.
VIETNAMESE_ORDER = ["Anh", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ăn", "Ân", "Bình", "Dũng", "Dương Văn A", "Đặng Thị B", "Đỗ C"]


def test_rows_follow_the_vietnamese_alphabet(client, users, tree):
    for number, name in enumerate(reversed(VIETNAMESE_ORDER)):  # created in another order than the expected one
        make_person(tree.phong_b, code=f"V{number:02}", full_name=name)
    client.force_login(users.province)
    response = client.get(URL, {"unit": tree.phong_b.pk})
    assert [person.full_name for person in response.context["rows"]] == VIETNAMESE_ORDER
    sheet = _sheet(client.get(reverse("people:person_export"), {"unit": tree.phong_b.pk}))
    assert [row[2] for row in sheet[1:]] == VIETNAMESE_ORDER


def test_columns_show_current_values(client, users, staff):
    client.force_login(users.province)
    html = client.get(URL, {"q": "A001"}).content.decode()
    for text in ("A001", "Nguyễn Văn An", "Sở Nội vụ", "Công chức", "01.003", "Trưởng phòng Tổ chức", "Đại học", "Trung cấp"):
        assert text in html, text
    assert years_ago(40).strftime("%d/%m/%Y") in html


def test_rank_column_gives_the_rank_name_beside_its_code(client, users, staff):
    """A rank is shown by its name (Chuyên viên), its code (01.003) as a small line under it."""
    client.force_login(users.province)
    html = client.get(URL, {"q": "A001"}).content.decode()
    row = html[html.index("Nguyễn Văn An"):]
    row = row[:row.index("</tr>")]
    assert ">Chuyên viên<" in row and ">01.003<" in row  # both as text, not in a tooltip
    assert row.index(">Chuyên viên<") < row.index(">01.003<")


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "nguyen van an"}, ["A001"]),
        ({"q": "NGUYỄN"}, ["A001", "A002"]),
        ({"q": "a00"}, ["A001", "A002"]),  # code: case-insensitive prefix
        ({"q": "dang dung"}, ["X001"]),  # đ folds to d
        ({"unit": "SO_A"}, ["A001", "A002", "HV001"]),
        ({"unit": "SO_A.P1"}, ["A002", "HV001"]),
        ({"category": "CC"}, ["A001", "HV001", "B001"]),
        ({"rank": "01.002"}, ["B001"]),
        ({"post_level": "TP"}, ["A001"]),
        ({"post_level": "ANY"}, ["A001"]),
        ({"education": "THS"}, ["A002"]),
        ({"education": "TC"}, ["X001"]),
        ({"llct": "TC"}, ["A001"]),
        ({"llct": "NONE"}, ["A002", "X001", "B001", "HV001"]),
        ({"qlnn": "CV"}, ["A001"]),
        ({"gender": "NU"}, ["A002"]),
        ({"ethnic_minority": "1"}, ["A002"]),
        ({"ethnic_minority": "0"}, ["A001", "X001", "B001", "HV001"]),
        ({"party_member": "1"}, ["A001"]),
        ({"age_band": "U30"}, ["A002"]),
        ({"age_band": "U35"}, ["A002"]),
        ({"age_band": "35_45"}, ["A001", "X001", "HV001"]),
        ({"age_band": "55P"}, ["B001"]),
        ({"age_from": "35", "age_to": "35"}, ["X001"]),
        ({"category": "CC", "unit": "SO_B"}, ["B001"]),
    ],
)
def test_filters(client, users, staff, tree, params, expected):
    units = {u.code: u.pk for u in (tree.so_a, tree.phong_a, tree.so_b)}
    if "unit" in params:
        params = {**params, "unit": units[params["unit"]]}
    client.force_login(users.province)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert sorted(codes(response)) == sorted(expected)


def test_age_band_boundaries(client, users, tree):
    make_person(tree.so_a, code="Y30", birth_date=years_ago(30))  # 30 today
    make_person(tree.so_a, code="Y29", birth_date=years_ago(30) + datetime.timedelta(days=1))  # 30 tomorrow
    client.force_login(users.province)
    assert "Y29" in codes(client.get(URL, {"age_band": "U30"}))
    assert "Y30" not in codes(client.get(URL, {"age_band": "U30"}))
    assert "Y30" in codes(client.get(URL, {"age_band": "30_35"}))


def test_highest_level_filter_uses_the_current_highest_only(client, users, tree):
    make_person(tree.so_a, code="Q1", education="DH", qualifications=[("EDU", "THS")])
    make_person(tree.so_a, code="Q2", education="DH")
    client.force_login(users.province)
    assert set(codes(client.get(URL, {"education": "DH"}))) == {"HV001", "Q2"}
    assert codes(client.get(URL, {"education": "THS"})) == ["Q1"]


def test_people_who_left_are_hidden_unless_asked(client, users, staff):
    record_leave(staff["binh"], datetime.date(2025, 1, 31), "RETIRED")
    client.force_login(users.province)
    assert "B001" not in codes(client.get(URL))
    response = client.get(URL, {"include_left": "on"})
    assert "B001" in codes(response)
    row = next(p for p in response.context["rows"] if p.code == "B001")
    assert row.unit_name == "Sở Tài chính"  # their last unit
    assert "đã thôi công tác" in response.content.decode()
    # the unit and category filters read their last records too
    assert codes(client.get(URL, {"include_left": "on", "unit": staff["binh"].unit_assignments.get().unit_id})) == ["B001"]
    assert "B001" in codes(client.get(URL, {"include_left": "on", "category": "CC"}))


def test_htmx_request_returns_only_the_results(client, users, staff):
    client.force_login(users.officer)
    response = client.get(URL, {"q": "nguyen van an"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="person-results")
    html = response.content.decode()
    assert "Nguyễn Văn An" in html and "<html" not in html
    assert html.count("<form") == html.count('<form class="job-start"') == 1  # no filter form: only the export button
    assert "HX-Request" in response["Vary"]
    full = client.get(URL).content.decode()
    assert 'hx-get="%s"' % URL in full and 'hx-target="#person-results"' in full and 'hx-push-url="true"' in full
    assert "input changed delay:400ms from:#person-q" in full


def test_pagination_50_per_page_with_htmx_links(client, users, tree):
    _bulk_people(tree.so_a, 120)
    client.force_login(users.province)
    response = client.get(URL)
    assert len(response.context["rows"]) == 50
    assert response.context["page_obj"].paginator.count == 121  # + the learner
    html = response.content.decode()
    assert 'hx-target="#person-results"' in html and "page=2" in html
    assert len(client.get(URL, {"page": 3}).context["rows"]) == 21


def test_invalid_filter_value_shows_an_error_not_a_crash(client, users, staff):
    client.force_login(users.officer)
    response = client.get(URL, {"unit": "999999", "age_from": "abc"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_learner_list_shows_only_themselves_and_no_edit_buttons(client, users, staff):
    client.force_login(users.learner)
    response = client.get(URL)
    assert codes(response) == ["HV001"]
    assert reverse("people:person_create") not in response.content.decode()


# ---------- constant number of queries ----------


def _bulk_people(unit, n, prefix="P"):
    kinh = Ethnicity.objects.get(name="Kinh")
    people = Person.objects.bulk_create(
        [
            Person(code=f"{prefix}{i:05d}", full_name=f"Người Thứ {i}", name_folded=f"nguoi thu {i}",
                   name_sort=vn_sort_key(f"Người Thứ {i}"), birth_date=datetime.date(1980, 1, 1), gender="NAM", ethnicity=kinh)
            for i in range(n)
        ]
    )
    UnitAssignment.objects.bulk_create([UnitAssignment(person=p, unit=unit, source=Source.IMPORTED) for p in people])
    return people


def test_same_number_of_queries_for_10_and_1000_rows(client, users, tree, django_assert_num_queries):
    _bulk_people(tree.so_a, 10, prefix="S")
    client.force_login(users.officer)
    client.get(URL)  # warm caches (content types, session)

    def count_queries(params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, params)
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    small, response = count_queries({})
    assert len(response.context["rows"]) == 11  # + the learner
    small_filtered, _ = count_queries({"q": "nguoi", "category": "", "education": "NONE", "unit": tree.so_a.pk})
    _bulk_people(tree.phong_a, 1000, prefix="L")
    with django_assert_num_queries(small):
        response = client.get(URL)
    assert response.context["page_obj"].paginator.count == 1011
    assert len(response.context["rows"]) == 50
    with django_assert_num_queries(small_filtered):
        response = client.get(URL, {"q": "nguoi", "category": "", "education": "NONE", "unit": tree.so_a.pk})
    assert response.context["page_obj"].paginator.count == 1010
    assert small <= 10


# ---------- export ----------


def _sheet(response):
    content = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_index(0).to_python()


def test_export_all_filtered_rows_with_dates_and_masked_citizen_id(client, users, staff):
    Person.objects.filter(code="A001").update(citizen_id="001085012345", email="an@example.vn", phone="0912345678")
    client.force_login(users.leader)  # read-only: citizen ID and phone masked (dtbd.people.masking)
    response = client.get(reverse("people:person_export"), {"q": "nguyen"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = _sheet(response)
    header = rows[0]
    assert header[:4] == ["STT", "Mã cán bộ", "Họ và tên", "Ngày sinh"]
    body = {row[1]: dict(zip(header, row)) for row in rows[1:]}
    assert set(body) == {"A001", "A002"}
    an = body["A001"]
    assert an["Số CCCD"] == "********2345"
    assert an["Email"] == "an@example.vn" and an["Điện thoại"] == "******5678"
    assert an["Ngày sinh"] == years_ago(40)  # a real Excel date
    assert an["Lý luận chính trị"] == "Trung cấp" and an["Quản lý nhà nước"] == "Chuyên viên"
    assert an["Đơn vị"] == "Sở Nội vụ" and an["Mã ngạch"] == "01.003"


def test_export_shows_citizen_id_to_officer_and_stays_in_scope(client, users, staff):
    Person.objects.filter(code="A001").update(citizen_id="001085012345")
    client.force_login(users.officer)
    rows = _sheet(client.get(reverse("people:person_export")))
    header = rows[0]
    body = {row[1]: dict(zip(header, row)) for row in rows[1:]}
    assert set(body) == {"A001", "A002", "HV001"}
    assert body["A001"]["Số CCCD"] == "001085012345"


def test_export_date_format_is_dd_mm_yyyy(client, users, staff):
    import zipfile

    client.force_login(users.province)
    response = client.get(reverse("people:person_export"))
    content = b"".join(response.streaming_content)
    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()
    assert 'formatCode="dd/mm/yyyy"' in styles
