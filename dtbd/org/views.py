"""Organisation pages: tree browser, unit page (with what other apps add: org.extensions), create/edit. Reads go
through org.queries (scoped)."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dtbd.accounts.scope import CHANGE, scope_of
from dtbd.core.lists import render_list, render_page

from . import extensions, lineage, queries
from .filters import UnitFilterSet
from .forms import UnitForm
from .models import Unit


@login_required
def unit_list(request):
    scope = scope_of(request.user)
    filterset = UnitFilterSet(request.GET or None, queryset=Unit.objects.restrict(request.user).select_related("parent"))
    show_dissolved = filterset.show_dissolved
    context = {"form": filterset.form, "scope": scope, "show_dissolved": show_dissolved, "today": datetime.date.today()}
    if filterset.is_search():
        rows = queries.with_tree_columns(filterset.qs.order_by("path"), show_dissolved)
        context.update(mode="search", indent_offset=0)
        return render_list(request, rows, "org/unit_list.html", partial_template="org/_unit_results.html",
                           target="unit-results", page_size=queries.PAGE_SIZE, context=context)
    rows, base_depth = queries.tree_top(request.user, show_dissolved)
    context.update(mode="tree", rows=rows, base_depth=base_depth, indent_offset=-base_depth)
    return render_page(request, "org/unit_list.html", context, partial_template="org/_unit_results.html",
                       target="unit-results")


@login_required
def unit_children(request, pk):
    """Rows of a unit's children for the tree browser (htmx, inserted after the parent's row)."""
    unit = queries.unit_for(request.user, pk)
    show_dissolved = request.GET.get("dissolved") in ("on", "1", "true")
    rows = queries.children_of(unit, show_dissolved)
    top = queries.base_depth(request.user)
    context = {
        "rows": rows,
        "mode": "tree",
        "base_depth": top,
        "indent_offset": -top,
        "show_dissolved": show_dissolved,
        "today": datetime.date.today(),
    }
    return render(request, "org/_unit_rows.html", context)


@login_required
def unit_detail(request, pk):
    unit = queries.unit_for(request.user, pk)
    scope = scope_of(request.user)
    predecessors, successors = lineage.lineage_of(unit)
    context = {
        "today": datetime.date.today(),
        "unit": unit,
        "scope": scope,
        "can_edit": scope.can_write,
        "ancestors": [(a, scope.sees_unit(a)) for a in unit.ancestors()],
        "children": queries.children_of(unit, show_dissolved=True),
        "entries": queries.audit_entries(unit),
        "lineage": [(link, link.predecessor, scope.sees_unit(link.predecessor)) for link in predecessors],
        "successors": [(link, link.successor, scope.sees_unit(link.successor)) for link in successors],
        "is_manager": scope.is_manager,
        **extensions.unit_page_context(request, unit),  # the subtree's headcounts (people)
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def unit_create(request):
    scope = scope_of(request.user)
    if not scope.can_write:
        raise PermissionDenied
    initial = {}
    parent_pk = request.GET.get("parent")
    if parent_pk and parent_pk.isdigit():
        initial["parent"] = queries.unit_for(request.user, int(parent_pk), CHANGE)
    form = UnitForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("Đã tạo đơn vị %(name)s.") % {"name": unit.name})
        return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": None, "parent": initial.get("parent")})


@login_required
def unit_edit(request, pk):
    unit = queries.unit_for(request.user, pk)
    scope = scope_of(request.user)
    if not scope.can_write:
        raise PermissionDenied
    unit = queries.unit_for(request.user, pk, CHANGE)
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        unit = form.save()
        messages.success(request, _("Đã lưu đơn vị %(name)s.") % {"name": unit.name})
        return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"form": form, "unit": unit})
