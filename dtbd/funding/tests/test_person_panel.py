"""The staff page's funding panel (funding.views.staff_page_panel on people.extensions.person_page): the person's
dispatches with their commitment and case, attractions and candidacy, scoped like the page (docs/domain.md §14)."""
import datetime

import pytest

from dtbd.funding import sources, talent
from dtbd.funding.models import Attraction, Candidate, Policy, Scheme
from dtbd.people.catalog import Gender
from dtbd.people.models import Ethnicity

from .test_views import client, records  # noqa: F401 — the fixture of two graduates who left, in so_a and so_b

pytestmark = pytest.mark.django_db


def page(user, person):
    return client(user).get(f"/can-bo/{person.pk}/")


def test_panel_shows_the_dispatch_its_commitment_and_case(users, records):
    a1 = records["A1"]
    for user in (users.province, users.officer, users.leader):
        response = page(user, a1.person)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="cu-di-dao-tao"' in html and a1.decision_no in html
        assert "77.700.000" in html  # the agency's cost: read by those who see the person, leaders included
        assert f"/dao-tao-sau-dai-hoc/den-bu/{records['case_a'].pk}/" in html
        assert "tháng, đến" in html  # the commitment


def test_out_of_scope_person_is_not_found_and_shows_nothing(users, records):
    response = page(users.officer, records["B1"].person)
    assert response.status_code == 404
    assert records["B1"].decision_no not in response.content.decode()


def test_no_panel_without_funding_records_or_for_roles_without_funding_pages(users, records, tree):
    # A person with no dispatch, attraction or candidacy: no panel.
    learner_person = users.learner.person
    assert 'id="cu-di-dao-tao"' not in page(users.province, learner_person).content.decode()
    # The learner's own page (if they may see it) never carries the panel.
    own = page(users.learner, learner_person)
    assert 'id="cu-di-dao-tao"' not in own.content.decode()


def test_panel_lists_attraction_and_source_candidacy(users, tree):
    policy = talent.save_policy(Policy(name="Chính sách thu hút thử", legal_basis="Nghị quyết HĐND tỉnh",
                                       valid_from=datetime.date(2024, 1, 1), target_fields="Y tế"), users.province)
    scheme = sources.save_scheme(Scheme(name="Đề án tạo nguồn thử", decision="Quyết định UBND tỉnh",
                                        valid_from=datetime.date(2024, 1, 1)), users.province)
    candidate = sources.save_candidate(Candidate(
        scheme=scheme, unit=tree.phong_a, full_name="Lê Văn Nguồn", birth_date=datetime.date(2001, 5, 5),
        gender=Gender.NAM, organisation="Trường Đại học Luật Hà Nội", field="Luật",
        selection=Candidate.Selection.EXCELLENT_GRADUATE, selected_on=datetime.date(2024, 9, 1)), users.province)
    person = sources.recruit(candidate, users.province, unit=tree.phong_a, on_date=datetime.date(2025, 2, 1),
                             category="CC", code="NGUON01", ethnicity=Ethnicity.objects.first())
    attraction = talent.save_attraction(Attraction(
        policy=policy, person=person, field="Y tế", level="THS", unit=tree.phong_a, decision_no="9/QĐ-UBND",
        decision_date=datetime.date(2025, 2, 1), commitment_months=60), users.province)
    talent.add_payment(attraction, users.province, 2025, "Hỗ trợ một lần", 150_000_000)
    html = page(users.leader, person).content.decode()
    assert "Chính sách thu hút thử" in html and "150.000.000" in html
    assert "Đề án tạo nguồn thử" in html and "01/02/2025" in html
