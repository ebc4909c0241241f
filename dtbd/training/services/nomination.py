"""Nominating people to a class (cử, phân công) and what the nomination pages show about them: the eligibility
warnings the officer confirms (services.eligibility), the requirements a programme satisfies, the
people of a unit who miss them (dtbd.standards)."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE
from dtbd.core.models import valid_on_q
from dtbd.people.models import Person
from dtbd.standards.engine import NOTHING, Catalogue, people_in
from dtbd.standards.models import Requirement

from ..models import Enrollment
from ..permissions import is_manager, is_unit_officer, people_to_nominate
from ..states import REQUEST_STATUSES, State, state_label, status_label
from . import eligibility, notices
from .enrolment import approve_decided, request_enrollment


def warnings_for_many(training_class, people, on=None):
    """{person_id: [Vietnamese warnings]} for putting `people` (Person objects or ids) in `training_class`: the texts
    of services.eligibility.check_many (the one check every door uses), a fixed number of queries."""
    return {pid: [w.text for w in ws] for pid, ws in eligibility.check_many(training_class, people, on).items()}


def nomination_warnings(training_class, person, on=None):
    """Vietnamese warnings shown when nominating `person` for `training_class`: services.eligibility.check's texts;
    the free-text Program.target_audience is only shown beside the nomination."""
    return warnings_for_many(training_class, [person], on)[person.pk]


def nomination_source(user):
    """How `user` puts people in a class: the province assigns (ASSIGNED), a unit officer nominates (NOMINATED)."""
    return Enrollment.Source.ASSIGNED if is_manager(user) else Enrollment.Source.NOMINATED


def check_nominator(user):
    """Only managers and unit officers put other people in classes (PermissionDenied otherwise)."""
    if not (is_manager(user) or is_unit_officer(user)):
        raise PermissionDenied(_("Chỉ cán bộ quản lý cấp tỉnh và cán bộ tổ chức của đơn vị được cử học viên."))


def nominate_many(training_class, people, source=None, user=None, confirm_warnings=False):
    """A unit officer's nomination (source NOMINATED) or a province assignment (ASSIGNED) of several people: each is
    requested and approved at once (the nomination is its own approval), so they are ENROLLED, or WAITLISTED when the
    class is full. Each person gets a NOMINATED notice. People already in the class (whatever their state) are
    skipped with a reason.

    The scope is checked first, nothing created when it refuses: a person outside the user's view scope is not found
    (Http404, as reading them; never named), one seen but outside permissions.people_to_nominate(user) is refused
    (PermissionDenied). Then ValidationError when the class does not take nominations, and WarningsNotConfirmed
    (nothing created) when someone of the batch has eligibility warnings (services.eligibility, one check for the
    batch) and `confirm_warnings` is not given.
    Returns (created enrolments, skipped [(person, message)])."""
    if user is not None:
        check_nominator(user)
    source = source or nomination_source(user)
    people = list(dict((p.pk, p) for p in people).values())
    ids = [p.pk for p in people]
    allowed = set(people_to_nominate(user).filter(pk__in=ids).values_list("pk", flat=True))
    if any(pk not in allowed for pk in ids):
        seen = set(Person.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))
        if any(pk not in seen for pk in ids):
            raise Http404(_("Không tìm thấy cán bộ trong phạm vi của bạn."))
        raise PermissionDenied(_("Có người được chọn ngoài phạm vi cán bộ bạn được cử."))
    if source not in (Enrollment.Source.NOMINATED, Enrollment.Source.ASSIGNED):
        raise ValidationError(_("Hình thức “%(s)s” không phải cử hoặc phân công.") % {"s": source})
    if training_class.status not in REQUEST_STATUSES:
        raise ValidationError(
            _("Lớp %(code)s đang “%(st)s”, không thể cử thêm học viên.")
            % {"code": training_class.code, "st": status_label(training_class.status)}
        )
    existing = dict(
        Enrollment.objects.filter(training_class=training_class, person_id__in=ids).values_list("person_id", "state")
    )
    eligibility.require_confirmed(
        eligibility.check_many(training_class, [p for p in people if p.pk not in existing]), confirm_warnings)
    created, skipped = [], []
    for person in people:
        if person.pk in existing:
            skipped.append((person, _("%(name)s đã có trong danh sách lớp (%(st)s).")
                            % {"name": person.full_name, "st": state_label(existing[person.pk])}))
            continue
        try:
            with transaction.atomic():
                enrollment = request_enrollment(training_class, person, source, user)
                enrollment.training_class = training_class
                approve_decided(enrollment, user, notify=False)  # the batch is checked above (people_to_nominate)
                notices.nominated(enrollment)
        except ValidationError as exc:
            skipped.append((person, " ".join(exc.messages)))
            continue
        created.append(enrollment)
    return created, skipped


def approve_many(enrollments, user, confirm_warnings=False):
    """`user` approves several requests, each in its own transaction (one refusal by the class or the seats does not
    undo the others). The whole batch is refused (PermissionDenied, nothing approved) when `user` does not decide on
    one of them (Enrollment.objects.restrict(user, CHANGE), one query). A request whose person has eligibility
    warnings for the class (services.eligibility, one check for the batch) is refused with them unless
    `confirm_warnings`.
    Returns (enrolled, waitlisted, refused [(enrollment, message)])."""
    enrollments = list(enrollments)
    if user is not None and not is_manager(user):
        ids = {e.pk for e in enrollments}
        if ids - set(Enrollment.objects.restrict(user, CHANGE).filter(pk__in=ids).values_list("pk", flat=True)):
            raise PermissionDenied(_("Có đăng ký được chọn mà bạn không có quyền duyệt."))
    enrolled, waitlisted, refused = [], [], []
    found = eligibility.check_pairs([(e.person, e.training_class) for e in enrollments]) if user is not None else {}
    for enrollment in enrollments:
        try:
            eligibility.require_confirmed(
                {enrollment.person_id: found.get((enrollment.person_id, enrollment.training_class_id), [])},
                confirm_warnings)
            approve_decided(enrollment, user)
        except ValidationError as exc:
            refused.append((enrollment, " ".join(exc.messages)))
            continue
        (enrolled if enrollment.state == State.ENROLLED else waitlisted).append(enrollment)
    return enrolled, waitlisted, refused


def requirement_codes_for(program, on=None):
    """[(code, name)] of the requirements valid on `on` that completing `program` satisfies: QUALIFICATION rows of
    the type the programme grants at a level not above the granted one, PROGRAMME rows naming the programme. One
    query."""
    on = on or timezone.localdate()
    q = Q(kind=Requirement.Kind.PROGRAMME, programme_code=program.code)
    if program.grants_type and program.grants_level_order is not None:
        q |= Q(kind=Requirement.Kind.QUALIFICATION, qualification_type=program.grants_type,
               min_level_order__lte=program.grants_level_order)
    # a code with several rows (one per rank tier…) is named by its highest row the programme satisfies
    rows = Requirement.objects.filter(valid_on_q(on)).filter(q).order_by(
        "code", F("min_level_order").desc(nulls_last=True), "pk"
    ).values_list("code", "name")
    result = {}
    for code, name in rows:
        result.setdefault(code, name)
    return list(result.items())


def missing_people(unit, codes, on=None):
    """People of `unit`'s subtree (staff of category CB/CC/VC placed there on `on`) missing at least one of the
    requirement `codes` on `on` — the rule of dtbd.standards.engine.people_for(missing_only=True), for several codes
    in one Person queryset (three catalogue queries, whatever the number of codes)."""
    on = on or timezone.localdate()
    codes = list(codes)
    cat = Catalogue.on(on, codes)
    q = NOTHING
    for code in codes:
        _subject, missing = cat.code_qs(code, staff_base=True)
        q |= missing
    return people_in(unit, on).filter(q)
