"""Pages of the effectiveness evaluation (level 3), the coverage of the evaluation and the manager's publication of
results (docs/domain.md §16.4–15.6), and the public disclosure /cong-khai/ (no login)."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.lists import render_list
from dtbd.training.models import Provider

from . import coverage, disclosure, effectiveness
from .quality_models import EffectivenessForm, Publication

PAGE_SIZE = 50


def _reader(user):
    scope = scope_of(user)
    if not (scope.sees_units or scope.person_id):
        raise PermissionDenied
    return scope


def _year(request, default):
    raw = request.GET.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return default


# -- level 3 ---------------------------------------------------------------------------------------------------------
@login_required
def effectiveness_list(request):
    scope = _reader(request.user)
    if scope.is_institution:
        raise PermissionDenied
    status = request.GET.get("status", "")
    qs = effectiveness.forms_for(request.user, status)
    return render_list(request, qs, "evaluation/effectiveness_list.html", page_size=PAGE_SIZE, rows_name="forms",
                       context={"status": status, "figures": effectiveness.counts(qs)})


@login_required
def effectiveness_detail(request, pk):
    form = effectiveness.form_for(request.user, pk)
    can_rate = effectiveness.may_rate(request.user, form)
    can_self = effectiveness.may_self_assess(request.user, form)
    errors = {}
    if request.method == "POST":
        side = request.POST.get("side")
        try:
            if side == "manager" and can_rate:
                scores = {f: _int(request.POST.get(f)) for f in EffectivenessForm.SCORE_FIELDS}
                effectiveness.rate(form, request.user, scores, request.POST.get("product_kind", ""),
                                   request.POST.get("product_title", ""), request.POST.get("product_description", ""),
                                   request.POST.get("manager_comment", ""))
                messages.success(request, _("Đã lưu đánh giá hiệu quả sau đào tạo."))
                return redirect("quality:effectiveness_detail", pk=form.pk)
            if side == "learner" and can_self:
                effectiveness.self_assess(form, request.user, _int(request.POST.get("self_score")),
                                          request.POST.get("self_comment", ""))
                messages.success(request, _("Đã lưu phần tự đánh giá."))
                return redirect("quality:effectiveness_detail", pk=form.pk)
            raise PermissionDenied
        except ValidationError as exc:
            errors = exc.message_dict
    scores = [(f, EffectivenessForm._meta.get_field(f).verbose_name, getattr(form, f)) for f in
              EffectivenessForm.SCORE_FIELDS]
    return render(request, "evaluation/effectiveness_detail.html", {
        "form": form, "cls": form.enrollment.training_class, "can_rate": can_rate, "can_self": can_self,
        "scores": scores, "errors": errors, "kinds": EffectivenessForm.ProductKind.choices, "values": request.POST,
        "range": range(1, 11),
    }, status=400 if errors else 200)


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


# -- coverage --------------------------------------------------------------------------------------------------------
@login_required
def coverage_list(request):
    scope = _reader(request.user)
    if not scope.sees_units:
        raise PermissionDenied
    today = coverage.today()
    year = _year(request, today.year)
    providers = Provider.objects.restrict(request.user, CHANGE) if scope.is_institution else Provider.objects.all()
    rows = coverage.coverage_rows(providers, year)
    return render(request, "evaluation/coverage.html", {
        "rows": rows, "year": year, "years": range(today.year, today.year - 6, -1), "min_share": coverage.MIN_SHARE,
        "warn": coverage.warning_due(year),
    })


def provider_panel(request, provider):
    """The provider page's coverage panel (registered on training.extensions.provider_page), with the warning of the
    20 % rule from 1 October of the year."""
    if not scope_of(request.user).sees_units:
        return ""
    year = coverage.today().year
    row = coverage.provider_coverage(provider, year)
    return render_to_string("evaluation/_provider_panel.html", {
        "row": row, "min_share": coverage.MIN_SHARE, "warn": coverage.warning_due(year) and not row.meets,
    }, request=request)


# -- the staff page --------------------------------------------------------------------------------------------------
def staff_page_panel(request, person, context):
    """The staff page's level-3 rows (registered on people.extensions.person_page), beside the annual assessment of
    the year each fell due. One query."""
    if scope_of(request.user).is_institution:
        return {}
    forms = effectiveness.person_panel(request.user, person, context.get("assessments") or [])
    return {"effectiveness_forms": forms} if forms else {}


# -- the learner portal ----------------------------------------------------------------------------------------------
def portal_panel(request, person):
    """The learner portal's list of their level-3 forms awaiting their self-assessment (registered on
    training.extensions.portal_page). One query."""
    waiting = list(EffectivenessForm.objects.filter(person=person, self_at__isnull=True).select_related(
        "enrollment__training_class").order_by("due_on"))
    if not waiting:
        return ""
    return render_to_string("evaluation/_effectiveness_portal.html", {"waiting": waiting}, request=request)


# -- publication (province managers) ---------------------------------------------------------------------------------
def _manager(user):
    if not scope_of(user).is_manager:
        raise PermissionDenied


@login_required
def publish(request):
    _manager(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        year = _int(request.POST.get("year"))
        if year is None or not (2000 <= year <= today.year):
            messages.error(request, _("Năm công khai phải từ 2000 đến %(y)s.") % {"y": today.year})
        else:
            disclosure.publish(request.user, year, training_results=bool(request.POST.get("training_results")),
                               assessments=bool(request.POST.get("assessments")), note=request.POST.get("note", ""))
            messages.success(request, _("Đã công khai kết quả năm %(y)s tại /cong-khai/.") % {"y": year})
            return redirect("quality:publish")
    publications = Publication.objects.select_related("published_by", "withdrawn_by").order_by("-year",
                                                                                               "-published_at")[:50]
    return render(request, "evaluation/publish.html", {
        "publications": publications, "years": range(today.year, today.year - 6, -1),
    })


@login_required
@require_POST
def withdraw(request, pk):
    _manager(request.user)
    publication = get_object_or_404(Publication.objects.current(), pk=pk)
    disclosure.withdraw(publication, request.user)
    messages.success(request, _("Đã rút lại công khai năm %(y)s.") % {"y": publication.year})
    return redirect("quality:publish")


# -- /cong-khai/ (public) --------------------------------------------------------------------------------------------
def _public_page(request, publications, publication):
    """The year's figures come from the cache (rendered once per publication and language)."""
    body = None
    if publication is not None:
        key = f"{disclosure.cache_key(publication)}:{translation.get_language()}"
        body = disclosure.cache.get(key)
        if body is None:
            body = render_to_string("evaluation/public_year.html", disclosure.year_context(publication))
            disclosure.cache.set(key, body, disclosure.CACHE_SECONDS)
    body = mark_safe(body or "")  # noqa: S308 — the output of our own template, rendered above or cached
    response = render(request, "evaluation/public.html", {
        "publications": publications, "publication": publication, "body": body,
    })
    if publication is not None:  # shared caches may keep a published page a minute; "nothing published" not at all
        patch_cache_control(response, public=True, max_age=60)
    return response


def public_index(request):
    publications = sorted(disclosure.current_publications().values(), key=lambda p: -p.year)
    return _public_page(request, publications, publications[0] if publications else None)


def public_year(request, year):
    current = disclosure.current_publications()
    if year not in current:
        raise Http404
    return _public_page(request, sorted(current.values(), key=lambda p: -p.year), current[year])
