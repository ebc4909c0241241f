"""The reorganisation pages (docs/domain.md §15): upload → preview → confirm (a background job), the operations on a
unit (merge, split, dissolve, move, rename), each previewed without writing and applied on confirmation; province
managers only."""
import datetime
import tempfile
from pathlib import Path

import pytest
from django.db import models
from django.urls import reverse

from dtbd.core.models import Job
from dtbd.core.spreadsheet import write_sheet
from dtbd.org.models import Lineage, Unit
from dtbd.org.testing import make_unit
from dtbd.people.models import Person, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.reorganisation import services
from dtbd.reorganisation.models import Operation
from dtbd.reorganisation.services import HEADERS, Row

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 7, 1)
BEFORE = DAY - datetime.timedelta(days=1)


@pytest.fixture
def world(tree, users):
    h1 = make_unit("H1", "UBND huyện Một", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN")
    x1 = make_unit("X1", "UBND xã Một", parent=h1, kind="UBND_XA", admin_level="XA")
    new = make_unit("XN1", "UBND xã Mới", parent=tree.root, kind="UBND_XA", admin_level="XA", valid_from=DAY)
    people = [make_person(h1, code=f"H1-{i}") for i in range(2)] + [make_person(x1, code=f"X1-{i}") for i in range(3)]
    return dict(h1=h1, x1=x1, new=new, people=people)


def mapping_file(rows):
    path = Path(tempfile.mkdtemp()) / "sap-xep.xlsx"
    return write_sheet(path, list(HEADERS), [list(r) for r in rows])


def unit_of(code, day):
    return UnitAssignment.objects.valid_on(day).get(person__code=code).unit.code


@pytest.mark.parametrize("role", ["officer", "leader", "institution", "learner"])
def test_only_province_managers_reorganise(client, users, world, role):
    client.force_login(getattr(users, role))
    operation = Operation.objects.create(kind=Operation.Kind.MERGE, on_date=DAY,
                                         rows=[{"row": 2, "old": "H1", "new": "XN1"}])
    for url in (reverse("reorganisation:index"), reverse("reorganisation:template"),
                reverse("reorganisation:detail", args=[operation.pk]),
                reverse("reorganisation:unit_operation", args=[world["h1"].pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("reorganisation:confirm", args=[operation.pk])).status_code == 403
    assert client.post(reverse("reorganisation:index"), {"on_date": "2025-07-01"}).status_code == 403
    assert Operation.objects.get(pk=operation.pk).status == Operation.Status.PREPARED
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()
    body = client.get(reverse("org:unit_detail", args=[users.officer.scope_unit_id])).content.decode()
    assert reverse("reorganisation:unit_operation", args=[users.officer.scope_unit_id]) not in body


def test_upload_preview_then_confirm_runs_a_job(client, users, world, media_root):
    client.force_login(users.province)
    with mapping_file([("H1", "XN1", "NQ 1/2025"), ("X1", "XN1", "")]).open("rb") as handle:
        response = client.post(reverse("reorganisation:index"),
                               {"file": handle, "on_date": "2025-07-01", "abolish_level": ""})
    operation = Operation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reorganisation:detail",
                                                                            args=[operation.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'id="count-people">5<' in page and "H1-0" in page
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()  # the preview wrote nothing
    response = client.post(reverse("reorganisation:confirm", args=[operation.pk]))
    job = Job.objects.get(kind=Job.Kind.REORGANISE)
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == Job.Status.DONE, job.error
    operation.refresh_from_db()
    assert operation.status == Operation.Status.DONE and operation.summary["people"] == 5
    assert {unit_of(p.code, DAY) for p in world["people"]} == {"XN1"}
    assert {unit_of(p.code, BEFORE) for p in world["people"]} == {"H1", "X1"}
    # The unit page of the successor shows its predecessors.
    page = client.get(reverse("org:unit_detail", args=[world["new"].pk])).content.decode()
    assert "UBND huyện Một" in page and "lineage-predecessor" in page


def test_a_bad_file_is_refused_whole_with_the_rows(client, users, world):
    client.force_login(users.province)
    with mapping_file([("H1", "XN1", ""), ("H1", "XN1", ""), ("NOPE", "XN1", "")]).open("rb") as handle:
        page = client.post(reverse("reorganisation:index"),
                           {"file": handle, "on_date": "2025-07-01", "abolish_level": "HUYEN"}).content.decode()
    assert "đã có ở dòng 2" in page and "NOPE" in page
    assert not Operation.objects.exists()


def test_merge_two_units_into_a_new_one(client, users, tree, world):
    client.force_login(users.province)
    h2 = make_unit("H2", "UBND huyện Hai", parent=tree.root, kind="UBND_HUYEN", admin_level="HUYEN")
    make_person(h2, code="H2-0")
    response = client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]), {
        "kind": "MERGE", "on_date": "2025-07-01", "others": "H2", "new_code": "XM", "new_name": "Xã Hợp Nhất",
        "new_parent": tree.root.code, "new_kind": "UBND_XA", "new_level": "XA", "note": "NQ 2"})
    operation = Operation.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="count-people">4<' in page
    assert not Unit.objects.filter(code="XM").exists()  # previewed in a transaction rolled back
    client.post(reverse("reorganisation:confirm", args=[operation.pk]))
    merged = Unit.objects.get(code="XM")
    assert merged.valid_from == DAY
    assert Person.objects.in_subtree(merged.path, DAY).count() == 4
    assert set(Lineage.objects.filter(successor=merged).values_list("predecessor__code", flat=True)) == {"X1", "H2"}


def test_split_with_people_chosen_per_successor(client, users, tree, world):
    client.force_login(users.province)
    other = make_unit("XN2", "UBND xã Mới Hai", parent=tree.root, kind="UBND_XA", admin_level="XA", valid_from=DAY)
    data = {"kind": "SPLIT", "on_date": "2025-07-01", "successor": "XN1, XN2"}
    step = client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]), data).content.decode()
    people = {p.code: p for p in world["people"]}
    assert 'name="person_%d"' % people["X1-0"].pk in step
    choices = {f"person_{people['X1-0'].pk}": "XN2", f"person_{people['X1-1'].pk}": "XN1",
               f"person_{people['X1-2'].pk}": "XN2"}
    response = client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]),
                           {**data, "assign": "1", **choices})
    operation = Operation.objects.get()
    client.post(reverse("reorganisation:confirm", args=[operation.pk]))
    assert {code: unit_of(code, DAY) for code in ("X1-0", "X1-1", "X1-2")} == {
        "X1-0": "XN2", "X1-1": "XN1", "X1-2": "XN2"}
    assert Unit.objects.get(code="X1").valid_to == BEFORE
    assert set(Lineage.objects.filter(predecessor__code="X1").values_list("successor__code", flat=True)) == {
        "XN1", "XN2"}
    del other


def test_move_under_a_new_parent_creates_the_successor(client, users, tree, world):
    client.force_login(users.province)
    response = client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]), {
        "kind": "MOVE", "on_date": "2025-07-01", "new_code": "X1M", "new_parent": tree.root.code})
    client.post(reverse("reorganisation:confirm", args=[Operation.objects.get().pk]))
    moved = Unit.objects.get(code="X1M")
    assert moved.parent_id == tree.root.pk and moved.name == "UBND xã Một"
    assert unit_of("X1-0", DAY) == "X1M" and unit_of("X1-0", BEFORE) == "X1"
    assert response.status_code == 302


def test_rename_keeps_the_unit_and_its_old_name(client, users, world):
    client.force_login(users.province)
    client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]), {
        "kind": "RENAME", "on_date": "2025-07-01", "new_name": "UBND xã Một Mới"})
    client.post(reverse("reorganisation:confirm", args=[Operation.objects.get().pk]))
    unit = Unit.objects.get(code="X1")
    assert unit.name == "UBND xã Một Mới" and unit.valid_to is None
    assert Lineage.objects.get(predecessor=unit, successor=unit).old_name == "UBND xã Một"
    assert unit_of("X1-0", DAY) == "X1"


def test_a_refused_operation_writes_nothing(client, users, world):
    client.force_login(users.province)
    response = client.post(reverse("reorganisation:unit_operation", args=[world["x1"].pk]), {
        "kind": "MERGE", "on_date": "2025-07-01", "successor": "NOPE"})
    page = client.get(response["Location"]).content.decode()
    assert "NOPE" in page and 'id="confirm"' not in page
    client.post(reverse("reorganisation:confirm", args=[Operation.objects.get().pk]))
    assert not UnitAssignment.objects.filter(valid_from=DAY).exists()
    assert Unit.objects.get(code="X1").valid_to is None


def test_the_list_of_operations_is_one_query_whatever_its_length(client, users, world, django_assert_max_num_queries):
    client.force_login(users.province)
    for n in range(12):
        Operation.objects.create(kind=Operation.Kind.MERGE, on_date=DAY, created_by=users.province,
                                 rows=[{"row": 2, "old": "H1", "new": "XN1"}], note=f"NQ {n}")
    client.get(reverse("reorganisation:index"))  # warm the session and the user
    with django_assert_max_num_queries(8):
        body = client.get(reverse("reorganisation:index")).content.decode()
    assert body.count("NQ ") >= 12


def test_two_operations_of_one_day_and_a_placement_ending_the_day_before(users, tree, world):
    """The end of the district level, then a province merged into another on the same day (the demo's 01/07/2025):
    the second operation finds the districts' placements already ended on D − 1 and carries nobody twice; a placement
    that ends on D − 1 (the person changed unit that day) is not carried over."""
    other = make_unit("T02", "UBND tỉnh Hai", kind="UBND_TINH")
    h2 = make_unit("H2", "UBND huyện Hai", parent=other, kind="UBND_HUYEN", admin_level="HUYEN")
    in_district, in_province = make_person(h2, code="H2-0"), make_person(other, code="T02-0")
    moved = UnitAssignment.objects.get(person__code="X1-0")
    moved.valid_to = BEFORE
    moved.save()
    UnitAssignment.objects.create(person=moved.person, unit=tree.so_a, valid_from=DAY)

    first = services.check([Row(2, "H1", "XN1"), Row(3, "H2", "XN1")], DAY, "HUYEN")
    assert services.preview(first)["people_count"] == 5  # H1's two, X1's other two, H2's one
    assert services.apply(first, users.province)["people"] == 5
    second = services.check([Row(2, "T02", "T01")], DAY)
    assert services.preview(second)["people_count"] == 1
    summary = services.apply(second, users.province)
    assert (summary["people"], summary["units"]) == (1, 1)  # T02 itself: H2 had already ended

    assert unit_of("X1-0", DAY) == "SO_A" and unit_of("H2-0", DAY) == "XN1" and unit_of("T02-0", DAY) == "T01"
    assert not UnitAssignment.objects.filter(person__code="X1-0", unit__code="XN1").exists()
    for person in (in_district, in_province, moved.person):
        assert UnitAssignment.objects.valid_on(DAY).filter(person=person).count() == 1
    assert not UnitAssignment.objects.filter(valid_from__gt=models.F("valid_to")).exists()
    assert set(Lineage.objects.values_list("predecessor__code", "successor__code")) == {
        ("H1", "XN1"), ("X1", "XN1"), ("H2", "XN1"), ("T02", "T01")}
