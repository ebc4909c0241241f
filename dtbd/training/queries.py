"""Reads of the training catalogue, and the bridge from training needs (dtbd.standards.needs) to programmes."""
from django.db.models import DateField, Q
from django.db.models.functions import Coalesce

from dtbd.core.text import fold
from dtbd.people.catalog import level_order

from .models import Enrollment, Program


def programmes_for_need(qualification_type, level):
    """Active programmes whose certificate satisfies a need for `qualification_type` at `level` or above:
    same type, granted level order ≥ the needed one."""
    return Program.objects.filter(
        active=True, grants_type=qualification_type, grants_level_order__gte=level_order(qualification_type, level)
    ).order_by("grants_level_order", "code")


def programmes_by_need(needs):
    """{need: [programmes]} for a list of `Need`s, in one query: qualification needs match on the granted type and
    level, programme needs on the programme code; hour needs have no single programme."""
    types = {n.qualification_type for n in needs if n.qualification_type}
    codes = {n.programme_code for n in needs if n.programme_code}
    if not types and not codes:
        return {n: [] for n in needs}
    programmes = list(
        Program.objects.filter(Q(grants_type__in=types) | Q(code__in=codes), active=True).order_by(
            "grants_level_order", "code"
        )
    )
    result = {}
    for need in needs:
        if need.qualification_type:
            wanted = need.min_level_order or 0
            result[need] = [
                p for p in programmes
                if p.grants_type == need.qualification_type and (p.grants_level_order or 0) >= wanted
            ]
        elif need.programme_code:
            result[need] = [p for p in programmes if p.code == need.programme_code]
        else:
            result[need] = []
    return result


def search_programmes(qs, text):
    """Accent-insensitive search on code and name: 'can bo' finds 'cán bộ'."""
    folded = fold(text)
    for word in folded.split():
        qs = qs.filter(search__contains=word)
    return qs


def audit_entries(obj, limit=50):
    """An object's change history (django-auditlog), newest first, with the actor in the same query."""
    from auditlog.models import LogEntry

    return LogEntry.objects.get_for_object(obj).select_related("actor", "content_type").order_by("-timestamp")[:limit]


# -- completion → standards (the PROGRAMME requirement kind) ----------------------------------------------------------
def completed_programme_people(programme_code, date, within_years=None):
    """person_id values of the people who COMPLETED a class of programme `programme_code` on or before `date` (and, when
    `within_years` is set, not before `date` minus that many years). The completion date is the enrolment's
    `completed_on`, else the class's end date (results recorded without a completion date). A values queryset: use it
    in `person_id__in=…` (dtbd.standards.engine.Catalogue.met_q)."""
    qs = (
        Enrollment.objects.filter(state=Enrollment.State.COMPLETED, training_class__program__code=programme_code)
        .annotate(done_on=Coalesce("completed_on", "training_class__ends_on", output_field=DateField()))
        .filter(done_on__lte=date)
    )
    if within_years:
        try:
            start = date.replace(year=date.year - within_years)
        except ValueError:  # 29/02
            start = date.replace(year=date.year - within_years, day=28)
        qs = qs.filter(done_on__gte=start)
    return qs.values("person_id")


# -- certificates ---------------------------------------------------------------------------------------------------
def certificates_for(user):
    """Certificates `user` may see (and print): those of the enrolments they may see (permissions.enrollments_for:
    managers all, institution staff the classes they run, unit officers and leaders their subtree's people, learners
    their own), plus their own whatever their role."""
    from .models import Certificate
    from .permissions import enrollments_for

    if not (user and user.is_authenticated):
        return Certificate.objects.none()
    q = Q(enrollment__in=enrollments_for(user).values("pk"))
    if user.person_id:
        q |= Q(enrollment__person_id=user.person_id)
    return Certificate.objects.filter(q)


def certificate_rows(qs, user):
    """A certificate queryset with what the list shows loaded (person, class, programme, provider) in the same query,
    annotated `can_replace` (the user runs the class: permissions.run_classes_q) for the replacement button."""
    from django.db.models import BooleanField, Case, ExpressionWrapper, Value, When

    from .models import TrainingClass
    from .permissions import is_institution, is_manager, run_classes_q

    if is_manager(user):
        can_replace = Value(True)
    elif is_institution(user):
        run = TrainingClass.objects.filter(run_classes_q(user)).values("pk")
        can_replace = Case(When(enrollment__training_class__in=run, then=Value(True)), default=Value(False))
    else:
        can_replace = Value(False)
    return qs.select_related(
        "provider", "enrollment__person", "enrollment__training_class__program"
    ).annotate(can_replace=ExpressionWrapper(can_replace, output_field=BooleanField())).order_by("-issued_on", "-pk")


def search_certificates(qs, text):
    """Search on the number (contains, case-insensitive) or the person's name (accent-insensitive, every word)."""
    text = (text or "").strip()
    if not text:
        return qs
    name_q = Q()
    for word in fold(text).split():
        name_q &= Q(enrollment__person__name_folded__contains=word)
    return qs.filter(Q(number__icontains=text) | name_q)
