"""Dashboard pages (/tong-quan/): the dashboard, its own drill-down lists (people behind a structure cell, enrolments
behind a person-times figure) and the indicator (target) pages. Thin: figures come from reports.dashboard and
reports.targets. Every unit is read through the user's scope (404 outside it); users without a unit scope get 403;
indicators are edited by managers only (403 for others)."""
import datetime
from decimal import Decimal
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dtbd.accounts.scope import scope_of
from dtbd.core.dbrouter import reading_from_replica
from dtbd.core.lists import render_list
from dtbd.evaluation import figures as evaluation_figures
from dtbd.org.forms import DATE_WIDGET
from dtbd.org.models import Unit
from dtbd.org.queries import default_unit, unit_for
from dtbd.people.catalog import LEVELS
from dtbd.people.queries import contract_workers_left_out, display_rows
from dtbd.standards.engine import requirement_names
from dtbd.training.models import TrainingClass
from dtbd.training.permissions import classes_for

from . import dashboard, registry, summaries, targets
from .forms import UnitChoiceField
from .conditions import describe
from .forms_targets import IndicatorForm
from .models import Indicator

PAGE_SIZE = 50


def _require_unit_scope(user):
    scope = scope_of(user)
    if not scope.sees_units:
        raise PermissionDenied(_("Bạn không có quyền xem số liệu tổng quan theo đơn vị."))


class DashboardForm(forms.Form):
    """Unit (in scope), period (a year, or from–to dates) and the as-of date of the structures."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("Đơn vị"), empty_label=None)
    year = forms.TypedChoiceField(label=gettext_lazy("Năm"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DATE_WIDGET)
    as_of = forms.DateField(
        label=gettext_lazy("Cơ cấu tại ngày"), required=False, widget=DATE_WIDGET,
        help_text=gettext_lazy("Mặc định: cuối kỳ (hoặc hôm nay nếu kỳ chưa hết)."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.restrict(user).only("pk", "name", "code", "depth", "valid_to").order_by("path")
        self.fields["unit"].queryset = units
        self.fields["unit"].base_depth = min((u.depth for u in units[:1]), default=0)
        this_year = datetime.date.today().year
        self.fields["year"].choices = [("", _("— chọn khoảng ngày —"))] + [(y, str(y)) for y in range(this_year, this_year - 11, -1)]

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if bool(date_from) != bool(date_to):
            raise forms.ValidationError(_("Nhập đủ cả “Từ ngày” và “Đến ngày”, hoặc chọn một năm."))
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data

    def period(self, today=None):
        today = today or datetime.date.today()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to"):
            start, end = data["date_from"], data["date_to"]
        else:
            year = data.get("year") or today.year
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        return dashboard.Period(start, end, data.get("as_of") or min(end, today))


def _bound(request):
    """The dashboard form bound to the query string (default unit, current year). Unknown/out-of-scope unit: 404."""
    data = request.GET.copy()
    raw = data.get("unit")
    if raw:
        if not raw.isdigit():
            raise Http404(_("Không tìm thấy đơn vị trong phạm vi của bạn."))
        unit_for(request.user, int(raw))
    else:
        unit = default_unit(request.user)
        if unit is None:
            return DashboardForm(user=request.user), False
        data["unit"] = str(unit.pk)
    if not (data.get("year") or data.get("date_from") or data.get("date_to")):
        data["year"] = str(datetime.date.today().year)
    form = DashboardForm(data, user=request.user)
    return form, form.is_valid()


def _query(unit, period):
    """Query string of the dashboard parameters, for the drill-down pages and back links."""
    params = {"unit": unit.pk, "as_of": period.as_of.strftime("%d/%m/%Y")}
    if period.year:
        params["year"] = period.year
    else:
        params["date_from"] = period.date_from.strftime("%d/%m/%Y")
        params["date_to"] = period.date_to.strftime("%d/%m/%Y")
    return urlencode(params)


FUNDING_REPORTS = ("postgrad-study", "commitments", "talent-attraction")  # linked from the funding block


@login_required
@reading_from_replica()
def dashboard_view(request):
    _require_unit_scope(request.user)
    form, valid = _bound(request)
    board = query = review_query = hours_query = left_out = funding = evaluation = None
    compliance = []
    if valid:
        period = form.period()
        unit = form.cleaned_data["unit"]
        # the class set is a lazy subquery: read after board_for's refresh when asked
        board = summaries.board_for(unit, period, summaries.unit_classes(classes_for(request.user), unit, period),
                                    refresh=request.GET.get("refresh") == "1")
        query = _query(board.unit, period)
        review_query = urlencode({"unit": board.unit.pk, "date": period.as_of.strftime("%d/%m/%Y")})
        hours_date = board.annual_hours_date or dashboard.annual_hours_date(period)  # None while pending
        hours_query = urlencode({"unit": board.unit.pk, "date": hours_date.strftime("%d/%m/%Y")})
        if not board.pending:
            left_out = contract_workers_left_out(board.unit, period.as_of)
            if not scope_of(request.user).is_institution:  # training institutions see no funding record (§14.2)
                funding = dashboard.funding_block(board.unit, period)
                evaluation = evaluation_figures.unit_figures(board.unit, period.date_to.year)  # domain.md §16.7
        names = requirement_names(c.code for c in board.compliance)
        compliance = [
            {"code": c.code, "name": names[c.code], "applicable": c.applicable, "met": c.met, "missing": c.missing,
             "percent": round(Decimal(100) * c.met / c.applicable, 1) if c.applicable else Decimal(0)}
            for c in board.compliance
        ]
    dimensions = [(d, label) for d, label in dashboard.DIMENSIONS.items() if d != "all"]
    context = {
        "form": form, "board": board, "query": query, "review_query": review_query, "hours_query": hours_query,
        "compliance": compliance, "dimensions": dimensions, "cache_minutes": dashboard.cache_seconds() // 60,
        "can_manage": targets.can_manage(request.user), "contract_workers_left_out": left_out,
        "funding": funding, "evaluation": evaluation,
        "funding_reports": [r for r in (registry.get_report(n) for n in FUNDING_REPORTS) if r is not None],
    }
    return render(request, "dashboard/dashboard.html", context)


def _drill_params(request):
    form, valid = _bound(request)
    if not valid:
        raise Http404(_("Tham số không hợp lệ."))
    period = form.period()
    return form.cleaned_data["unit"], period


def _enrolment_rows(qs):
    """Enrolments with what the drill-down table (dashboard/_enrolment_rows.html) shows, newest completion first."""
    return (
        qs.select_related("person", "training_class__program")
        .only("pk", "completed_on", "person__code", "person__full_name", "person__birth_date", "person__gender",
              "training_class__code", "training_class__name", "training_class__abroad", "training_class__form",
              "training_class__program__category")
        .order_by("-completed_on", "pk")
    )


@login_required
@reading_from_replica()
def enrolments(request):
    """The completed enrolments behind one person-times figure (dimension `dim`, value `value`)."""
    _require_unit_scope(request.user)
    unit, period = _drill_params(request)
    dim, value = request.GET.get("dim", "all"), request.GET.get("value", "")
    condition = dashboard.enrolment_group_q(dim, value, unit, period)
    if condition is None:
        raise Http404(_("Không có chỉ số này."))
    label = next((lbl for d, v, lbl in dashboard.person_times_figures() if d == dim and v == value), "")
    qs = _enrolment_rows(dashboard.completed_enrolments(unit, period).filter(condition))
    context = {
        "unit": unit, "period": period, "dimension": dashboard.DIMENSIONS.get(dim, ""), "label": label,
        "back_query": _query(unit, period),
    }
    return render_list(request, qs, "dashboard/enrolments.html", page_size=PAGE_SIZE, context=context)


@login_required
@reading_from_replica()
def classes(request):
    """The classes behind the class figures: the unit's classes (dashboard.unit_classes) among those the viewer sees,
    held in the period (overlapping it), of one status (`status`; none: all but cancelled)."""
    _require_unit_scope(request.user)
    unit, period = _drill_params(request)
    status = request.GET.get("status", "")
    if status and status not in TrainingClass.Status.values:
        raise Http404(_("Không có trạng thái lớp này."))
    qs = dashboard.classes_in_period(summaries.unit_classes(classes_for(request.user), unit, period), period)
    qs = qs.filter(status=status) if status else qs.exclude(status=TrainingClass.Status.CANCELLED)
    qs = qs.select_related("program", "provider").order_by("starts_on", "code")
    context = {
        "unit": unit, "period": period, "back_query": _query(unit, period),
        "status_label": TrainingClass.Status(status).label if status else _("Tất cả (trừ lớp đã huỷ)"),
    }
    return render_list(request, qs, "dashboard/classes.html", page_size=PAGE_SIZE, context=context)


@login_required
@reading_from_replica()
def people(request):
    """The people behind one cell of a structure table (type `qtype`, level `code`, administrative `level`)."""
    _require_unit_scope(request.user)
    unit, period = _drill_params(request)
    qtype, code, level = request.GET.get("qtype", ""), request.GET.get("code", ""), request.GET.get("level", "")
    if qtype not in dashboard.STRUCTURE_TYPES or (code != dashboard.NONE_CODE and code not in LEVELS[qtype]):
        raise Http404(_("Không có chỉ số này."))
    if level and level != registry.ALL and level not in dict(registry.AdminLevel.choices):
        raise Http404(_("Không có cấp hành chính này."))
    qs = dashboard.structure_people(unit, period.as_of, qtype, code, level).order_by("name_sort", "code")
    code_label = _("Chưa có") if code == dashboard.NONE_CODE else LEVELS[qtype][code][0]
    context = {
        "unit": unit, "period": period,
        "type_label": dashboard.STRUCTURE_TYPES[qtype], "code_label": code_label,
        "level_label": registry.level_label(level or registry.ALL), "back_query": _query(unit, period),
    }
    return render_list(request, qs.values_list("pk", flat=True), "dashboard/people.html", page_size=PAGE_SIZE,
                       context=context, rows=partial(display_rows, date=period.as_of))


@login_required
@reading_from_replica()
def indicator_members(request, pk):
    """The people (staff register) or completed enrolments (enrolment register) behind the numerator (`part=n`) or the
    denominator (`part=d`) of indicator `pk` on `date` (one of the dashboard's trend dates) in the unit's subtree."""
    _require_unit_scope(request.user)
    unit, period = _drill_params(request)
    indicator = get_object_or_404(Indicator, pk=pk)
    part = request.GET.get("part", "")
    try:
        date = datetime.datetime.strptime(request.GET.get("date", ""), "%d/%m/%Y").date()
    except ValueError:
        date = None
    if part not in ("n", "d") or date not in targets.trend_dates(period.as_of):
        raise Http404(_("Không có chỉ số này."))
    qs = targets.members(indicator, unit, date, numerator=part == "n")
    context = {"unit": unit, "period": period, "indicator": indicator, "date": date, "numerator": part == "n",
               "back_query": _query(unit, period)}
    template = "dashboard/indicator_members.html"
    if indicator.register == Indicator.Register.ENROLMENT:
        context["enrolments"] = True
        return render_list(request, _enrolment_rows(qs), template, page_size=PAGE_SIZE, context=context)
    ids = qs.order_by("name_sort", "code").values_list("pk", flat=True)
    return render_list(request, ids, template, page_size=PAGE_SIZE, context=context, rows=partial(display_rows, date=date))


# -- indicators ---------------------------------------------------------------------------------------------------
def _require_manager(user):
    if not targets.can_manage(user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống và quản lý cấp tỉnh được định nghĩa chỉ tiêu."))


@login_required
def indicator_list(request):
    _require_unit_scope(request.user)
    indicators = list(Indicator.objects.order_by("order", "code"))
    for indicator in indicators:  # the conditions in words, codes replaced by their names
        indicator.denominator_words = describe(indicator.denominator)
        indicator.numerator_words = describe(indicator.numerator)
    context = {"indicators": indicators, "can_manage": targets.can_manage(request.user)}
    return render(request, "dashboard/indicators.html", context)


@login_required
def indicator_edit(request, pk=None):
    _require_manager(request.user)
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator)
    preview = request.method == "POST" and "preview" in request.POST
    context = {"form": form, "indicator": indicator}
    if preview:
        context["preview"] = _preview(request.user, form)
        if request.headers.get("HX-Request"):
            return render(request, "dashboard/_indicator_preview.html", context)
    elif request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu chỉ tiêu %(name)s.") % {"name": saved.name})
        return redirect("dashboard:indicators")
    return render(request, "dashboard/indicator_form.html", context)


def _preview(user, form):
    """What the indicator the form describes counts today in the user's unit (the province for managers), unsaved:
    {unit, date, point} or {errors} when the form does not hold yet. One query (targets.evaluate)."""
    if not form.is_valid():
        return {"errors": True}
    unit = default_unit(user)
    if unit is None:
        return {"no_unit": True}
    date = datetime.date.today()
    evaluation = targets.evaluate([form.instance], unit, date, years=0)[0]
    return {"unit": unit, "date": date, "point": evaluation.current, "status": evaluation.status_label}
