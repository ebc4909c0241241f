"""Schemathesis against /api/schema/, in-process (the Django WSGI app, the test's database): every GET and POST
operation (and the PATCH and DELETE of the staff register), with an authenticated token of a province manager, answers without a server error and with a body that
conforms to the schema (writes with random input are refused with a 4xx by the same services as the web UI). Bounded: a few examples per operation, so the whole run stays well under a minute."""
import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from schemathesis.checks import not_a_server_error, response_schema_conformance

from dtbd.api.tokens import create_token

MAX_EXAMPLES = 8


@pytest.fixture
def api_schema(db):
    # Requests through the WSGI handler end with close_old_connections(), which would close the test's
    # connection (and its wrapping transaction) on PostgreSQL: keep it open for the test, as Django's test client does.

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_get_operations_conform_to_the_schema(world, users, api_schema, settings):
    # Hundreds of requests with one token in a few seconds: above the rate limit (tested in test_throttling).
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None}}

    _token, key = create_token(users.province, "schemathesis", 1)
    headers = {"Authorization": f"Bearer {key}"}
    operations = [r.ok() for r in api_schema.get_all_operations()]
    gets = [op for op in operations if op.method.upper() == "GET"]
    assert len(gets) >= 20
    posts = [op for op in operations if op.method.upper() == "POST"]
    assert len(posts) >= 9
    # The staff and qualification writes (PATCH, DELETE) too: random input is refused with a 4xx, never a 500.
    changes = [op for op in operations if op.method.upper() in ("PATCH", "DELETE")]
    assert len(changes) >= 3
    checks = [not_a_server_error, response_schema_conformance]
    statuses = []
    for operation in gets + posts + changes:

        @given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
                             suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call_and_validate(headers=headers, checks=checks)
            statuses.append((operation.method.upper(), response.status_code))

        run()
    # The run really reached the views as an authenticated user: successful reads, and writes answered too.
    assert sum(1 for method, code in statuses if method == "GET" and code == 200) >= len(gets)
    assert not any(code in (401, 403) for method, code in statuses if method == "GET")
    assert any(method == "POST" for method, _code in statuses)
