"""`dtbd report qualification-structure`: who is counted where, on which date (docs/domain.md §6, §11.4)."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from dtbd.core.models import Source
from dtbd.org.testing import make_unit
from dtbd.people.models import CategoryAssignment, Qualification, UnitAssignment
from dtbd.people.services import change_single, record_leave
from dtbd.people.testing import make_person
from dtbd.reports.queries import qualification_structure

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = "level,TS,THS,DH,CD,TC,SC,CQDT,total\n"


def report(*args, **options):
    out = io.StringIO()
    call_command("report", *args, stdout=out, **options)
    return out.getvalue()


def csv_for(unit_code, date):
    return report("qualification-structure", "--unit", unit_code, "--date", date)


@pytest.fixture
def province(db):
    """A province before and after the 1 July 2025 reorganisation, and people whose records differ."""
    from types import SimpleNamespace

    root = make_unit("BT", "UBND tỉnh Bến Thử", kind="UBND_TINH")
    so = make_unit("BT.SNV", "Sở Nội vụ", parent=root)
    huyen = make_unit("BT.H1", "UBND huyện Giồng Thử", parent=root, kind="UBND_HUYEN", admin_level="HUYEN",
                      valid_to=D(2025, 6, 30))
    xa_old = make_unit("BT.H1.X1", "UBND xã An Thử", parent=huyen, kind="UBND_XA", admin_level="XA", valid_to=D(2025, 6, 30))
    xa_new = make_unit("BT.X01", "UBND xã Giồng Thử", parent=root, kind="UBND_XA", admin_level="XA", valid_from=D(2025, 7, 1))
    other = make_unit("KH", "UBND tỉnh Khác", kind="UBND_TINH")

    # A doctorate issued on 02/01/2025, on top of a bachelor's degree.
    doctor = make_person(so, code="P_TS", education="DH", qualifications=[("EDU", "TS", D(2025, 1, 2))])
    # Moves from the district to the new commune on 01/07/2025.
    mover = make_person(huyen, code="P_MOVE", education="THS")
    change_single(mover, UnitAssignment, D(2025, 7, 1), Source.DECISION, unit=xa_new)
    # Contract worker (HD): never counted.
    make_person(so, code="P_HD", category="HD", education="DH")
    # Public employee who leaves on 31/03/2025 (last working day).
    leaver = make_person(so, code="P_LEFT", category="VC", education="CD")
    record_leave(leaver, D(2025, 3, 31), "RETIRED")
    # No education record: counted nowhere.
    make_person(xa_old, code="P_NOEDU", category="CB", education=None)
    # Commune cadre never trained, moved to the new commune with the reorganisation.
    untrained = make_person(xa_old, code="P_CQDT", category="CB", education="CQDT")
    change_single(untrained, UnitAssignment, D(2025, 7, 1), Source.DECISION, unit=xa_new)
    # Contract worker (HD) recruited as a civil servant (CC) on 01/01/2025, at the province's own office.
    recruited = make_person(root, code="P_CAT", category="HD", education="TC")
    change_single(recruited, CategoryAssignment, D(2025, 1, 1), Source.DECISION, category="CC")
    # Another province: outside every subtree above.
    make_person(other, code="P_OTHER", education="TS")
    return SimpleNamespace(root=root, so=so, huyen=huyen, xa_old=xa_old, xa_new=xa_new, other=other, doctor=doctor)


def test_before_the_recruitment_and_the_new_degree(province):
    assert csv_for("BT", "2024-12-31") == HEADER + (
        "TINH,0,0,1,1,0,0,0,2\n"
        "HUYEN,0,1,0,0,0,0,0,1\n"
        "XA,0,0,0,0,0,0,1,1\n"
        "ALL,0,1,1,1,0,0,1,4\n"
    )


def test_a_degree_issued_the_day_after_the_date_does_not_count(province):
    # 01/01/2025: the doctorate (issued 02/01/2025) is not held yet; the recruit is now CC.
    assert csv_for("BT", "2025-01-01") == HEADER + (
        "TINH,0,0,1,1,1,0,0,3\n"
        "HUYEN,0,1,0,0,0,0,0,1\n"
        "XA,0,0,0,0,0,0,1,1\n"
        "ALL,0,1,1,1,1,0,1,5\n"
    )
    assert csv_for("BT", "2025-01-02").splitlines()[1] == "TINH,1,0,0,1,1,0,0,3"


def test_a_person_who_left_is_counted_until_their_last_day(province):
    assert csv_for("BT.SNV", "2025-03-31") == HEADER + "TINH,1,0,0,1,0,0,0,2\nALL,1,0,0,1,0,0,0,2\n"
    assert csv_for("BT.SNV", "2025-04-01") == HEADER + "TINH,1,0,0,0,0,0,0,1\nALL,1,0,0,0,0,0,0,1\n"


def test_last_day_of_the_district_level(province):
    assert csv_for("BT", "2025-06-30") == HEADER + (
        "TINH,1,0,0,0,1,0,0,2\n"
        "HUYEN,0,1,0,0,0,0,0,1\n"
        "XA,0,0,0,0,0,0,1,1\n"
        "ALL,1,1,0,0,1,0,1,4\n"
    )


def test_after_the_reorganisation_the_district_row_is_gone(province):
    expected = HEADER + (
        "TINH,1,0,0,0,1,0,0,2\n"
        "XA,0,1,0,0,0,0,1,2\n"
        "ALL,1,1,0,0,1,0,1,4\n"
    )
    assert csv_for("BT", "2025-07-01") == expected
    assert csv_for("BT", "2026-01-01") == expected


def test_a_dissolved_unit_reports_its_past_and_nothing_after(province):
    assert csv_for("BT.H1", "2025-06-30") == HEADER + (
        "HUYEN,0,1,0,0,0,0,0,1\n"
        "XA,0,0,0,0,0,0,1,1\n"
        "ALL,0,1,0,0,0,0,1,2\n"
    )
    assert csv_for("BT.H1", "2025-07-01") == HEADER + "ALL,0,0,0,0,0,0,0,0\n"


def test_an_expired_qualification_does_not_count(province):
    Qualification.objects.filter(person=province.doctor, level="TS").update(valid_until=D(2025, 12, 31))
    assert csv_for("BT.SNV", "2025-12-31").splitlines()[1] == "TINH,1,0,0,0,0,0,0,1"
    assert csv_for("BT.SNV", "2026-01-01").splitlines()[1] == "TINH,0,0,1,0,0,0,0,1"


def test_unknown_start_counts_on_every_earlier_date(province):
    # Imported records have no start date: the people are counted even long before.
    assert csv_for("BT", "1990-01-01").splitlines()[-1] == "ALL,0,1,1,1,0,0,1,4"


def test_default_date_is_today(province):
    assert report("qualification-structure", "--unit", "BT") == csv_for("BT", datetime.date.today().isoformat())


def test_xlsx_has_the_same_numbers(province, tmp_path):
    from python_calamine import CalamineWorkbook

    target = tmp_path / "out.xlsx"
    out = report("qualification-structure", "--unit", "BT", "--date", "2025-01-01", "--format", "xlsx",
                 "--output", str(target))
    assert out == ""
    sheet = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "Cơ cấu trình độ chuyên môn theo cấp hành chính"
    assert "BT" in sheet[1][0] and "01/01/2025" in sheet[2][0]
    header = sheet[4]
    assert header == ["Cấp hành chính", "Tiến sĩ", "Thạc sĩ", "Đại học", "Cao đẳng", "Trung cấp", "Sơ cấp",
                      "Chưa qua đào tạo", "Tổng số"]
    body = [[row[0]] + [int(v) for v in row[1:]] for row in sheet[5:9]]
    assert body == [
        ["Cấp tỉnh", 0, 0, 1, 1, 1, 0, 0, 3],
        ["Cấp huyện (trước 01/07/2025)", 0, 1, 0, 0, 0, 0, 0, 1],
        ["Cấp xã", 0, 0, 0, 0, 0, 0, 1, 1],
        ["Tổng cộng", 0, 1, 1, 1, 1, 0, 1, 5],
    ]


def test_csv_output_file(province, tmp_path):
    target = tmp_path / "out.csv"
    report("qualification-structure", "--unit", "BT", "--date", "2025-07-01", "--output", str(target))
    assert target.read_text(encoding="utf-8") == csv_for("BT", "2025-07-01")


@pytest.mark.parametrize(
    "args, message",
    [
        (["qualification-structure", "--unit", "KHONG_CO"], "không tìm thấy đơn vị có mã «KHONG_CO»"),
        (["qualification-structure", "--unit", "BT", "--date", "31/12/2025"], "ngày không hợp lệ «31/12/2025»"),
        (["khong-co-bao-cao", "--unit", "BT"], "Không có báo cáo «khong-co-bao-cao»"),
        (["qualification-structure", "--unit", "BT", "--format", "pdf"], "dùng --output"),
        (["qualification-structure", "--person", "P_TS"], "báo cáo theo đơn vị: dùng --unit"),
        (["training-history", "--unit", "BT"], "báo cáo theo từng người: dùng --person"),
        (["training-history", "--person", "KHONG_CO"], "không tìm thấy cán bộ có mã «KHONG_CO»"),
        (["qualification-structure", "--unit", "BT", "--format", "xlsx"], "dùng --output"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message(province, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


def test_one_grouped_query_for_the_figures(province, django_assert_num_queries):
    with django_assert_num_queries(2):  # the grouped figures + the levels present
        levels, counts = qualification_structure(province.root, D(2025, 1, 1))
    assert levels == {"TINH", "HUYEN", "XA"}
    assert counts == {("TINH", "DH"): 1, ("TINH", "CD"): 1, ("TINH", "TC"): 1, ("HUYEN", "THS"): 1, ("XA", "CQDT"): 1}


def test_someone_left_in_a_dissolved_unit_is_shown_not_hidden(province):
    # An open record in the district after its dissolution is a data error: the report shows it under HUYEN
    # rather than losing the person (and ALL stays the sum of the rows).
    make_person(province.huyen, code="P_STUCK", education="DH")
    assert csv_for("BT", "2026-01-01") == HEADER + (
        "TINH,1,0,0,0,1,0,0,2\n"
        "HUYEN,0,0,1,0,0,0,0,1\n"
        "XA,0,1,0,0,0,0,1,2\n"
        "ALL,1,1,1,0,1,0,1,5\n"
    )
