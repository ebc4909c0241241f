"""List pages: one page of the rows, and the whole page or only the part htmx asks for.

A list page filters with a form (htmx refreshes the results in place: `hx-target="#<id>"`, which htmx sends as the
HX-Target header) and pages through the rows with partials/pagination.html (its `page_numbers` tag turns page_obj
into the page numbers to show). The same URL answers the whole page to a browser and only the results to htmx, so
every answer varies on HX-Request and HX-Target: a cache must not hand one the other's answer.

    return render_list(request, qs, "people/person_list.html", partial_template="people/_person_results.html",
                       target="person-results", page_size=PAGE_SIZE, context={"filter": filterset},
                       rows=queries.display_rows)

`rows` turns the page's slice into what the template shows (display columns read in one query for the page): a
list page runs the same number of queries whatever the number of rows."""
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

HTMX_VARY = ("HX-Request", "HX-Target")


def is_htmx_partial(request, target=None):
    """True when htmx asks for a part of the page: the element with id `target` (any element when `target` is None).
    A boosted link or form (hx-boost) is a navigation and gets the whole page."""
    htmx = getattr(request, "htmx", None)  # django_htmx.middleware.HtmxMiddleware
    if not htmx or htmx.boosted:
        return False
    return target is None or htmx.target == target


def page_of(request, items, page_size, param="page"):
    """The page of `items` named by ?page= (the last page past the end, the first for anything not a number)."""
    return Paginator(items, page_size).get_page(request.GET.get(param))


def render_page(request, template, context, *, partial_template=None, target=None, status=None):
    """`partial_template` when htmx asks for the element `target`, else `template`; Vary: HX-Request, HX-Target."""
    partial = partial_template is not None and is_htmx_partial(request, target)
    response = render(request, partial_template if partial else template, context, status=status)
    patch_vary_headers(response, HTMX_VARY)
    return response


def render_list(request, items, template, *, page_size, partial_template=None, target=None, context=None, rows=None,
                rows_name="rows", status=None):
    """One page of `items` (a queryset, or a list) rendered with `template` — or `partial_template` when htmx asks for
    the element `target`. The context gets `page_obj` (the Page) and, under `rows_name`, the page's rows: `rows(page
    slice)` when `rows` is given (a function reading the display columns of the page), else the slice itself."""
    page = page_of(request, items, page_size)
    shown = rows(page.object_list) if rows is not None else page.object_list
    context = {**(context or {}), "page_obj": page, rows_name: shown}
    return render_page(request, template, context, partial_template=partial_template, target=target, status=status)
