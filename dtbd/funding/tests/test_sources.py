"""Source cadres (docs/domain.md §14.5): candidates outside the register, their path, recruitment through the people
services, scope, audit, fixed queries."""
import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dtbd.funding import sources
from dtbd.funding.models import Candidate, CandidateStep, Scheme
from dtbd.people import services as people_services
from dtbd.people.models import CategoryAssignment, Ethnicity, Person, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.training.models import Program

pytestmark = pytest.mark.django_db


def client(user):
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


@pytest.fixture
def scheme(users):
    return sources.save_scheme(Scheme(name="Đề án tạo nguồn 2024–2030", decision="Quyết định 99/QĐ-UBND",
                                      valid_from=datetime.date(2024, 1, 1), target=50), users.province)


def new_candidate(scheme, unit, name, **extra):
    values = dict(scheme=scheme, unit=unit, full_name=name, birth_date=datetime.date(2001, 4, 2), gender="NU",
                  organisation="Đại học Bách khoa", field="Công nghệ thông tin",
                  selection=Candidate.Selection.EXCELLENT_GRADUATE, ethnicity=Ethnicity.objects.get(name="Kinh"))
    values.update(extra)
    return Candidate(**values)


@pytest.fixture
def pool(tree, users, scheme):
    return {
        "a": sources.save_candidate(new_candidate(scheme, tree.phong_a, "  Phạm  Thị Nguồn ", citizen_id="001301000123"),
                                    users.province),
        "b": sources.save_candidate(new_candidate(scheme, tree.phong_b, "Vũ Văn Nguồnbê", gender="NAM"), users.province),
    }


def test_candidate_identity_is_checked_with_the_register_rules(tree, users, scheme, pool):
    assert pool["a"].full_name == "Phạm Thị Nguồn"
    with pytest.raises(ValidationError) as exc:
        sources.save_candidate(new_candidate(scheme, tree.phong_a, "X Y", citizen_id="001201000123"), users.province)
    assert "Chữ số thứ 4" in str(exc.value)
    with pytest.raises(ValidationError, match="phạm vi"):
        sources.save_candidate(new_candidate(scheme, tree.phong_b, "Ngoài Sở"), users.officer)


def test_recruit_creates_one_person_through_the_service_and_refuses_twice(tree, users, pool, monkeypatch):
    calls = []
    real = people_services.save_person
    monkeypatch.setattr(people_services, "save_person", lambda *a, **k: calls.append(a) or real(*a, **k))
    before = Person.objects.count()
    person = sources.recruit(pool["a"], users.officer, unit=tree.phong_a, on_date=datetime.date(2025, 8, 1),
                             category="CC", code="NG001")
    assert len(calls) == 1 and Person.objects.count() == before + 1
    pool["a"].refresh_from_db()
    assert pool["a"].person == person and pool["a"].recruited_by == users.officer
    assert (person.full_name, person.birth_date, person.gender, person.citizen_id, person.recruited_on) == (
        "Phạm Thị Nguồn", datetime.date(2001, 4, 2), "NU", "001301000123", datetime.date(2025, 8, 1))
    assert UnitAssignment.objects.get(person=person).unit == tree.phong_a
    assert CategoryAssignment.objects.get(person=person).valid_from == datetime.date(2025, 8, 1)
    # The candidate row stays, with its history; a second recruitment is refused and creates nothing.
    assert Candidate.objects.filter(pk=pool["a"].pk).exists()
    with pytest.raises(ValidationError, match="đã được tuyển dụng"):
        sources.recruit(pool["a"], users.province, unit=tree.phong_a, on_date=datetime.date(2025, 9, 1),
                        category="CC", code="NG002")
    assert Person.objects.count() == before + 1
    with pytest.raises(ValidationError, match="đã được tuyển dụng"):  # their identity lives in the register now
        sources.save_candidate(Candidate.objects.get(pk=pool["a"].pk), users.officer)
    assert LogEntry.objects.get_for_object(pool["a"]).count() >= 2  # created, then linked
    assert LogEntry.objects.get_for_object(person).exists()


def test_recruit_refusals(tree, users, pool):
    make_person(tree.phong_a, code="DUNG")
    with pytest.raises(ValidationError, match="Mã cán bộ này đã có"):
        sources.recruit(pool["a"], users.province, unit=tree.phong_a, on_date=datetime.date(2025, 8, 1),
                        category="CC", code="DUNG")
    with pytest.raises(ValidationError, match="phạm vi"):  # a unit officer places only in their subtree
        sources.recruit(pool["a"], users.officer, unit=tree.phong_b, on_date=datetime.date(2025, 8, 1),
                        category="CC", code="NG010")
    with pytest.raises(PermissionDenied):
        sources.recruit(pool["b"], users.officer, unit=tree.phong_a, on_date=datetime.date(2025, 8, 1),
                        category="CC", code="NG011")
    with pytest.raises(PermissionDenied):
        sources.recruit(pool["a"], users.leader, unit=tree.phong_a, on_date=datetime.date(2025, 8, 1),
                        category="CC", code="NG012")
    assert not Person.objects.filter(code__startswith="NG0").exists()


def test_steps_and_enrolments_on_the_candidate_page(tree, users, pool):
    c = client(users.officer)
    candidate = pool["a"]
    program = Program.objects.order_by("pk").first()
    c.post(f"/tao-nguon/ung-vien/{candidate.pk}/dao-tao/", {"program": program.pk, "provider": "Trường Chính trị",
                                                            "starts_on": "01/09/2024", "ends_on": "30/11/2024",
                                                            "result": "Giỏi"})
    c.post(f"/tao-nguon/ung-vien/{candidate.pk}/dao-tao/", {"title": "Thực tế tại xã", "starts_on": "01/12/2024"})
    bad = c.post(f"/tao-nguon/ung-vien/{candidate.pk}/dao-tao/", {"starts_on": "01/12/2024"}, follow=True)
    assert "Chọn chương trình hoặc nhập nội dung" in bad.content.decode()
    assert CandidateStep.objects.filter(candidate=candidate).count() == 2
    response = c.post(f"/tao-nguon/ung-vien/{candidate.pk}/tuyen-dung/", {
        "code": "NG100", "on_date": "01/08/2025", "unit": tree.phong_a.pk, "category": "CC"}, follow=True)
    page = response.content.decode()
    assert "NG100" in page and "Các lớp đã đăng ký sau khi tuyển dụng" in page and "Thực tế tại xã" in page
    again = c.post(f"/tao-nguon/ung-vien/{candidate.pk}/tuyen-dung/", {
        "code": "NG101", "on_date": "01/08/2025", "unit": tree.phong_a.pk, "category": "CC"}, follow=True)
    assert "đã được tuyển dụng" in again.content.decode() and not Person.objects.filter(code="NG101").exists()


def test_scope_of_the_pages(users, scheme, pool):
    officer, leader = client(users.officer), client(users.leader)
    detail = officer.get(f"/tao-nguon/de-an/{scheme.pk}/").content.decode()
    assert "Phạm Thị Nguồn" in detail and "Vũ Văn Nguồnbê" not in detail
    assert officer.get(f"/tao-nguon/ung-vien/{pool['b'].pk}/").status_code == 404
    assert officer.post(f"/tao-nguon/ung-vien/{pool['b'].pk}/tuyen-dung/", {}).status_code == 404
    assert officer.get(f"/tao-nguon/de-an/{scheme.pk}/sua/").status_code == 403
    assert leader.get(f"/tao-nguon/ung-vien/{pool['a'].pk}/").status_code == 200
    assert leader.post(f"/tao-nguon/ung-vien/{pool['a'].pk}/tuyen-dung/", {}).status_code == 403
    assert leader.post(f"/tao-nguon/ung-vien/{pool['a'].pk}/dao-tao/", {}).status_code == 403
    assert leader.get(f"/tao-nguon/de-an/{scheme.pk}/ung-vien/moi/").status_code == 403
    for user in (users.institution, users.learner):
        assert client(user).get("/tao-nguon/").status_code == 403
        assert client(user).get(f"/tao-nguon/ung-vien/{pool['a'].pk}/").status_code == 403
    listing = officer.get("/tao-nguon/").content.decode()
    assert "Đề án tạo nguồn 2024–2030" in listing


def test_counts_per_scheme(users, scheme, pool, tree):
    sources.recruit(pool["b"], users.province, unit=tree.phong_b, on_date=datetime.date(2025, 8, 1), category="VC",
                    code="NG200")
    row = sources.schemes_with_figures(users.province).get(pk=scheme.pk)
    assert (row.candidate_count, row.recruited) == (2, 1)
    row = sources.schemes_with_figures(users.officer).get(pk=scheme.pk)
    assert (row.candidate_count, row.recruited) == (1, 0)


def test_officer_adds_a_candidate_through_the_form(tree, users, scheme):
    c = client(users.officer)
    response = c.post(f"/tao-nguon/de-an/{scheme.pk}/ung-vien/moi/", {
        "full_name": "Đinh Văn Trẻ", "birth_date": "02/02/2000", "gender": "NAM", "organisation": "Tỉnh đoàn",
        "field": "Quản lý đô thị", "unit": tree.phong_a.pk, "selection": "YOUTH"})
    assert response.status_code == 302, response.content.decode()
    assert Candidate.objects.get(full_name="Đinh Văn Trẻ").scheme == scheme
    outside = c.post(f"/tao-nguon/de-an/{scheme.pk}/ung-vien/moi/", {
        "full_name": "Đinh Văn Ngoài", "birth_date": "02/02/2000", "gender": "NAM", "organisation": "Tỉnh đoàn",
        "field": "x", "unit": tree.phong_b.pk, "selection": "YOUTH"})
    assert outside.status_code == 400 and not Candidate.objects.filter(full_name="Đinh Văn Ngoài").exists()


def test_lists_run_a_fixed_number_of_queries(tree, users, scheme, pool, django_assert_max_num_queries):
    for i in range(8):
        sources.save_candidate(new_candidate(scheme, tree.phong_a, f"Người Nguồn {i}"), users.province)
        sources.save_scheme(Scheme(name=f"Đề án {i}", decision="QĐ", valid_from=datetime.date(2024, 1, 1)),
                            users.province)
    c = client(users.province)
    for url in ("/tao-nguon/", f"/tao-nguon/de-an/{scheme.pk}/"):
        with django_assert_max_num_queries(12):
            assert c.get(url).status_code == 200
