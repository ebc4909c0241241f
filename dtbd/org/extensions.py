"""What the unit pages show from the apps above org (dtbd.core.extensions): they register here from their
AppConfig.ready.

- `unit_rows(queryset)` -> the queryset with more annotations for the tree and search listings (e.g. the number of
  staff placed directly in each unit); called once per listing, so the page stays one query.
- `unit_page(request, unit)` -> a dict added to the unit page's context (e.g. the subtree's headcounts)."""
from dtbd.core.extensions import Hook

unit_rows = Hook("org.unit_rows")
unit_page = Hook("org.unit_page")


def annotate_unit_rows(queryset):
    for function in unit_rows:
        queryset = function(queryset)
    return queryset


def unit_page_context(request, unit):
    context = {}
    for function in unit_page:
        context.update(function(request, unit))
    return context
