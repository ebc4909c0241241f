"""Who may do what with classes and enrolments. Every training view asks these functions; none decides by itself.

- system admin, province manager: everything (create classes, assign people, approve, run any class);
- training institution staff: run the classes of providers linked to a unit in their scope (edit the class, sessions,
  attendance, results, certificates); see those classes' rosters;
- unit officer: nominate and approve people of their subtree; see their people's enrolments;
- leader: read their subtree's enrolments;
- learner: register themselves for open classes, see their own enrolments and certificates.
Refusals are 404 for objects out of sight and 403 for actions not allowed on a visible object.
"""
from dtbd.accounts.scope import CHANGE, is_manager, scope_of
from dtbd.people.models import Person

from .models import Enrollment, Provider, TrainingClass, runs_q


def is_institution(user):
    return scope_of(user).is_institution


def is_unit_officer(user):
    return scope_of(user).is_unit_officer


def run_classes_q(user):
    """Q on TrainingClass: the classes `user` runs (TrainingClass.objects.restrict(user, CHANGE))."""
    return runs_q(scope_of(user))


def classes_for(user):
    """Classes `user` may see: the province's class offer, for every logged-in user with a scope."""
    return TrainingClass.objects.restrict(user)


def can_create_class(user):
    return is_manager(user) or is_institution(user)


def can_run_class(user, training_class):
    """Edit the class and its sessions, change its status, record attendance and results, issue certificates."""
    scope = scope_of(user)
    if scope.is_manager:
        return True
    unit = training_class.provider.unit
    return bool(scope.is_institution and unit and scope.sees_unit(unit))


def providers_for(user):
    """Providers whose classes `user` may create."""
    return Provider.objects.restrict(user, CHANGE)


def enrollments_for(user):
    """Enrolments `user` may see (Enrollment.objects.restrict)."""
    return Enrollment.objects.restrict(user)


def people_to_nominate(user):
    """People `user` may nominate (unit officer: their subtree) or assign (managers: everyone)."""
    return Person.objects.restrict(user, CHANGE)


def can_decide(user, enrollment):
    """Approve / reject / withdraw someone else's enrolment: managers, or the unit officer of the person."""
    if is_manager(user):
        return True
    return is_unit_officer(user) and Enrollment.objects.restrict(user, CHANGE).filter(pk=enrollment.pk).exists()


def can_self_register(user):
    return bool(user and user.is_authenticated and user.person_id)
