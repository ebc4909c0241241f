"""Rules that depend on who and when (docs/domain.md §1, §7.1, §7.5, §8): RANK_QLNN for civil servants' ranks only,
the title certificate of public employees by dated rows, the rule set in force on each side of 01/07/2025, hours by
sector over a calendar year, a school year and a rolling period — each at its boundary."""
import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dtbd.core.models import Source
from dtbd.people.models import Qualification
from dtbd.people.testing import make_person
from dtbd.standards.engine import hours_standing, people_for, requirement_counts, rule_sets_on
from dtbd.standards.models import Requirement, RuleSet

pytestmark = pytest.mark.django_db

D = datetime.date


def counts(unit, date):
    return {c.code: (c.applicable, c.met, c.missing) for c in requirement_counts(unit, date)}


def status(unit, code, date):
    return {p.code: p.is_missing for p in people_for(unit, date, code)}


def credit(person, hours, issued_on, major="Bồi dưỡng"):
    return Qualification.objects.create(person=person, type="BD", level="GCN", hours=hours, issued_on=issued_on,
                                        major=major, source=Source.ENTERED)


# -- RANK_QLNN and the title certificate ---------------------------------------------------------------------------
def test_rank_qlnn_applies_to_civil_servants_ranks_not_to_professional_titles(tree):
    make_person(tree.so_a, code="CC", category="CC", rank="01.003")
    make_person(tree.so_a, code="GV", category="VC", rank="V.07.05.14")  # tier CV, but a title, not a rank
    make_person(tree.so_a, code="BS", category="VC", rank="V.08.01.02")  # tier CVC
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2026, 11, 1)):
        assert status(tree.root, "RANK_QLNN", day) == {"CC": True}


def test_title_certificate_by_grade_while_the_sector_requires_it(tree):
    make_person(tree.so_a, code="NONE", category="VC", rank="V.07.05.14")
    make_person(tree.so_a, code="LOWER", category="VC", rank="V.07.05.14", qualifications=[("CDNN", "HANG_III")])
    make_person(tree.so_a, code="SAME", category="VC", rank="V.07.05.14", qualifications=[("CDNN", "HANG_II")])
    make_person(tree.so_a, code="HIGHER", category="VC", rank="V.07.05.14", qualifications=[("CDNN", "HANG_I")])
    make_person(tree.so_a, code="CC", category="CC", rank="01.003", qualifications=[("QLNN", "CV")])
    make_person(tree.so_a, code="NURSE", category="VC", rank="V.08.05.12")  # no title-certificate row for nurses
    expected = {"NONE": True, "LOWER": True, "SAME": False, "HIGHER": False}
    # The teachers' rows are dated: from 20/03/2021 to 31/12/2025, then the sector no longer requires it.
    assert "TITLE_CDNN" not in counts(tree.root, D(2021, 3, 19))
    assert status(tree.root, "TITLE_CDNN", D(2021, 3, 20)) == expected
    assert status(tree.root, "TITLE_CDNN", D(2025, 12, 31)) == expected
    assert "TITLE_CDNN" not in counts(tree.root, D(2026, 1, 1))
    # A sector that brings the requirement back is a new row, not code.
    row = Requirement.objects.filter(code="TITLE_CDNN", rank_code="V.07.05.14").first()
    row.pk, row.valid_from, row.valid_to = None, D(2027, 1, 1), None
    row.save()
    assert status(tree.root, "TITLE_CDNN", D(2027, 1, 1)) == expected
    assert "TITLE_CDNN" not in counts(tree.root, D(2026, 12, 31))


# -- rule sets switch on 01/07/2025 ----------------------------------------------------------------------------------
def test_rule_sets_in_force_on_each_side_of_1_july_2025():
    nd101, nd171 = RuleSet.objects.get(code="ND101_2017"), RuleSet.objects.get(code="ND171_2025")
    assert rule_sets_on(D(2025, 6, 30)) == {"CB": nd101.pk, "CC": nd101.pk, "VC": nd101.pk}
    assert rule_sets_on(D(2025, 7, 1)) == {"CB": nd101.pk, "CC": nd171.pk, "VC": nd101.pk}
    # Each seeded row of the fostering decrees is linked to one of them, with its legal basis.
    for code in ("ANNUAL_HOURS", "RANK_QLNN"):
        linked = set(Requirement.objects.filter(code=code).values_list("rule_set__code", flat=True))
        assert {"ND101_2017", "ND171_2025"} <= linked
    assert all("171/2025" in b for b in Requirement.objects.filter(rule_set=nd171).values_list("legal_basis", flat=True))


def test_a_review_uses_the_rules_in_force_on_its_date(tree):
    # Decree 171's row for civil servants is edited (60 tiết): only reviews from 01/07/2025 read it.
    Requirement.objects.filter(code="ANNUAL_HOURS", rule_set__code="ND171_2025").update(hours=60)
    cc = make_person(tree.so_a, code="CC", category="CC")
    vc = make_person(tree.so_a, code="VC", category="VC")
    for person in (cc, vc):
        credit(person, 50, D(2025, 3, 1))
    assert status(tree.root, "ANNUAL_HOURS", D(2025, 6, 30)) == {"CC": False, "VC": False}
    assert status(tree.root, "ANNUAL_HOURS", D(2025, 7, 1)) == {"CC": True, "VC": False}
    assert hours_standing([cc.pk], D(2025, 6, 30))[cc.pk].row.rule_set.code == "ND101_2017"
    assert hours_standing([cc.pk], D(2025, 7, 1))[cc.pk].row.rule_set.code == "ND171_2025"
    # RANK_QLNN: the same person is judged by the rows of 101 before, of 171 after.
    Requirement.objects.filter(code="RANK_QLNN", rule_set__code="ND171_2025").update(valid_to=D(2025, 6, 30))
    make_person(tree.so_a, code="R", category="CC", rank="01.003")
    assert "R" in status(tree.root, "RANK_QLNN", D(2025, 6, 30))
    assert "R" not in status(tree.root, "RANK_QLNN", D(2025, 7, 1))


# -- hours by sector and period ---------------------------------------------------------------------------------------
def test_teachers_count_120_tiet_per_school_year_from_1_september(tree):
    teacher = make_person(tree.so_a, code="GV", category="VC", rank="V.07.05.14")
    clerk = make_person(tree.so_a, code="CV", category="VC", rank="01.003")
    credit(teacher, 90, D(2025, 9, 1))  # first day of the school year 2025–2026
    credit(teacher, 30, D(2026, 8, 31))  # its last day
    credit(teacher, 40, D(2026, 9, 1))  # first day of 2026–2027
    credit(clerk, 40, D(2026, 8, 31))
    on_31_august = hours_standing([teacher.pk, clerk.pk], D(2026, 8, 31))
    t = on_31_august[teacher.pk]
    assert (t.start, t.end, t.required, t.total) == (D(2025, 9, 1), D(2026, 8, 31), 120, 120)
    assert [q.hours for q in t.credits] == [90, 30]
    assert status(tree.root, "ANNUAL_HOURS", D(2026, 8, 31)) == {"GV": False, "CV": False}
    on_1_september = hours_standing([teacher.pk], D(2026, 9, 1))[teacher.pk]
    assert (on_1_september.start, on_1_september.end, on_1_september.total) == (D(2026, 9, 1), D(2027, 8, 31), 40)
    # 40 tiết meet the general minimum, but a teacher is held to the sector's 120 only.
    assert status(tree.root, "ANNUAL_HOURS", D(2026, 9, 1)) == {"GV": True, "CV": False}
    assert hours_standing([clerk.pk], D(2026, 9, 1))[clerk.pk].required == 40


def test_health_workers_count_a_rolling_two_year_period(tree):
    nurse = make_person(tree.so_a, code="DD", category="VC", rank="V.08.05.12")
    end = D(2026, 12, 31)
    first = D(2025, 1, 1)  # the rolling period of 2 years ending on 31/12/2026 starts on 01/01/2025
    credit(nurse, 24, first)
    credit(nurse, 24, end)
    s = hours_standing([nurse.pk], end)[nurse.pk]
    assert (s.start, s.end, s.required, s.total) == (first, end, 48, 48)
    assert status(tree.root, "ANNUAL_HOURS", end) == {"DD": False}
    # A day later the first day's 24 tiết fall out of the period; a certificate of the day before never counted.
    assert status(tree.root, "ANNUAL_HOURS", D(2027, 1, 1)) == {"DD": True}
    Qualification.objects.filter(person=nurse, issued_on=first).update(issued_on=D(2024, 12, 31))
    assert status(tree.root, "ANNUAL_HOURS", end) == {"DD": True}
    # The certificate issued on the review date counts; one issued the day after does not.
    Qualification.objects.filter(person=nurse, issued_on=D(2024, 12, 31)).update(issued_on=D(2025, 6, 1))
    assert status(tree.root, "ANNUAL_HOURS", end) == {"DD": False}
    Qualification.objects.filter(person=nurse, issued_on=end).update(issued_on=D(2027, 1, 1))
    assert status(tree.root, "ANNUAL_HOURS", end) == {"DD": True}


def test_period_of_a_rolling_rule_ending_on_29_february():
    r = Requirement(kind="ANNUAL_HOURS", period="ROLLING", period_years=2, hours=48)
    assert r.period_on(D(2028, 2, 29)) == (D(2026, 3, 1), D(2028, 2, 29))
    assert Requirement(period="SCHOOL").period_on(D(2026, 8, 31)) == (D(2025, 9, 1), D(2026, 8, 31))
    assert Requirement(period="SCHOOL").period_on(D(2026, 9, 1)) == (D(2026, 9, 1), D(2027, 8, 31))
    assert Requirement(period="YEAR").period_on(D(2026, 9, 1)) == (D(2026, 1, 1), D(2026, 12, 31))


def test_annual_hours_report_counts_each_person_by_their_own_rule(tree):
    teacher = make_person(tree.so_a, code="GV", category="VC", rank="V.07.05.14")
    clerk = make_person(tree.so_a, code="CV", category="CC", rank="01.003")
    credit(teacher, 60, D(2026, 3, 1))
    credit(clerk, 60, D(2026, 3, 1))
    # On 31/08/2026: the clerk has 60 ≥ 40 of the year, the teacher 60 < 120 of the school year.
    assert counts(tree.root, D(2026, 8, 31))["ANNUAL_HOURS"] == (2, 1, 1)


# -- the hours review shows the hours -------------------------------------------------------------------------------
def test_hours_drill_down_and_export_show_the_period_the_tiet_and_what_counts(client, users, tree):
    teacher = make_person(tree.phong_a, code="GV", full_name="Nguyễn Thị Giáo", category="VC", rank="V.07.05.14")
    credit(teacher, 90, D(2025, 9, 1), major="Bồi dưỡng thường xuyên module 1")
    credit(teacher, 30, D(2025, 8, 31), major="Khoá của năm học trước")
    client.force_login(users.officer)
    params = {"date": "31/08/2026", "unit": tree.so_a.pk}
    page = client.get(reverse("standards:review_code", args=["ANNUAL_HOURS"]), params)
    html = page.content.decode()
    assert page.status_code == 200
    assert "90/120 tiết, kỳ 01/09/2025 – 31/08/2026" in html
    assert "Bồi dưỡng thường xuyên module 1" in html and "Khoá của năm học trước" not in html
    export = client.get(reverse("standards:review_export", args=["ANNUAL_HOURS"]), params)
    book = CalamineWorkbook.from_filelike(io.BytesIO(export.content))
    rows = book.get_sheet_by_index(0).to_python()
    header = [str(c) for c in rows[2]]
    assert "Số tiết được tính" in header and "Số tiết yêu cầu" in header
    line = next(r for r in rows if r[1] == "GV")
    assert line[header.index("Số tiết được tính")] == 90 and line[header.index("Số tiết yêu cầu")] == 120
    assert "Bồi dưỡng thường xuyên module 1" in line[header.index("Các khoá được tính")]
    credits = book.get_sheet_by_index(1).to_python()
    assert [r[0] for r in credits[1:]] == ["GV"]


def test_a_rule_is_checked_whole_before_it_is_saved():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as rolling:
        Requirement(code="H", name="Giờ", kind="ANNUAL_HOURS", hours=48, period="ROLLING").full_clean()
    assert "period_years" in rolling.value.message_dict
    with pytest.raises(ValidationError) as title:
        Requirement(code="T", name="CDNN", kind="TITLE_CERT", min_level="HANG_II").full_clean()
    assert "title_families" in title.value.message_dict
    with pytest.raises(ValidationError) as grade:
        Requirement(code="T", name="CDNN", kind="TITLE_CERT", title_families="V.08", min_level="CVC").full_clean()
    assert "min_level" in grade.value.message_dict
    ok = Requirement(code="T", name="CDNN", kind="TITLE_CERT", title_families="V.08", min_level="HANG_III")
    ok.full_clean()
    ok.save()
    assert ok.qualification_type == "CDNN" and ok.min_level_order == 2


def test_hours_drill_down_reads_a_fixed_number_of_queries(client, users, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users.officer)
    params = {"date": "31/08/2026", "unit": tree.so_a.pk}
    url = reverse("standards:review_code", args=["ANNUAL_HOURS"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    teacher = make_person(tree.phong_a, code="GV0", category="VC", rank="V.07.05.14")
    credit(teacher, 10, D(2026, 1, 5))
    few = queries()
    for n in range(6):
        p = make_person(tree.phong_a, code=f"P{n}", category="VC" if n % 2 else "CC",
                        rank="V.08.05.12" if n % 3 == 0 else "01.003")
        credit(p, 8, D(2026, 2, 1))
        credit(p, 8, D(2025, 3, 1))
    assert queries() == few
