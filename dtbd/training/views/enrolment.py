"""Enrolment pages: a class's roster with row actions, the approval queue, nomination (search or
from a standards review) and self-registration.

Who: permissions.* decides everything. A class out of sight (classes_for) or an enrolment out of sight
(enrollments_for) is a 404; an action the user may not take on a visible object is a 403. Managers assign (source
ASSIGNED), unit officers nominate people of their subtree (NOMINATED); a nomination is its own approval
(services.nominate_many). Learners register and withdraw themselves only."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.core.db import prefix_q
from dtbd.core.lists import page_of, render_page
from dtbd.notices.services import person_of_account
from dtbd.org.queries import default_unit
from dtbd.people.filters import PersonFilterSet
from dtbd.people.models import Person, UnitAssignment
from dtbd.people.queries import unit_on

from .. import queries, services
from ..forms.enrolment import PersonSearchForm, QueueFilterForm, ReviewChoiceForm, RosterFilterForm
from ..models import Enrollment, TrainingClass
from ..permissions import (
    can_self_register,
    classes_for,
    enrollments_for,
    is_manager,
    is_unit_officer,
    people_to_nominate,
)
from ..services import eligibility, nomination

State = Enrollment.State
PAGE_SIZE = 50
SEARCH_LIMIT = 50
REVIEW_LIMIT = 300


def _class_or_404(user, pk):
    return get_object_or_404(classes_for(user).select_related("program", "provider"), pk=pk)


def class_url(cls):
    """The class page (training:class_detail, built by the classes pages) or None while it does not exist."""
    try:
        return reverse("training:class_detail", args=[cls.pk])
    except NoReverseMatch:
        return None


def _state_summary(counts):
    return [(State(s).label, s, counts[s]) for s in State.values if counts[s]]


# -- class roster -------------------------------------------------------------------------------------------------

@login_required
def class_enrolments(request, pk):
    user = request.user
    cls = _class_or_404(user, pk)
    base = enrollments_for(user).filter(training_class=cls)
    counts = queries.state_counts(base)
    form = RosterFilterForm(request.GET or None)
    qs = base
    if form.is_valid() and form.cleaned_data["state"]:
        qs = qs.filter(state=form.cleaned_data["state"])
    qs = queries.roster_rows(qs).order_by("requested_at", "id")
    page_obj = page_of(request, qs, PAGE_SIZE)
    rows = list(page_obj.object_list)
    decidable = queries.decidable_person_ids(user, [r.person_id for r in rows])
    for row in rows:
        queries.row_actions(row, user, decidable)
    attach_warnings(rows)
    own = None
    if can_self_register(user):
        own = Enrollment.objects.filter(training_class=cls, person_id=user.person_id).first()
    context = {
        "cls": cls, "class_url": class_url(cls), "form": form, "page_obj": page_obj, "rows": rows,
        "counts": counts, "summary": _state_summary(counts),
        "can_nominate": (is_manager(user) or is_unit_officer(user)) and cls.status in services.REQUEST_STATUSES,
        "can_self_register": can_self_register(user) and own is None and cls.status == TrainingClass.Status.OPEN,
        "own": own, "own_can_withdraw": own is not None and own.state in services.OWN_WITHDRAW_STATES,
    }
    return render_page(request, "training/enrolment_class.html", context,
                       partial_template="training/_enrolment_table.html", target="enrolment-list")


def _enrolment_for_action(request, pk):
    enrollment = (
        enrollments_for(request.user).select_related("training_class", "person").filter(pk=pk).first()
    )
    if enrollment is None:
        raise Http404(_("Không tìm thấy đăng ký học trong phạm vi của bạn."))
    return enrollment


def attach_warnings(rows):
    """Set `warnings` (services.eligibility) on the enrolment rows the user may approve — one check for the page,
    a fixed number of queries — and [] on the others."""
    pending = [r for r in rows if getattr(r, "can_approve", False)]
    found = eligibility.check_pairs([(r.person, r.training_class) for r in pending])
    for row in rows:
        row.warnings = found.get((row.person_id, row.training_class_id), [])
    return rows


def _confirmed(request):
    return request.POST.get("confirm_warnings") in ("1", "on", "true")


def _row_response(request, enrollment, message="", error=""):
    row = queries.roster_rows(Enrollment.objects.filter(pk=enrollment.pk)).get()
    decidable = queries.decidable_person_ids(request.user, [row.person_id])
    queries.row_actions(row, request.user, decidable)
    attach_warnings([row])
    return render(request, "training/_enrolment_row.html", {"row": row, "row_message": message, "row_error": error,
                                                            "show_class": request.POST.get("show_class") == "1"})


def _after_action(request, enrollment, message="", error="", promoted=()):
    """htmx: swap the row (or reload the page when a promotion changed other rows); otherwise redirect back."""
    if promoted:
        messages.info(
            request,
            _("Đã xếp từ danh sách chờ vào lớp: %(names)s.") % {"names": ", ".join(p.person.full_name for p in promoted)},
        )
    if request.htmx:
        if promoted:
            if message:
                messages.success(request, message)
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return _row_response(request, enrollment, message, error)
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    nxt = request.POST.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect("training:class_enrolments", pk=enrollment.training_class_id)


@login_required
@require_POST
def enrolment_approve(request, pk):
    enrollment = _enrolment_for_action(request, pk)
    try:
        # refuses those who do not decide on it (check_decide), and unconfirmed eligibility warnings
        services.approve(enrollment, request.user, confirm_warnings=_confirmed(request))
    except ValidationError as exc:
        return _after_action(request, enrollment, error=" ".join(exc.messages))
    if enrollment.state == State.ENROLLED:
        msg = _("Đã duyệt: %(name)s được xếp vào lớp.") % {"name": enrollment.person.full_name}
    else:
        msg = _("Lớp đã đủ chỗ: %(name)s vào danh sách chờ.") % {"name": enrollment.person.full_name}
    return _after_action(request, enrollment, message=msg)


@login_required
@require_POST
def enrolment_reject(request, pk):
    enrollment = _enrolment_for_action(request, pk)
    try:
        services.reject(enrollment, request.user, request.POST.get("reason", ""))
    except ValidationError as exc:
        return _after_action(request, enrollment, error=" ".join(exc.messages))
    message = _("Đã từ chối đăng ký của %(name)s.") % {"name": enrollment.person.full_name}
    return _after_action(request, enrollment, message=message)


@login_required
@require_POST
def enrolment_withdraw(request, pk):
    user = request.user
    enrollment = _enrolment_for_action(request, pk)
    try:
        promoted = services.withdraw(enrollment, user, request.POST.get("reason", ""))
    except ValidationError as exc:
        return _after_action(request, enrollment, error=" ".join(exc.messages))
    return _after_action(request, enrollment, message=_("Đã rút %(name)s khỏi lớp.") % {"name": enrollment.person.full_name},
                         promoted=promoted)


# -- approval queue -----------------------------------------------------------------------------------------------

@login_required
def enrolment_queue(request):
    user = request.user
    nomination.check_nominator(user)
    if request.method == "POST":
        return _bulk_approve(request)
    form = QueueFilterForm(request.GET or None, user=user)
    qs = queries.decidable_enrollments(user)
    state = State.REQUESTED
    if form.is_valid():
        data = form.cleaned_data
        state = data["state"] or State.REQUESTED
        if data["training_class"]:
            qs = qs.filter(training_class=data["training_class"])
        if data["unit"]:
            qs = qs.filter(person__in=UnitAssignment.objects.filter(
                prefix_q("unit__path", data["unit"].path), valid_to__isnull=True).values("person_id"))
    qs = queries.roster_rows(qs.filter(state=state)).order_by("training_class__starts_on", "training_class__code",
                                                               "requested_at", "id")
    page_obj = page_of(request, qs, PAGE_SIZE)
    rows = list(page_obj.object_list)
    decidable = queries.decidable_person_ids(user, [r.person_id for r in rows])
    for row in rows:
        queries.row_actions(row, user, decidable)
    attach_warnings(rows)
    context = {"form": form, "page_obj": page_obj, "rows": rows, "state": state,
               "any_warnings": any(r.warnings for r in rows),
               "selectable": any(r.can_approve for r in rows)}
    return render_page(request, "training/enrolment_queue.html", context)


def _ids(values):
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            continue
    return ids


def _bulk_approve(request):
    ids = _ids(request.POST.getlist("ids"))
    back = reverse("training:enrolment_queue")
    query = request.POST.get("query", "")
    if query and not query.startswith("?"):
        query = "?" + query
    if not ids:
        messages.warning(request, _("Chưa chọn đăng ký nào để duyệt."))
        return redirect(back + query)
    enrollments = list(
        queries.decidable_enrollments(request.user).filter(pk__in=ids)
        .select_related("training_class__program", "person").order_by("requested_at", "id")
    )
    enrolled, waitlisted, refused = services.approve_many(enrollments, request.user, confirm_warnings=_confirmed(request))
    not_found = len(set(ids)) - len(enrollments)
    messages.success(
        request,
        _("Đã duyệt %(e)s người vào lớp, %(w)s người vào danh sách chờ; %(r)s đăng ký không duyệt được.")
        % {"e": len(enrolled), "w": len(waitlisted), "r": len(refused) + not_found},
    )
    for _enr, message in refused:
        messages.error(request, message)
    return redirect(back + query)


# -- nomination ---------------------------------------------------------------------------------------------------

def _chosen_people(request, field="person"):
    """The people whose ids were posted, within the user's view scope: an id outside it (or of nobody) is not found
    (404, as reading that person), never named. _check_in_scope refuses the ones seen but not nominable."""
    ids = set(_ids(request.POST.getlist(field)))
    people = list(
        Person.objects.restrict(request.user).filter(pk__in=ids)
        .annotate(unit_name=unit_on(field="unit__name")).order_by("name_sort", "code")
    )
    if len(people) != len(ids):
        raise Http404(_("Không tìm thấy cán bộ trong phạm vi của bạn."))
    return people


def _check_in_scope(user, people):
    """Refuse (403) when one chosen person is outside people_to_nominate(user): nothing is created."""
    ids = [p.pk for p in people]
    allowed = set(people_to_nominate(user).filter(pk__in=ids).values_list("pk", flat=True))
    if any(pk not in allowed for pk in ids):
        raise PermissionDenied(_("Có người được chọn ngoài phạm vi cán bộ bạn được cử."))


def _confirm(request, cls, people):
    """nominate_many, then report: how many enrolled / waitlisted, who was skipped and why. Unconfirmed eligibility
    warnings (WarningsNotConfirmed) go up to the page, which lists them again."""
    if not people:
        messages.warning(request, _("Chưa chọn người nào."))
        return None
    try:
        created, skipped = services.nominate_many(cls, people, user=request.user, confirm_warnings=_confirmed(request))
    except services.WarningsNotConfirmed:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    enrolled = sum(1 for e in created if e.state == State.ENROLLED)
    messages.success(
        request,
        _("Đã cử %(n)s người: %(e)s xếp lớp, %(w)s vào danh sách chờ.")
        % {"n": len(created), "e": enrolled, "w": len(created) - enrolled},
    )
    for _person, message in skipped:
        messages.warning(request, message)
    return redirect("training:class_enrolments", pk=cls.pk)


def _preview_rows(cls, people):
    """[(person, [EligibilityWarning])]: services.eligibility, one check for all of them."""
    warnings = eligibility.check_many(cls, people)
    return [(p, warnings.get(p.pk, [])) for p in people]


def _preview_context(cls, people, query):
    rows = _preview_rows(cls, people)
    return {"preview": rows, "back_query": query, "any_warnings": any(w for _p, w in rows)}


def _status_refusal(cls):
    if cls.status not in services.REQUEST_STATUSES:
        return _("Lớp %(code)s đang “%(st)s”, không thể cử thêm học viên.") % {
            "code": cls.code, "st": cls.get_status_display()}
    return ""


@login_required
def nominate(request, pk):
    user = request.user
    cls = _class_or_404(user, pk)
    nomination.check_nominator(user)
    context = {"cls": cls, "class_url": class_url(cls), "refusal": _status_refusal(cls),
               "source_label": Enrollment.Source(nomination.nomination_source(user)).label}
    if request.method == "POST":
        people = _chosen_people(request)
        _check_in_scope(user, people)
        if request.POST.get("step") == "confirm":
            try:
                response = _confirm(request, cls, people)
            except services.WarningsNotConfirmed as exc:
                context.update(_preview_context(cls, people, request.POST.get("query", "")), unconfirmed=exc)
                return render(request, "training/nominate_preview.html", context)
            if response is not None:
                return response
            return redirect("training:nominate", pk=cls.pk)
        if not people:
            messages.warning(request, _("Chưa chọn người nào."))
            return redirect(reverse("training:nominate", args=[cls.pk]) + "?" + request.POST.get("query", ""))
        context.update(_preview_context(cls, people, request.POST.get("query", "")))
        return render(request, "training/nominate_preview.html", context)
    form = PersonSearchForm(request.GET or None)
    results, in_class = None, 0
    if form.is_valid() and form.cleaned_data["q"].strip():
        pool = people_to_nominate(user).filter(left_on__isnull=True)
        found = PersonFilterSet({"q": form.cleaned_data["q"]}, queryset=pool, user=user).qs
        already = Enrollment.objects.filter(training_class=cls).values("person_id")
        results = [(p, []) for p in
                   found.exclude(pk__in=already).annotate(unit_name=unit_on(field="unit__name"))
                   .order_by("name_sort", "code")[:SEARCH_LIMIT]]
        in_class = found.filter(pk__in=already).count()
    context.update({"form": form, "results": results, "in_class": in_class, "limit": SEARCH_LIMIT,
                    "query": request.GET.urlencode()})
    return render(request, "training/nominate.html", context)


@login_required
def nominate_from_review(request, pk):
    user = request.user
    cls = _class_or_404(user, pk)
    nomination.check_nominator(user)
    if request.method == "POST":
        people = _chosen_people(request)
        _check_in_scope(user, people)
        try:
            response = _confirm(request, cls, people)
        except services.WarningsNotConfirmed as exc:
            # the list shows each flagged person's warnings again, not ticked
            messages.error(request, exc.heading() + " " + " ".join(w.text for w in exc.warnings))
            response = None
        if response is not None:
            return response
        return redirect(reverse("training:nominate_from_review", args=[cls.pk]) + "?" + request.POST.get("query", ""))
    today = timezone.localdate()
    codes = services.requirement_codes_for(cls.program, today)
    form = ReviewChoiceForm(request.GET or None, user=user, codes=codes)
    unit, chosen = None, [c for c, _n in codes]
    if form.is_bound:
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            if form.cleaned_data["code"]:
                chosen = [form.cleaned_data["code"]]
    else:
        unit = default_unit(user)
        if unit is not None and not form.fields["unit"].queryset.filter(pk=unit.pk).exists():
            unit = None
        form = ReviewChoiceForm(initial={"unit": unit}, user=user, codes=codes)
    rows, total = [], 0
    if unit is not None and chosen:
        people = (
            services.missing_people(unit, chosen, today)
            .filter(pk__in=people_to_nominate(user).values("pk"), left_on__isnull=True)
            .exclude(pk__in=Enrollment.objects.filter(training_class=cls).values("person_id"))
        )
        listed = list(people.annotate(unit_name=unit_on(field="unit__name")).order_by("name_sort", "code")[:REVIEW_LIMIT + 1])
        total = len(listed)
        rows = _preview_rows(cls, listed[:REVIEW_LIMIT])
    context = {
        "cls": cls, "class_url": class_url(cls), "form": form, "codes": codes, "unit": unit, "rows": rows,
        "truncated": total > REVIEW_LIMIT, "limit": REVIEW_LIMIT, "refusal": _status_refusal(cls),
        "query": request.GET.urlencode(), "source_label": Enrollment.Source(nomination.nomination_source(user)).label,
    }
    return render(request, "training/nominate_review.html", context)


# -- self-registration --------------------------------------------------------------------------------------------

def _back(request, cls):
    nxt = request.POST.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect(class_url(cls) or reverse("training:class_enrolments", args=[cls.pk]))


@login_required
@require_POST
def self_register(request, pk):
    """The request of a registration rush (bench/registration_rush.py): its SQL queries are counted in
    test_enrolment_pages.test_self_register_query_count — the class with its programme; the person read before the
    transaction, their account (the notice's recipient) not read again."""
    user = request.user
    cls = get_object_or_404(classes_for(user).select_related("program"), pk=pk)
    if not can_self_register(user):
        raise PermissionDenied(_("Tài khoản của bạn chưa gắn với hồ sơ cán bộ nên không thể tự đăng ký học."))
    person = person_of_account(user)
    try:
        enrollment = services.request_enrollment(cls, person, Enrollment.Source.SELF, user,
                                                 confirm_warnings=_confirmed(request))
    except services.WarningsNotConfirmed as exc:
        # the learner reads the warnings and confirms them (or, for a hard conflict, is refused: no confirm box)
        context = {"cls": cls, "class_url": class_url(cls), "refusal": exc,
                   "hard": isinstance(exc, services.SelfRegistrationRefused),
                   "next": request.POST.get("next", "")}
        return render(request, "training/self_register_confirm.html", context)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if enrollment.state == State.ENROLLED:
            messages.success(request, _("Bạn đã được xếp vào lớp %(code)s.") % {"code": cls.code})
        elif enrollment.state == State.WAITLISTED:
            messages.warning(request, _("Lớp %(code)s đã đủ chỗ: bạn ở danh sách chờ và sẽ được xếp lớp khi có chỗ "
                                        "trống.") % {"code": cls.code})
        else:
            messages.success(request, _("Đã gửi đăng ký học lớp %(code)s; chờ đơn vị duyệt.") % {"code": cls.code})
    return _back(request, cls)


@login_required
@require_POST
def self_withdraw(request, pk):
    user = request.user
    cls = _class_or_404(user, pk)
    if not can_self_register(user):
        raise PermissionDenied(_("Tài khoản của bạn chưa gắn với hồ sơ cán bộ."))
    enrollment = Enrollment.objects.select_related("training_class", "person").filter(
        training_class=cls, person_id=user.person_id).first()
    if enrollment is None:
        raise Http404(_("Bạn chưa đăng ký lớp này."))
    try:
        services.withdraw(enrollment, user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã rút đăng ký học lớp %(code)s.") % {"code": cls.code})
    return _back(request, cls)
