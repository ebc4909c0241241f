"""The effectiveness reports of the registry (level 3; docs/domain.md §16.4): by programme, provider and unit of the
learners, for the forms of the unit's subtree due in the year — due, rated, overdue, self-assessed, the mean index
with its band, the products by kind — as CSV, .xlsx and PDF; a unit officer reads only their subtree; aggregates
only; a fixed number of queries whatever the number of forms."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dtbd.evaluation import effectiveness
from dtbd.evaluation.models import EffectivenessForm
from dtbd.people.models import Person
from dtbd.people.testing import make_person
from dtbd.reports import renderers
from dtbd.reports.registry import ALL, get_report
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class, make_program, make_provider

from .builders import bulk_people

pytestmark = pytest.mark.django_db

D = datetime.date
YEAR = 2026
ON = D(2026, 9, 30)  # the report's date: a form not rated by 31/08/2026 (30 days before) is overdue
NAMES = ["effectiveness-by-programme", "effectiveness-by-provider", "effectiveness-by-unit"]


def _completed(cls, person):
    return Enrollment.objects.create(training_class=cls, person=person, source=Enrollment.Source.NOMINATED,
                                     state=Enrollment.State.COMPLETED, completed_on=cls.ends_on)


def _form(cls, person, due_on, scores=None, kind="", self_score=None, rater=None):
    form = EffectivenessForm.objects.create(enrollment=_completed(cls, person), person=person, due_on=due_on)
    if scores:
        effectiveness.rate(form, rater, dict(zip(EffectivenessForm.SCORE_FIELDS, scores)), kind,
                           "" if kind == "NONE" else f"Sản phẩm {person.code}")
    if self_score:
        form.self_score, form.self_at = self_score, timezone.now()
        form.save()
    return form


@pytest.fixture
def world(tree, users):
    """Two programmes, two providers, three classes; six forms due in 2026 (and one of 2025) of people of so_a (one in
    the department itself, two in its office), of so_b's office and of the commune:

        form  person        class (programme, provider)  due         scores → index  product     self
        1     A1 so_a       C1 (P1, A)                   01/03/2026  8 7 9 8 → 8,00  initiative  9
        2     A2 phong_a    C1 (P1, A)                   01/03/2026  6 6 7 6 → 6,25  report      —
        3     A3 phong_a    C2 (P2, A)                   15/06/2026  not rated (overdue)         7
        4     B1 phong_b    C3 (P1, B)                   20/09/2026  not rated (not yet overdue) —
        5     B1 phong_b    C2 (P2, A)                   10/04/2026  10 9 9 10 → 9,50 project    8
        6     X1 xa         C3 (P1, B)                   01/02/2026  5 5 4 5 → 4,75  none        —
        7     A1 so_a       C4 (P1, B)                   01/11/2025  2 2 2 2 (another year)"""
    p1 = make_program("HQ_P1", name="Bồi dưỡng quản lý nhà nước")
    p2 = make_program("HQ_P2", name="Bồi dưỡng kỹ năng lãnh đạo")
    a = make_provider("HQ_A", "Trường Chính trị Hiệu Quả")
    b = make_provider("HQ_B", "Học viện Khu vực Thử")

    def cls(code, program, provider, ends_on):
        return make_class(code, capacity=10, status=TrainingClass.Status.FINISHED, program=program, provider=provider,
                          starts_on=ends_on - datetime.timedelta(days=10), ends_on=ends_on)

    c1, c2 = cls("HQR1", p1, a, D(2025, 9, 1)), cls("HQR2", p2, a, D(2025, 10, 15))
    c3, c4 = cls("HQR3", p1, b, D(2025, 8, 1)), cls("HQR4", p1, b, D(2025, 5, 1))
    a1 = make_person(tree.so_a, code="HQR_A1", full_name="Lê Văn Mộtsở")
    a2 = make_person(tree.phong_a, code="HQR_A2", full_name="Lê Thị Haiphòng")
    a3 = make_person(tree.phong_a, code="HQR_A3", full_name="Lê Văn Baphòng")
    b1 = make_person(tree.phong_b, code="HQR_B1", full_name="Trịnh Văn Tàichính")
    x1 = make_person(tree.xa, code="HQR_X1", full_name="Đỗ Thị Xãthử")
    rater = users.province
    _form(c1, a1, D(2026, 3, 1), (8, 7, 9, 8), "INITIATIVE", 9, rater)
    _form(c1, a2, D(2026, 3, 1), (6, 6, 7, 6), "REPORT", rater=rater)
    _form(c2, a3, D(2026, 6, 15), self_score=7)
    _form(c3, b1, D(2026, 9, 20))
    _form(c2, b1, D(2026, 4, 10), (10, 9, 9, 10), "PROJECT", 8, rater)
    _form(c3, x1, D(2026, 2, 1), (5, 5, 4, 5), "NONE", rater=rater)
    _form(c4, a1, D(2025, 11, 1), (2, 2, 2, 2), "NONE", rater=rater)
    return {"p1": p1, "p2": p2, "a": a, "b": b, "people": [a1, a2, a3, b1, x1]}


def rows_of(name, unit, year=YEAR, on=ON):
    """{code: (due, rated, overdue, self-assessed, index, band, self index, proposal, report, project, initiative,
    none)} with the index as text."""
    rows = get_report(name).rows(unit, on, year)
    return {str(r[0]): (*r[1:5], None if r[5] is None else str(r[5]), r[6],
                        None if r[7] is None else str(r[7]), *r[8:]) for r in rows}


def test_the_figures_by_programme_computed_by_hand(world, tree):
    assert rows_of("effectiveness-by-programme", tree.root) == {
        # P1: forms 1, 2, 4, 6; (32 + 25 + 19) / 12 = 6,333… → 6,33 khá; form 4 is due 10 days before the date
        "HQ_P1": (4, 3, 0, 1, "6.33", "KHA", "9.00", 0, 1, 0, 1, 1),
        # P2: forms 3 (overdue) and 5; 38 / 4 = 9,50 tốt; self (7 + 8) / 2
        "HQ_P2": (2, 1, 1, 2, "9.50", "TOT", "7.50", 0, 0, 1, 0, 0),
        # 114 / 16 = 7,125 → 7,13 (half up) khá; self (9 + 7 + 8) / 3
        ALL: (6, 4, 1, 3, "7.13", "KHA", "8.00", 0, 1, 1, 1, 1),
    }


def test_the_figures_by_provider_and_by_unit(world, tree):
    assert rows_of("effectiveness-by-provider", tree.root) == {
        "HQ_A": (4, 3, 1, 3, "7.92", "KHA", "8.00", 0, 1, 1, 1, 0),  # (32 + 25 + 38) / 12 = 7,9166…
        "HQ_B": (2, 1, 0, 0, "4.75", "TB", None, 0, 0, 0, 0, 1),
        ALL: (6, 4, 1, 3, "7.13", "KHA", "8.00", 0, 1, 1, 1, 1),
    }
    assert rows_of("effectiveness-by-unit", tree.root) == {
        "SO_A": (3, 2, 1, 2, "7.13", "KHA", "8.00", 0, 1, 0, 1, 0),  # forms 1–3: (32 + 25) / 8 = 7,125
        "SO_B": (2, 1, 0, 1, "9.50", "TOT", "8.00", 0, 0, 1, 0, 0),
        "XA01": (1, 1, 0, 0, "4.75", "TB", None, 0, 0, 0, 0, 1),
        ALL: (6, 4, 1, 3, "7.13", "KHA", "8.00", 0, 1, 1, 1, 1),
    }
    # Within Sở Nội vụ: the person placed in the department itself apart from its office.
    assert rows_of("effectiveness-by-unit", tree.so_a) == {
        "SO_A": (1, 1, 0, 1, "8.00", "TOT", "9.00", 0, 0, 0, 1, 0),
        "SO_A.P1": (2, 1, 1, 1, "6.25", "KHA", "7.00", 0, 1, 0, 0, 0),
        ALL: (3, 2, 1, 2, "7.13", "KHA", "8.00", 0, 1, 0, 1, 0),
    }
    # Another year; later on, form 4 is overdue too.
    assert rows_of("effectiveness-by-programme", tree.root, year=2025)["HQ_P1"][:5] == (1, 1, 0, 0, "2.00")
    assert rows_of("effectiveness-by-programme", tree.root, on=D(2026, 10, 21))["HQ_P1"][2] == 1


def test_a_person_who_left_is_counted_where_they_left_from(world, tree):
    a2 = Person.objects.get(code="HQR_A2")
    a2.left_on = D(2026, 5, 31)
    a2.save()
    a2.unit_assignments.update(valid_to=a2.left_on)
    assert rows_of("effectiveness-by-unit", tree.so_a)["SO_A.P1"][:2] == (2, 1)


def test_every_format_aggregates_only(world, tree):
    report = get_report("effectiveness-by-programme")
    result = renderers.run(report, tree.root, ON, YEAR)
    csv = renderers.render(result, "csv").decode()
    assert csv.splitlines()[0] == ("key,due,rated,overdue,self_assessed,index,band,self_index,product_PROPOSAL,"
                                   "product_REPORT,product_PROJECT,product_INITIATIVE,product_NONE")
    assert "HQ_P1,4,3,0,1,6.33,KHA,9.00,0,1,0,1,1" in csv.splitlines()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(renderers.render(result, "xlsx"))).get_sheet_by_index(0)
    table = sheet.to_python()
    cells = [str(c) for row in table for c in row]
    assert "Hiệu quả sau đào tạo, bồi dưỡng theo chương trình" in cells and "Năm 2026" in cells
    assert "Quá hạn chưa đánh giá" in cells and "Sáng kiến" in cells
    total = next(row for row in table if row and row[0] == "Tổng cộng")
    assert total[1:8] == [6, 4, 1, 3, 7.13, "Khá", 8.0]
    assert "HQ_P1 — Bồi dưỡng quản lý nhà nước" in cells
    assert renderers.render(result, "pdf").startswith(b"%PDF")
    everything = csv + " ".join(cells)
    for person in world["people"]:
        assert person.full_name not in everything and person.code not in everything
    assert "Sản phẩm" not in everything  # the products' titles stay on the forms


def test_a_unit_officer_reads_only_their_subtree(world, tree, users, client):
    client.force_login(users.officer)  # scoped to so_a
    url = reverse("reports:report", args=["effectiveness-by-provider"])
    response = client.get(url, {"unit": tree.so_a.pk, "year": YEAR})
    assert response.status_code == 200
    body = response.content.decode()
    # so_a's forms 1–3 are all of provider A: B (so_b's and the commune's classes) is not there.
    assert "Trường Chính trị Hiệu Quả" in body and "Học viện Khu vực Thử" not in body
    download = client.get(reverse("reports:download", args=["effectiveness-by-unit", "xlsx"]),
                          {"unit": tree.so_a.pk, "year": YEAR})
    assert download.status_code == 200
    cells = [str(c) for row in CalamineWorkbook.from_filelike(io.BytesIO(download.content))
             .get_sheet_by_index(0).to_python() for c in row]
    assert "Phòng Tổ chức" in cells and "Sở Tài chính" not in cells and "UBND xã Thử" not in cells
    # The refusal: a unit outside the scope is "not found", naming nothing of it.
    for name in NAMES:
        for unit in (tree.root, tree.so_b):
            for target in (reverse("reports:report", args=[name]), reverse("reports:download", args=[name, "csv"])):
                refused = client.get(target, {"unit": unit.pk, "year": YEAR})
                assert refused.status_code == 404
                assert "Sở Tài chính" not in refused.content.decode()
                assert "Học viện Khu vực Thử" not in refused.content.decode()


def _many_forms(tree, count, code):
    """`count` rated and unrated forms of new people of so_b's office, in one new class: bulk INSERTs."""
    before = set(Person.objects.values_list("pk", flat=True))
    bulk_people(tree.phong_b, count)
    people = Person.objects.exclude(pk__in=before).order_by("pk")
    cls = make_class(code, capacity=count, status=TrainingClass.Status.FINISHED, program=make_program(f"P_{code}"),
                     provider=make_provider(f"PR_{code}", f"Cơ sở {code}"), starts_on=D(2025, 9, 1),
                     ends_on=D(2025, 9, 10))
    enrolments = Enrollment.objects.bulk_create(
        [Enrollment(training_class=cls, person=p, source=Enrollment.Source.NOMINATED,
                    state=Enrollment.State.COMPLETED) for p in people])
    rated = {"score_applied": 7, "score_performance": 8, "score_relevance": 7, "score_product": 8,
             "manager_index": "7.50", "product_kind": "REPORT", "rated_at": timezone.now()}
    EffectivenessForm.objects.bulk_create(
        [EffectivenessForm(enrollment=e, person_id=e.person_id, due_on=D(2026, 3, 10), **(rated if i % 2 else {}))
         for i, e in enumerate(enrolments)])


def test_the_query_count_is_fixed_whatever_the_number_of_forms(world, tree, users, client,
                                                              django_assert_max_num_queries):
    client.force_login(users.province)
    client.get(reverse("reports:index"))  # warm up (session, per-process caches)
    counts = {}
    for size, code in ((3, "HQN1"), (40, "HQN2")):
        _many_forms(tree, size, code)
        for name in NAMES:
            with django_assert_max_num_queries(30) as ctx:
                response = client.get(reverse("reports:report", args=[name]), {"unit": tree.root.pk, "year": YEAR})
            assert response.status_code == 200
            counts.setdefault(name, []).append(len(ctx.captured_queries))
            with django_assert_max_num_queries(3):  # the grouped figures, the groups' labels, the rule
                get_report(name).rows(tree.root, ON, YEAR)
    for name, (small, large) in counts.items():
        assert small == large, name
    assert rows_of("effectiveness-by-unit", tree.root)["SO_B"][:2] == (2 + 43, 1 + 1 + 20)
