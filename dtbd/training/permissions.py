"""Who may do what with classes and enrolments. Every training view asks these functions; none decides by itself.

- system admin, province manager: everything (create classes, assign people, approve, run any class);
- training institution staff: run the classes of providers linked to a unit in their scope (edit the class, sessions,
  attendance, results, certificates); see those classes' rosters;
- unit officer: nominate and approve people of their subtree; see their people's enrolments;
- leader: read their subtree's enrolments;
- learner: register themselves for open classes, see their own enrolments and certificates.
Refusals are 404 for objects out of sight and 403 for actions not allowed on a visible object.
"""
from django.db.models import Q

from dtbd.accounts.scope import is_manager, scope_of
from dtbd.core.db import prefix_q
from dtbd.org.models import Unit
from dtbd.people.models import Person

from .models import Enrollment, Provider, TrainingClass


def is_institution(user):
    return scope_of(user).is_institution


def is_unit_officer(user):
    return scope_of(user).is_unit_officer


def run_classes_q(user):
    """Q on TrainingClass: the classes `user` runs (institution: provider's unit in their subtree)."""
    if is_manager(user):
        return Q()
    if is_institution(user):
        return Q(provider__unit__in=_units_in_scope(user))
    return Q(pk__in=[])


def _units_in_scope(user):
    return Unit.objects.filter(prefix_q("path", user.scope_unit.path)).values("pk")


def classes_for(user):
    """Classes `user` may see: every logged-in user with any scope sees the province's class offer (to register or
    nominate); nobody else."""
    scope = scope_of(user)
    if scope.sees_units or scope.person_id:
        return TrainingClass.objects.all()
    return TrainingClass.objects.none()


def can_create_class(user):
    return is_manager(user) or is_institution(user)


def can_run_class(user, training_class):
    """Edit the class and its sessions, change its status, record attendance and results, issue certificates."""
    if is_manager(user):
        return True
    if is_institution(user) and training_class.provider.unit_id:
        return training_class.provider.unit.path.startswith(user.scope_unit.path)
    return False


def providers_for(user):
    """Providers whose classes `user` may create."""
    if is_manager(user):
        return Provider.objects.all()
    if is_institution(user):
        return Provider.objects.filter(unit__in=_units_in_scope(user))
    return Provider.objects.none()


def enrollments_for(user):
    """Enrolments `user` may see: managers all; institution staff those of the classes they run; unit officers and
    leaders those of people in their subtree (scope.filter_people); learners their own."""
    qs = Enrollment.objects.all()
    if is_manager(user):
        return qs
    if is_institution(user):
        return qs.filter(Q(training_class__in=TrainingClass.objects.filter(run_classes_q(user)).values("pk"))
                         | Q(person__in=scope_of(user).filter_people(Person.objects.all()).values("pk")))
    scope = scope_of(user)
    if scope.unit_path:
        return qs.filter(person__in=scope.filter_people(Person.objects.all()).values("pk"))
    if scope.person_id:
        return qs.filter(person_id=scope.person_id)
    return qs.none()


def people_to_nominate(user):
    """People `user` may nominate (unit officer: their subtree) or assign (managers: everyone)."""
    scope = scope_of(user)
    if not scope.can_write:
        return Person.objects.none()
    return scope.filter_people(Person.objects.all(), action="change")


def can_decide(user, enrollment):
    """Approve / reject / withdraw someone else's enrolment: managers, or the unit officer of the person."""
    if is_manager(user):
        return True
    if is_unit_officer(user):
        return people_to_nominate(user).filter(pk=enrollment.person_id).exists()
    return False


def can_self_register(user):
    return bool(user and user.is_authenticated and user.person_id)
