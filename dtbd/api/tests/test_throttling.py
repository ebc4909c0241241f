"""The API's rate limit (dtbd.api.throttling): per token (per user with a session), per IP when anonymous; over the
rate a 429 in Vietnamese with Retry-After, documented in the schema."""
import pytest
from rest_framework.test import APIClient

from .conftest import token_client, user_client


@pytest.fixture
def small_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"}}


def test_token_over_the_rate_gets_429_with_retry_after(users, small_rates):
    client = token_client(users.officer)
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/staff/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Vượt giới hạn số yêu cầu tới API")
    # Per token: another integration of the same user, and another user, have their own budget.
    assert token_client(users.officer).get("/api/v1/units/").status_code == 200
    assert user_client(users.province).get("/api/v1/units/").status_code == 200


def test_anonymous_requests_limited_per_ip(db, small_rates):
    one, other = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert [one.get("/api/schema/").status_code for _ in range(2)] == [200, 200]
    refused = one.get("/api/schema/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert other.get("/api/schema/").status_code == 200


def test_default_rates_and_the_429_in_the_schema(settings, users):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"user": "600/min", "anon": "60/min"}
    schema = user_client(users.province).get("/api/schema/?format=json").json()
    throttled = schema["paths"]["/api/v1/staff/"]["post"]["responses"]["429"]
    assert "Retry-After" in throttled["headers"] and "DTBD_API_RATE" in throttled["description"]
