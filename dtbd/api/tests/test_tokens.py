"""API tokens: hashed keys, expiry, revocation, the user's own scope; the token page and the api-token command."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from rest_framework.test import APIClient

from dtbd.api.models import ApiToken, hash_key
from dtbd.api.tokens import create_token, revoke
from dtbd.people.testing import make_person


def _get(key, url="/api/v1/staff/", keyword="Bearer"):
    client = APIClient()
    return client.get(url, HTTP_AUTHORIZATION=f"{keyword} {key}")


def test_key_stored_hashed_with_prefix(users):
    token, key = create_token(users.officer, "CSDL quốc gia", 30)
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.prefix == key[:8]
    assert datetime.timedelta(days=29) < token.expires_at - timezone.now() <= datetime.timedelta(days=30)
    assert not ApiToken.objects.filter(key_hash=key).exists()


def test_token_acts_with_the_users_scope(tree, users):
    make_person(tree.phong_b, code="B999")
    _token, key = create_token(users.officer, "x")
    response = _get(key)
    assert response.status_code == 200
    assert "B999" not in {p["code"] for p in response.json()["results"]}
    assert _get(key, keyword="Token").status_code == 200
    token = ApiToken.objects.get()
    assert token.last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Bearer", "Basic abc"])
def test_missing_or_wrong_key_refused(users, header):
    client = APIClient()
    response = client.get("/api/v1/staff/", **({"HTTP_AUTHORIZATION": header} if header else {}))
    assert response.status_code in (401, 403)
    if header in (None, "Bearer wrong-key", "Bearer"):
        assert response.status_code == 401


def test_expired_token_refused(users):
    token, key = create_token(users.officer, "x", 1)
    assert _get(key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = _get(key)
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]


def test_revoked_token_refused(users):
    token, key = create_token(users.officer, "x")
    revoke(token, users.officer)
    assert _get(key).status_code == 401


def test_token_of_deactivated_user_refused(users):
    _token, key = create_token(users.officer, "x")
    users.officer.is_active = False
    users.officer.save()
    assert _get(key).status_code == 401


def test_token_needs_name_and_bounded_expiry(users):
    with pytest.raises(ValidationError):
        create_token(users.officer, " ", 30)
    with pytest.raises(ValidationError):
        create_token(users.officer, "x", 0)
    with pytest.raises(ValidationError):
        create_token(users.officer, "x", 10000)


def test_session_authentication_for_the_browsable_api(client, users):
    client.force_login(users.officer)
    assert client.get("/api/v1/staff/").status_code == 200
    page = client.get("/api/v1/staff/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"<html" in page.content.lower()


def test_token_page_creates_shows_once_lists_and_revokes(client, users):
    client.force_login(users.officer)
    response = client.post("/api/tokens/", {"name": "Hệ thống HR", "days": 30})
    assert response.status_code == 200
    key = response.context["new_key"]
    token = ApiToken.objects.get(user=users.officer)
    assert token.key_hash == hash_key(key)
    assert key.encode() in response.content
    page = client.get("/api/tokens/")
    assert key.encode() not in page.content  # shown once
    assert token.prefix.encode() in page.content and "Hệ thống HR" in page.content.decode()
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _get(key).status_code == 401


def test_token_page_refuses_invalid_input_and_others_tokens(client, users):
    client.force_login(users.officer)
    response = client.post("/api/tokens/", {"name": "", "days": 5000})
    assert response.status_code == 200 and response.context["new_key"] is None
    assert not ApiToken.objects.exists()
    other, _key = create_token(users.leader, "x")
    assert client.post(f"/api/tokens/{other.pk}/revoke/").status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
    assert "x" not in [t.name for t in client.get("/api/tokens/").context["tokens"]]


def test_token_page_needs_login(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_api_token_command(users):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "donvi", "--days", "7", "--name", "Tích hợp", stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(user=users.officer)
    assert token.name == "Tích hợp" and token.key_hash == hash_key(key)
    assert datetime.timedelta(days=6) < token.expires_at - timezone.now() <= datetime.timedelta(days=7)
    assert _get(key).status_code == 200
    listing = io.StringIO()
    call_command("api-token", "list", "donvi", stdout=listing)
    assert token.prefix in listing.getvalue()
    call_command("api-token", "revoke", str(token.pk), stdout=io.StringIO())
    assert _get(key).status_code == 401
    with pytest.raises(CommandError):
        call_command("api-token", "create", "no-such-user", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("api-token", "create", "donvi", "--days", "0", stdout=io.StringIO(), stderr=io.StringIO())


def test_admin_lists_and_revokes_tokens(client, users):
    token, key = create_token(users.officer, "x")
    client.force_login(users.admin)
    page = client.get("/admin/api/apitoken/")
    assert page.status_code == 200 and token.prefix in page.content.decode() and key not in page.content.decode()
    client.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
