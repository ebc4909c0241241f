"""Targets as data: validation of the filter JSON, evaluation (history-aware: posts, units and ages on each
31/12), status against the range, the seeded indicators (docs/domain.md §11.5), and the manager-only form."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dtbd.people.models import PostAssignment, Qualification, UnitAssignment
from dtbd.people.testing import make_person
from dtbd.reports import targets
from dtbd.reports.models import Indicator
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.testing import make_class

D = datetime.date
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uncached_dashboard")]


def indicator(**kw):
    values = dict(code="T", name="Thử", denominator={"post_level": ["GD", "PGD"]}, numerator={"age_below": 40},
                  target_min=Decimal(15), target_max=Decimal(20))
    values.update(kw)
    return Indicator(**values)


def test_seeded_targets_of_domain_5():
    seeded = {i.code: i for i in Indicator.objects.all()}
    assert set(seeded) == {"LDQL-TINH-DUOI-40", "LDQL-QUOC-TE", "LDCC-XA-DUOI-40"}
    assert (seeded["LDQL-TINH-DUOI-40"].target_min, seeded["LDQL-TINH-DUOI-40"].target_max) == (15, 20)
    assert (seeded["LDQL-QUOC-TE"].target_min, seeded["LDQL-QUOC-TE"].target_max) == (25, 35)
    assert (seeded["LDCC-XA-DUOI-40"].target_min, seeded["LDCC-XA-DUOI-40"].target_max) == (20, 25)
    for ind in seeded.values():
        ind.full_clean()  # the seeded JSON passes the validation


@pytest.mark.parametrize("bad, message", [
    ({"salary": 1}, "salary"),
    ({"age_below": "40"}, "age_below"),
    ({"post_level": ["XYZ"]}, "XYZ"),
    ({"language_min_level": "D1"}, "D1"),
    ({"any_of": [{"any_of": [{}]}]}, "any_of"),
    ({"program_category": ["LLCT"]}, "program_category"),  # an enrolment key on the staff register
    ([1, 2], "JSON"),
])
def test_filter_validation_names_the_key(bad, message):
    with pytest.raises(ValidationError) as exc:
        indicator(numerator=bad).full_clean()
    assert message in " ".join(exc.value.message_dict["numerator"])


def test_range_validation():
    with pytest.raises(ValidationError) as exc:
        indicator(target_min=Decimal(30), target_max=Decimal(20)).full_clean()
    assert "target_max" in exc.value.message_dict
    with pytest.raises(ValidationError):
        indicator(target_min=Decimal(-1)).full_clean()


def test_evaluation_is_history_aware(tree):
    # B: GD since 2023 only, born 1990 (under 40 until 2030); C: GD always, born 1970; E: no post
    b = make_person(tree.so_a, birth_date=D(1990, 6, 1))
    PostAssignment.objects.create(person=b, level="GD", valid_from=D(2023, 1, 1))
    make_person(tree.so_a, birth_date=D(1970, 1, 1), post_level="GD")
    make_person(tree.so_a, birth_date=D(1992, 1, 1))
    # D: PGD in the commune until 2023, then moved to so_a without a post
    d = make_person(tree.xa, birth_date=D(1991, 1, 1), post_level="PGD")
    UnitAssignment.objects.filter(person=d).update(valid_to=D(2023, 12, 31))
    PostAssignment.objects.filter(person=d).update(valid_to=D(2023, 12, 31))
    UnitAssignment.objects.create(person=d, unit=tree.so_a, valid_from=D(2024, 1, 1))
    ind = indicator()
    ind.save()
    commune = indicator(code="XA", denominator={"post_level": ["ANY"], "unit_level": ["XA"]})
    commune.save()
    ev, ev_xa = targets.evaluate([ind, commune], tree.root, D(2025, 6, 30))
    assert [(p.date.year, p.numerator, p.denominator) for p in ev.trend] == [
        (2020, 1, 2), (2021, 1, 2), (2022, 1, 2), (2023, 2, 3), (2024, 1, 2)]
    assert (ev.current.numerator, ev.current.denominator, ev.current.percent) == (1, 2, Decimal("50.0"))
    assert ev.status == targets.ABOVE and ev.status_label
    assert [(p.numerator, p.denominator) for p in ev_xa.trend] == [(1, 1)] * 4 + [(0, 0)]
    assert ev_xa.current.percent is None and ev_xa.status == targets.NO_DATA
    # the unit's subtree: nothing under so_b
    assert targets.evaluate([ind], tree.so_b, D(2025, 6, 30))[0].current.denominator == 0


def test_any_of_language_or_abroad_training(tree):
    ind = Indicator.objects.get(code="LDQL-QUOC-TE")
    lang = make_person(tree.so_a, post_level="GD")
    Qualification.objects.create(person=lang, type="LANG", level="B2", language="Tiếng Anh", issued_on=D(2022, 5, 1))
    weak = make_person(tree.so_a, post_level="PGD")
    Qualification.objects.create(person=weak, type="LANG", level="B1", language="Tiếng Anh")
    abroad = make_person(tree.so_a, post_level="PGD")
    cls = make_class("ABR", capacity=5, status=TrainingClass.Status.CLOSED, abroad=True, country="SG",
                     starts_on=D(2023, 3, 1), ends_on=D(2023, 3, 20))
    Enrollment.objects.create(training_class=cls, person=abroad, source="NOMINATED", state="COMPLETED",
                              completed_on=D(2023, 3, 20))
    make_person(tree.so_a, post_level="TP")  # not in the denominator (TP)
    ev = targets.evaluate([ind], tree.root, D(2025, 12, 31))[0]
    assert (ev.current.numerator, ev.current.denominator) == (2, 3)
    assert ev.status == targets.ABOVE  # 66,7% > 35%
    by_year = {p.date.year: (p.numerator, p.denominator) for p in ev.trend}
    assert by_year[2021] == (0, 3) and by_year[2022] == (1, 3) and by_year[2023] == (2, 3)


def test_enrolment_register(tree):
    cls = make_class("E1", capacity=5, status=TrainingClass.Status.CLOSED, starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 5))
    women = make_person(tree.so_a, gender="NU")
    men = make_person(tree.so_a)
    for p in (women, men):
        Enrollment.objects.create(training_class=cls, person=p, source="NOMINATED", state="COMPLETED", completed_on=D(2025, 3, 5))
    ind = indicator(code="NU", register=Indicator.Register.ENROLMENT, denominator={"program_category": ["QLNN"]},
                    numerator={"gender": "NU"}, target_min=Decimal(40), target_max=None)
    ind.full_clean()
    ev = targets.evaluate([ind], tree.root, D(2025, 12, 31))[0]
    assert (ev.current.numerator, ev.current.denominator) == (1, 2) and ev.status == targets.OK
    assert ev.trend[-1].denominator == 0  # nothing completed in 2024


def test_evaluate_is_one_query_for_all_indicators_and_years(tree, django_assert_num_queries):
    make_person(tree.so_a, post_level="GD")
    indicators = list(Indicator.objects.all())
    with django_assert_num_queries(1):
        result = targets.evaluate(indicators, tree.root, D(2025, 12, 31))
    assert len(result) == 3 and all(len(e.trend) == 5 for e in result)


def test_dashboard_shows_actual_vs_target(client, tree, users):
    make_person(tree.so_a, post_level="GD", birth_date=D(1990, 1, 1))
    make_person(tree.so_a, post_level="PGD", birth_date=D(1970, 1, 1))
    client.force_login(users.province)
    html = client.get(reverse("dashboard:index"), {"unit": tree.root.pk, "year": 2025}).content.decode()
    assert "Cán bộ lãnh đạo, quản lý cấp tỉnh dưới 40 tuổi" in html
    assert "50,0%" in html and "target-above" in html and "Vượt mức tối đa" in html


def test_indicator_pages_manager_only(client, tree, users):
    url = reverse("dashboard:indicator_create")
    for user in (users.leader, users.officer, users.institution):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"code": "X"}).status_code == 403
        assert client.get(reverse("dashboard:indicators")).status_code == 200  # read the list
    client.force_login(users.learner)
    assert client.get(reverse("dashboard:indicators")).status_code == 403
    client.force_login(users.province)
    data = {"code": "NU-LD", "name": "Nữ lãnh đạo", "register": "STAFF", "d_post_level": ["ANY"],
            "n_gender": "XX", "target_min": "30", "target_max": "", "deadline_year": "2030",
            "active": "on", "order": "5"}
    response = client.post(url, data)
    assert response.status_code == 200 and "XX" in response.content.decode()
    assert not Indicator.objects.filter(code="NU-LD").exists()
    data["n_gender"] = "NU"
    assert client.post(url, data).status_code == 302
    saved = Indicator.objects.get(code="NU-LD")
    assert saved.numerator == {"gender": "NU"} and saved.denominator == {"post_level": ["ANY"]}
    assert saved.target_min == 30
    edit = reverse("dashboard:indicator_edit", args=[saved.pk])
    assert client.post(edit, {**data, "name": "Nữ giữ chức vụ"}).status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Nữ giữ chức vụ"


def test_target_figures_drill_down_to_the_people_and_enrolments_behind_them(client, tree, users,
                                                                            django_assert_max_num_queries):
    """Every target figure of the dashboard (numerator and denominator, now and on each trend date) opens the list
    of the people (staff register) or completed enrolments (enrolment register) it counts, in the unit's subtree."""
    import re

    young = make_person(tree.so_a, code="TRE", post_level="GD", birth_date=D(1990, 1, 1))
    make_person(tree.so_a, code="GIA", post_level="PGD", birth_date=D(1970, 1, 1))
    make_person(tree.so_b, code="KHAC", post_level="GD", birth_date=D(1991, 1, 1))  # outside the officer's so_a
    PostAssignment.objects.filter(person=young).update(valid_from=D(2025, 1, 1))  # not in the 2024 denominator
    cls = make_class("E1", capacity=5, status=TrainingClass.Status.CLOSED, starts_on=D(2025, 3, 1), ends_on=D(2025, 3, 5))
    Enrollment.objects.create(training_class=cls, person=young, source="NOMINATED", state="COMPLETED",
                              completed_on=D(2025, 3, 5))
    nu = indicator(code="NU", name="Lượt nữ", register=Indicator.Register.ENROLMENT, denominator={}, numerator={"gender": "NU"})
    nu.save()
    client.force_login(users.officer)
    html = client.get(reverse("dashboard:index"), {"unit": tree.so_a.pk, "year": 2025}).content.decode()
    young_leaders = Indicator.objects.get(code="LDQL-TINH-DUOI-40")

    def drill(ind, part):
        match = re.search(rf'href="([^"]+)" data-figure="target-{ind.code}-{part}">(\d+)<', html)
        assert match, (ind.code, part)
        response = client.get(match.group(1).replace("&amp;", "&"))
        assert response.status_code == 200
        return int(match.group(2)), response

    shown, response = drill(young_leaders, "d")
    assert shown == 2 and response.context["page_obj"].paginator.count == 2
    assert {r.code for r in response.context["rows"]} == {"TRE", "GIA"}
    shown, response = drill(young_leaders, "n")
    assert shown == 1 and [r.code for r in response.context["rows"]] == ["TRE"]
    shown, response = drill(nu, "d")  # the enrolment register: completed enrolments of the year
    assert shown == 1 and [e.person.code for e in response.context["page_obj"]] == ["TRE"]
    assert "E1" in response.content.decode()
    # a trend date: 31/12/2024, before TRE's post
    url = reverse("dashboard:indicator_members", args=[young_leaders.pk])
    params = {"unit": tree.so_a.pk, "year": 2025, "date": "31/12/2024", "part": "d"}
    with django_assert_max_num_queries(12):
        past = client.get(url, params)
    assert [r.code for r in past.context["rows"]] == ["GIA"]
    # refused: a date that is not one of the figures', a bad part, a unit outside the officer's scope
    assert client.get(url, {**params, "date": "15/06/2024"}).status_code == 404
    assert client.get(url, {**params, "part": "x"}).status_code == 404
    assert client.get(url, {**params, "unit": tree.so_b.pk}).status_code == 404


def test_an_indicator_without_conditions_counts_everyone_on_the_dashboard(client, tree, users):
    """Empty conditions ({}) are valid: the whole population. The counts (live and the summary tables') must not
    break on them (an empty condition is no CASE WHEN the database takes)."""
    make_person(tree.so_a, post_level="GD")
    make_person(tree.so_a)
    everyone = indicator(code="ALL", name="Mọi người", denominator={}, numerator={}, target_min=None, target_max=None)
    everyone.full_clean()
    everyone.save()
    ev = targets.evaluate([everyone], tree.root, D(2025, 6, 30))[0]
    assert ev.current.numerator == ev.current.denominator > 0
    counts = targets.unit_counts([everyone], D(2025, 6, 30), years=1)
    assert sum(counts[(everyone.pk, D(2025, 6, 30), "n")].values()) == ev.current.numerator
    client.force_login(users.province)
    response = client.get(reverse("dashboard:index"), {"unit": tree.root.pk, "year": 2025})
    assert response.status_code == 200 and "Mọi người" in response.content.decode()


# -- the editor in words ---------------------------------------------------------------------------------------------
def _form_data(form):
    """What a browser posts back from the editor as shown (every field at its initial value)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value in (None, "", []):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


def test_the_editor_has_a_field_per_condition_not_json(client, users):
    client.force_login(users.province)
    html = client.get(reverse("dashboard:indicator_create")).content.decode()
    assert 'name="denominator"' not in html and 'name="numerator"' not in html and "JSON" not in html
    assert 'name="d_post_level"' in html and 'name="n_age_below"' in html and 'name="n_or_language_min_level"' in html
    assert "Giám đốc sở và tương đương" in html and "Bậc 4 (B2)" in html and "Xem trước số liệu" in html


@pytest.mark.parametrize("code", ["LDQL-TINH-DUOI-40", "LDQL-QUOC-TE", "LDCC-XA-DUOI-40"])
def test_the_seeded_indicators_come_back_unchanged_through_the_editor(client, users, code):
    """Each seeded indicator (one with "hoặc": language from B2 or training abroad) is shown in the fields and saved
    back as the same conditions."""
    seeded = Indicator.objects.get(code=code)
    before = (seeded.denominator, seeded.numerator)
    client.force_login(users.province)
    url = reverse("dashboard:indicator_edit", args=[seeded.pk])
    form = client.get(url).context["form"]
    response = client.post(url, _form_data(form))
    assert response.status_code == 302, response.context["form"].errors
    seeded.refresh_from_db()
    assert (seeded.denominator, seeded.numerator) == before


def test_the_preview_counts_without_saving(client, users, tree):
    make_person(tree.so_a, post_level="GD", birth_date=D(1995, 1, 1), gender="NU")
    make_person(tree.so_a, post_level="PGD", birth_date=D(1970, 1, 1))
    make_person(tree.so_a)  # no post: outside the denominator
    client.force_login(users.province)
    data = {"code": "XEM", "name": "Nữ lãnh đạo", "register": "STAFF", "d_post_level": ["GD", "PGD"],
            "n_gender": "NU", "order": "1", "preview": "1"}
    response = client.post(reverse("dashboard:indicator_create"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-preview="n">1<' in html and 'data-preview="d">2<' in html and "50,0%" in html
    assert not Indicator.objects.filter(code="XEM").exists()
    whole = client.post(reverse("dashboard:indicator_create"), data)  # without htmx: the page with the preview
    assert whole.status_code == 200 and 'data-preview="d">2<' in whole.content.decode()
    assert not Indicator.objects.filter(code="XEM").exists()


def test_an_enrolment_condition_on_a_staff_indicator_is_refused_in_words(client, users):
    client.force_login(users.province)
    data = {"code": "SAI", "name": "Sai", "register": "STAFF", "n_form": ["ONLINE"], "order": "1"}
    response = client.post(reverse("dashboard:indicator_create"), data)
    assert response.status_code == 200 and "chỉ dùng khi tính trên sổ học viên" in response.content.decode()
    assert not Indicator.objects.filter(code="SAI").exists()


def test_the_list_gives_conditions_in_words(client, users):
    client.force_login(users.province)
    html = client.get(reverse("dashboard:indicators")).content.decode()
    assert "{&#x27;" not in html and "{'" not in html and "post_level" not in html and "any_of" not in html
    assert "Chức vụ đang giữ: Lãnh đạo tỉnh, Giám đốc sở và tương đương" in html
    assert "Dưới 40 tuổi" in html and "Bậc 4 (B2)" in html and "Đã hoàn thành khoá học ở nước ngoài" in html
