"""dtbd.core.lists: which htmx requests get the partial, and the page read from ?page=."""
import pytest
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails

from dtbd.core.lists import is_htmx_partial, page_of


def request(path="/", **headers):
    req = RequestFactory().get(path, headers=headers)
    req.htmx = HtmxDetails(req)  # what django_htmx.middleware.HtmxMiddleware sets
    return req


@pytest.mark.parametrize(
    "headers, target, partial",
    [
        ({}, "results", False),  # a browser asking for the page
        ({"HX-Request": "true", "HX-Target": "results"}, "results", True),
        ({"HX-Request": "true", "HX-Target": "other"}, "results", False),  # another element of the page
        ({"HX-Request": "true"}, "results", False),  # htmx, without a target
        ({"HX-Request": "true", "HX-Target": "results", "HX-Boosted": "true"}, "results", False),  # a navigation
        ({"HX-Request": "true"}, None, True),  # any element
        ({"HX-Target": "results"}, "results", False),  # the target header alone is not htmx
    ],
)
def test_is_htmx_partial(headers, target, partial):
    assert is_htmx_partial(request(**headers), target) is partial


def test_is_htmx_partial_without_the_middleware():
    assert is_htmx_partial(RequestFactory().get("/", headers={"HX-Request": "true"})) is False


@pytest.mark.parametrize("asked, number", [("", 1), ("2", 2), ("99", 3), ("abc", 1), ("-1", 3)])
def test_page_of(asked, number):
    page = page_of(request(f"/?page={asked}"), list(range(25)), 10)
    assert page.number == number
    assert list(page.object_list) == list(range(25))[(number - 1) * 10: number * 10]
