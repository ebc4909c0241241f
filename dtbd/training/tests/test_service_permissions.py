"""The enrolment services check who may act themselves, so the pages and the API cannot disagree: approve and reject
(those who decide on the enrolment), withdraw (those, or the person while the enrolment is requested, waitlisted or
enrolled), nominate (managers and unit officers; people outside the scope are not found, never named)."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment
from dtbd.training.testing import make_class

pytestmark = pytest.mark.django_db
State = Enrollment.State


def _request(cls, person):
    return services.request_enrollment(cls, person, Enrollment.Source.SELF)


def test_only_deciders_approve_and_reject(tree, users):
    cls = make_class("SP1", capacity=5)
    ours, theirs = make_person(tree.phong_a), make_person(tree.phong_b)
    mine = _request(cls, ours)
    for outsider in (users.leader, users.learner, users.institution):
        with pytest.raises(PermissionDenied):
            services.approve(mine, outsider)
        with pytest.raises(PermissionDenied):
            services.reject(mine, outsider, "Không phù hợp")
    other = _request(cls, theirs)
    with pytest.raises(PermissionDenied):  # the unit officer of so_a decides for so_a's people only
        services.approve(other, users.officer)
    assert services.approve(mine, users.officer).state == State.ENROLLED
    services.reject(other, users.province, "Đủ chỉ tiêu")
    other.refresh_from_db()
    assert other.state == State.REJECTED


def test_withdraw_by_the_person_only_while_it_may(tree, users):
    cls = make_class("SP2", capacity=5)
    learner = users.learner.person
    own = services.approve(_request(cls, learner), users.officer)
    someone = services.approve(_request(cls, make_person(tree.phong_a)), users.officer)
    with pytest.raises(PermissionDenied):
        services.withdraw(someone, users.learner)
    with pytest.raises(PermissionDenied):
        services.withdraw(own, users.leader)
    services.withdraw(own, users.learner)
    own.refresh_from_db()
    assert own.state == State.WITHDRAWN
    with pytest.raises(ValidationError):  # withdrawn already: not in OWN_WITHDRAW_STATES
        services.withdraw(own, users.learner)


def test_nomination_checks_the_nominator_and_the_scope(tree, users):
    cls = make_class("SP3", capacity=5)
    ours, theirs = make_person(tree.phong_a), make_person(tree.phong_b, full_name="Người Sở Khác")
    for outsider in (users.leader, users.learner, users.institution):
        with pytest.raises(PermissionDenied):
            services.nominate_many(cls, [ours], user=outsider)
    with pytest.raises(Http404) as refused:
        services.nominate_many(cls, [ours, theirs], user=users.officer)
    assert "Người Sở Khác" not in str(refused.value) and not Enrollment.objects.filter(training_class=cls).exists()
    created, skipped = services.nominate_many(cls, [ours], user=users.officer)
    assert [e.source for e in created] == [Enrollment.Source.NOMINATED] and not skipped
    created, _skipped = services.nominate_many(cls, [theirs], user=users.province)
    assert [e.source for e in created] == [Enrollment.Source.ASSIGNED]


def test_bulk_approval_is_refused_whole_when_one_is_not_ones_to_decide(tree, users):
    cls = make_class("SP4", capacity=5)
    mine, theirs = _request(cls, make_person(tree.phong_a)), _request(cls, make_person(tree.phong_b))
    with pytest.raises(PermissionDenied):
        services.approve_many([mine, theirs], users.officer)
    assert set(Enrollment.objects.filter(training_class=cls).values_list("state", flat=True)) == {State.REQUESTED}
    enrolled, waitlisted, refused = services.approve_many([mine], users.officer)
    assert enrolled == [mine] and not waitlisted and not refused
