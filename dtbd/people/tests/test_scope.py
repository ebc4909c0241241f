import pytest

from dtbd.accounts.models import Role
from dtbd.accounts.scope import scope_of
from dtbd.accounts.testing import make_user
from dtbd.core.models import Source
from dtbd.org.models import Unit
from dtbd.people.models import Person, UnitAssignment
from dtbd.people.services import change_single, record_leave
from dtbd.people.testing import make_person


@pytest.fixture
def staff(tree, users):
    return {
        "a": make_person(tree.so_a, code="A1"),
        "a_office": make_person(tree.phong_a, code="A2"),
        "b": make_person(tree.phong_b, code="B1"),
        "xa": make_person(tree.xa, code="X1"),
    }


def codes(qs):
    return set(qs.values_list("code", flat=True))


@pytest.mark.django_db
def test_province_manager_and_admin_see_everything(users, staff):
    for user in (users.admin, users.province):
        assert codes(Person.objects.restrict(user)) == {"A1", "A2", "B1", "X1", "HV001"}
        assert Unit.objects.restrict(user, "change").count() == Unit.objects.count()


@pytest.mark.django_db
def test_unit_officer_sees_and_changes_only_their_subtree(users, staff, tree):
    assert codes(Person.objects.restrict(users.officer)) == {"A1", "A2", "HV001"}
    assert codes(Person.objects.restrict(users.officer, "change")) == {"A1", "A2", "HV001"}
    assert codes(Unit.objects.restrict(users.officer)) == {"SO_A", "SO_A.P1"}
    assert not scope_of(users.officer).sees_unit(tree.so_b)


@pytest.mark.django_db
def test_leader_and_institution_are_read_only(users, staff):
    assert codes(Person.objects.restrict(users.leader)) == {"A1", "A2", "HV001"}
    assert not Person.objects.restrict(users.leader, "change").exists()
    assert codes(Person.objects.restrict(users.institution)) == {"B1"}
    assert not Unit.objects.restrict(users.institution, "change").exists()


@pytest.mark.django_db
def test_learner_sees_only_their_own_record(users, staff):
    assert codes(Person.objects.restrict(users.learner)) == {"HV001"}
    assert not Person.objects.restrict(users.learner, "change").exists()
    assert not Unit.objects.restrict(users.learner).exists()


@pytest.mark.django_db
def test_users_without_a_scope_see_nothing(tree, staff):
    for role in (Role.UNIT_OFFICER, Role.LEADER, Role.INSTITUTION, Role.LEARNER):
        user = make_user(f"noscope_{role}", role)
        assert not Person.objects.restrict(user).exists()
        assert not Unit.objects.restrict(user).exists()


@pytest.mark.django_db
def test_officer_loses_sight_of_someone_who_moved_out(users, staff, tree):
    import datetime


    person = staff["a"]
    change_single(person, UnitAssignment, datetime.date(2026, 1, 1), Source.DECISION, unit=tree.so_b)
    assert "A1" not in codes(Person.objects.restrict(users.officer))
    assert "A1" in codes(Person.objects.restrict(users.institution))
    old = UnitAssignment.objects.get(person=person, unit=tree.so_a)
    assert old.valid_to == datetime.date(2025, 12, 31) and old.valid_from is None


@pytest.mark.django_db
def test_officer_keeps_sight_of_someone_who_left_from_their_unit(users, staff):
    import datetime


    record_leave(staff["a_office"], datetime.date(2026, 3, 31), "RETIRED")
    assert "A2" in codes(Person.objects.restrict(users.officer))
    assert "A2" not in codes(Person.objects.restrict(users.institution))
