"""Every route of /api/ (read from the URL resolver, so a new route is covered without touching this test), format
suffix variants (`….json`) included, answers every method without a server error for a logged-in token user."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dtbd.standards.models import Requirement

from .conftest import token_client

METHODS = ("get", "head", "options", "post", "patch", "delete")


def _api_patterns(patterns=None, namespaces=()):
    """(name with its namespace, names of its URL kwargs) of every named pattern in the `api` namespace."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _api_patterns(entry.url_patterns, namespaces + ((entry.namespace,) if entry.namespace else ()))
        elif isinstance(entry, URLPattern) and entry.name and namespaces[:1] == ("api",):
            yield ":".join((*namespaces, entry.name)), tuple(entry.pattern.regex.groupindex)


def _ids(world, tree):
    """An object in the officer's scope for each register's routes (`basename-…`); other routes get a made-up id."""
    return {
        "unit": tree.so_a.pk, "staff": world.a.pk, "qualification": world.qual_a.pk,
        "requirement": Requirement.objects.values_list("pk", flat=True).first(),
        "programme": world.cls.program_id, "class": world.cls.pk, "enrolment": world.enr_a.pk,
        "certificate": world.cert_a.pk, "token": 1,
    }


def _urls(world, tree):
    ids = _ids(world, tree)
    urls = set()
    for name, kwargs_names in _api_patterns():
        basename = name.split(":", 1)[1].split("-", 1)[0]
        kwargs = {}
        for kwarg in kwargs_names:
            if kwarg == "format":
                kwargs[kwarg] = "json"
            elif kwarg == "name":
                kwargs[kwarg] = "compliance"
            else:
                kwargs[kwarg] = ids.get(basename, 1)
        urls.add(reverse(name, kwargs=kwargs))
    return sorted(urls)


def test_the_walk_finds_every_kind_of_route(world, tree):
    urls = _urls(world, tree)
    assert "/api/v1/reports.json" in urls and "/api/schema/" in urls
    assert f"/api/v1/staff/{world.a.pk}/compliance.json" in urls
    assert f"/api/v1/enrolments/{world.enr_a.pk}/withdraw.json" in urls
    assert len(urls) > 60


@pytest.mark.parametrize("role", ["officer", "province", "leader", "learner"])
def test_no_api_route_answers_500(world, users, tree, role, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}
    client = token_client(getattr(users, role))
    client.raise_request_exception = False
    errors = []
    for method in METHODS:  # the writes last: a DELETE must not hide a route from the reads
        for url in _urls(world, tree):
            kwargs = {"format": "json"} if method in ("post", "patch") else {}
            response = getattr(client, method)(url, {}, **kwargs)
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url}: {response.status_code}")
    assert errors == []
