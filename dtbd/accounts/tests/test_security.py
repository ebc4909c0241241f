"""Security: login lockout, password policy, two-factor authentication, sessions, rate limits, headers."""
import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

import dtbd
from dtbd.accounts import twofactor
from dtbd.core.http import client_ip

LOGIN = "/accounts/login/"


def _login(client, username, password="demo12345", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _code(device, steps_ahead=0):
    """The code an authenticator app shows now (or `steps_ahead` 30-second steps later)."""
    value = totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits, device.drift)
    return f"{value:0{device.digits}d}"


# --- Lockout (django-axes) ------------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_from_that_address(client, users):
    for _ in range(4):
        response = _login(client, "donvi", "sai-mat-khau")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "donvi", "sai-mat-khau")
    assert response.status_code == 429
    assert "Tạm khoá đăng nhập" in response.content.decode()
    assert "30 phút" in response.content.decode()
    # Even the right password is refused while locked.
    response = _login(client, "donvi")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, users):
    for _ in range(5):
        _login(client, "donvi", "sai-mat-khau")
    assert _login(client, "donvi").status_code == 429
    assert _login(client, "tinh").status_code == 302  # another account from the same address
    client.logout()
    assert _login(client, "donvi", ip="10.0.0.2").status_code == 302  # the same account from another address


def test_success_clears_the_failure_count(client, users):
    for _ in range(4):
        _login(client, "donvi", "sai-mat-khau")
    assert _login(client, "donvi").status_code == 302
    client.logout()
    for _ in range(4):
        assert _login(client, "donvi", "sai-mat-khau").status_code == 200
    assert _login(client, "donvi").status_code == 302


def test_lockout_ends_after_the_cool_off(client, users, settings):
    from axes.models import AccessAttempt

    for _ in range(5):
        _login(client, "donvi", "sai-mat-khau")
    assert _login(client, "donvi").status_code == 429
    # 31 minutes later (the attempts are dated in the database).
    from datetime import timedelta

    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - timedelta(minutes=31))
    assert _login(client, "donvi").status_code == 302


# --- Password policy -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, message",
    [
        ("demo12345", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("12345678901234", "Mật khẩu này hoàn toàn là số."),
        ("password1234", "Mật khẩu này quá phổ biến."),
    ],
)
def test_password_policy_speaks_vietnamese(db, password, message):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        validate_password(password)
    assert message in error.value.messages


def test_password_too_similar_to_the_user(users):
    users.officer.email = "nguyen.vanthanh@example.vn"
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        validate_password("nguyen.vanthanh@example", user=users.officer)
    assert any("quá giống" in m for m in error.value.messages)


def test_password_change_form_applies_the_policy(client, users):
    client.force_login(users.officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": "ngan123", "new_password2": "ngan123"},
    )
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn" in response.content.decode()
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": "Bồi-dưỡng-2026!x", "new_password2": "Bồi-dưỡng-2026!x"},
    )
    assert response.status_code == 302


# --- Two-factor authentication ---------------------------------------------------------------------------------------


@pytest.fixture
def require_2fa(settings):
    settings.DTBD_REQUIRE_2FA = True


def test_admin_must_enrol_then_verify_each_login(client, users, require_2fa):
    home = reverse("home:home")
    response = _login(client, "admin")
    assert response.status_code == 302
    # Any page sends the admin to the enrolment page first.
    response = client.get(home)
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))
    assert client.get("/can-bo/").url.startswith(reverse("two_factor_setup"))
    page = client.get(reverse("two_factor_setup"), {"next": "/can-bo/"})
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code
    device = TOTPDevice.objects.get(user=users.admin, confirmed=False)
    assert twofactor.secret_base32(device) in html
    # A wrong code is refused with a Vietnamese message; nothing is confirmed.
    response = client.post(reverse("two_factor_setup"), {"token": "000000", "next": "/can-bo/"})
    assert "Mã xác thực không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()
    # The code from the app confirms the device and lets the admin in.
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/can-bo/"})
    assert response.status_code == 302 and response.url == "/can-bo/"
    assert client.get(home).status_code == 200

    # The next login asks for a code.
    client.post(reverse("logout"))
    _login(client, "admin")
    response = client.get(home)
    assert response.url.startswith(reverse("two_factor_verify"))
    assert client.get(reverse("two_factor_setup")).url.startswith(reverse("two_factor_verify"))  # no re-enrolment
    response = client.post(reverse("two_factor_verify"), {"token": "123456", "next": home})
    assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()
    device = TOTPDevice.objects.get(user=users.admin, confirmed=True)
    device.throttle_reset()
    response = client.post(reverse("two_factor_verify"), {"token": _code(device, steps_ahead=1), "next": home})
    assert response.status_code == 302 and response.url == home
    assert client.get(home).status_code == 200


def _not_verified(client):
    """The session is logged in but not verified by a second factor: django-otp holds no device for it, and a
    protected page still sends the user to the code page."""
    home = reverse("home:home")
    return (client.session.get("_auth_user_id") is not None and DEVICE_ID_SESSION_KEY not in client.session
            and client.get(home).url.startswith(reverse("two_factor_verify")))


def test_a_used_code_cannot_be_replayed(client, users, require_2fa):
    device = TOTPDevice.objects.create(user=users.province, name="TOTP", confirmed=True)
    code = _code(device)
    _login(client, "tinh")
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 302
    assert client.get(reverse("home:home")).status_code == 200  # the first use lets the user in
    client.post(reverse("logout"))
    _login(client, "tinh")
    response = client.post(reverse("two_factor_verify"), {"token": code})
    assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()
    assert _not_verified(client)  # refused: the same code again


def test_repeated_wrong_codes_are_throttled(client, users, require_2fa):
    device = TOTPDevice.objects.create(user=users.province, name="TOTP", confirmed=True)
    _login(client, "tinh")
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"token": "000000"})
    # Now even the right code waits for the throttle delay.
    assert client.post(reverse("two_factor_verify"), {"token": _code(device)}).status_code == 200
    assert _not_verified(client)
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1 and device.verify_is_allowed()[0] is False  # the throttle's delay
    # Once the delay is over (reset here), the right code verifies the session: the refusal was the throttle's.
    device.throttle_reset()
    assert client.post(reverse("two_factor_verify"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("home:home")).status_code == 200


def test_province_manager_is_required_but_learner_and_officer_are_not(client, users, require_2fa):
    _login(client, "tinh")
    assert client.get(reverse("home:home")).url.startswith(reverse("two_factor_setup"))
    for username in ("donvi", "hocvien"):
        client.post(reverse("logout"))
        _login(client, username)
        assert client.get(reverse("home:home")).status_code == 200


def test_htmx_requests_are_redirected_by_header(client, users, require_2fa):
    _login(client, "admin")
    response = client.get("/can-bo/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("two_factor_setup"))


def test_off_by_default_outside_production(client, users, settings):
    assert settings.DTBD_REQUIRE_2FA is False  # tests and the embedded demo run without it
    _login(client, "admin")
    assert client.get(reverse("home:home")).status_code == 200


def test_a_user_with_a_device_is_always_asked(client, users, settings):
    settings.DTBD_REQUIRE_2FA = False
    device = TOTPDevice.objects.create(user=users.officer, name="TOTP", confirmed=True)
    _login(client, "donvi")
    assert client.get(reverse("home:home")).url.startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": _code(device)})
    assert client.get(reverse("home:home")).status_code == 200


def test_voluntary_enrolment(client, users):
    client.force_login(users.officer)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=users.officer)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=users.officer).confirmed


def test_two_factor_pages_need_a_login(client, db):
    assert client.get(reverse("two_factor_setup")).url.startswith(LOGIN)
    assert client.get(reverse("two_factor_verify")).url.startswith(LOGIN)


def test_settings_follow_the_environment():
    """Production unless told otherwise (fail closed): only DTBD_PRODUCTION=0 (`make run`, `make test`, the test
    settings) turns it off — not a missing SECRET_KEY, nor DEBUG."""
    env = {k: v for k, v in os.environ.items() if k not in ("DTBD_PRODUCTION", "DTBD_REQUIRE_2FA", "SECRET_KEY",
                                                             "DEBUG", "DTBD_HTTPS", "SECURE_SSL_REDIRECT")}
    env["DTBD_VAR_DIR"] = "/tmp/dtbd-settings-test"
    code = ("from dtbd import settings as s; "
            "print(s.PRODUCTION, s.DTBD_REQUIRE_2FA, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")

    def shown(**extra):
        return subprocess.run([sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True,
                              check=True).stdout.split()

    assert shown() == ["True"] * 4  # nothing said: production, even without SECRET_KEY
    assert shown(DEBUG="1") == ["True"] * 4
    assert shown(SECRET_KEY="x" * 60, DEBUG="0") == ["True"] * 4
    assert shown(SECRET_KEY="x" * 60, DTBD_REQUIRE_2FA="0")[1] == "False"
    assert shown(DTBD_PRODUCTION="0") == ["False"] * 4  # embedded mode (make run, make test)
    assert shown(DTBD_PRODUCTION="0", SECRET_KEY="x" * 60) == ["False"] * 4


def test_the_test_suite_and_make_run_are_not_production(settings):
    from pathlib import Path

    assert settings.PRODUCTION is False and settings.SECURE_SSL_REDIRECT is False
    makefile = (Path(settings.PROJECT_DIR) / "Makefile").read_text()
    assert "run test: export DTBD_PRODUCTION = 0" in makefile


# --- Sessions ---------------------------------------------------------------------------------------------------------


def test_session_ends_with_the_browser_and_after_eight_hours(client, users, settings):
    _login(client, "donvi")
    assert client.session.get_expire_at_browser_close()
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert client.cookies["sessionid"]["httponly"]


def test_idle_timeout(client, users, settings):
    settings.DTBD_IDLE_MINUTES = 30
    _login(client, "donvi")
    assert client.get(reverse("home:home")).status_code == 200
    session = client.session
    session["last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home:home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


# --- Rate limits ------------------------------------------------------------------------------------------------------


def test_public_verification_page_is_rate_limited_per_address(client, db, settings):
    settings.DTBD_RATE_LIMITS = [("/verify/", None, 5, 60)]
    for _ in range(5):
        assert client.get("/verify/KHONGCO/", REMOTE_ADDR="10.1.1.1").status_code == 404
    response = client.get("/verify/KHONGCO/", REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert client.get("/verify/KHONGCO/", REMOTE_ADDR="10.1.1.2").status_code == 404  # another address


def test_login_posts_are_rate_limited(client, users, settings):
    settings.DTBD_RATE_LIMITS = [("/accounts/login/", {"POST"}, 3, 60)]
    for _ in range(3):
        _login(client, "khongco", "sai-mat-khau")
    assert _login(client, "donvi").status_code == 429
    assert client.get(LOGIN, REMOTE_ADDR="10.0.0.1").status_code == 200  # the form itself is still shown


def test_default_limits_cover_login_and_public_pages(settings):
    prefixes = {rule[0] for rule in settings.DTBD_RATE_LIMITS}
    assert {"/accounts/login/", "/verify/", "/cong-khai/"} <= prefixes


def test_client_address_behind_the_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "127.0.0.1"
    settings.DTBD_BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"  # the address nginx appended, not the one the client wrote


# --- Headers and deployment checks -------------------------------------------------------------------------------------


def test_security_headers(client, db):
    response = client.get(LOGIN)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_scripts():
    """The CSP refuses inline code: scripts live in static files (or carry the request's nonce)."""
    import re
    from pathlib import Path


    offenders = []
    for path in Path(dtbd.__file__).parent.joinpath("templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/json\")[^>]*>", text):
            offenders.append(f"{path.name}: {match.group(0)}")
        if re.search(r"\son[a-z]+=\"", text) or "javascript:" in text:
            offenders.append(f"{path.name}: inline handler")
    assert offenders == []


# The deployments of docs/deploy.md: one machine (SQLite or a local PostgreSQL, no other service) and the scaled one
# (PostgreSQL primary + read replica, Redis for the cache, sessions and Celery, behind nginx).
SCALED = {
    "DATABASE_URL": "postgres://dtbd@db-primary.internal:5432/dtbd",
    "DATABASE_REPLICA_URL": "postgres://dtbd_ro@db-replica.internal:5432/dtbd",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "DTBD_BEHIND_PROXY": "1",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "mail.example.gov.vn",
    "EMAIL_PORT": "587",
    "EMAIL_USE_TLS": "true",
}


@pytest.mark.parametrize("deployment", [{}, SCALED], ids=["one-machine", "scaled"])
def test_check_deploy_is_clean_with_production_settings(tmp_path, deployment):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qm2$vX9pL!wR4zT8nB1cY6hJ3fD0sA5gE-uI@oP^aS&dF*gH(jK)lZ+xC=vB",
        "ALLOWED_HOSTS": "daotao.example.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://daotao.example.gov.vn",
        "DTBD_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dtbd.settings",  # the deployed settings, not the test suite's
        **deployment,
    }
    for name in ("DTBD_PRODUCTION", "DTBD_HTTPS", "DTBD_REQUIRE_2FA", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "SESSION_ENGINE", *({"DATABASE_URL", "DATABASE_REPLICA_URL",
                 "REDIS_URL", "DTBD_BEHIND_PROXY", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT",
                 "EMAIL_USE_TLS"} - set(deployment))):  # the runner sets ASYNC_UNSAFE for Playwright
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "dtbd.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # …and the settings are the ones docs/deploy.md describes
    show = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'debug': s.DEBUG, 'hsts': s.SECURE_HSTS_SECONDS, 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
        "'require_2fa': s.DTBD_REQUIRE_2FA, 'secure_cookies': s.SESSION_COOKIE_SECURE and s.CSRF_COOKIE_SECURE, "
        "'proxy_header': s.SECURE_PROXY_SSL_HEADER, 'hosts': s.ALLOWED_HOSTS, "
        "'databases': {a: [d['ENGINE'], d['HOST']] for a, d in s.DATABASES.items()}, "
        "'cache': s.CACHES['default']['BACKEND'], 'sessions': s.SESSION_ENGINE, "
        "'smtp': [s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS]}))"
    )
    shown = subprocess.run([sys.executable, "-c", show], env={**env, "DJANGO_SETTINGS_MODULE": "dtbd.settings"},
                           capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    loaded = json.loads(shown.stdout)
    assert (loaded["debug"], loaded["hsts"], loaded["ssl_redirect"]) == (False, 31536000, True)
    assert loaded["require_2fa"] is True and loaded["secure_cookies"] is True
    assert loaded["hosts"] == ["daotao.example.gov.vn"]
    if deployment:
        assert loaded["databases"] == {
            "default": ["django.db.backends.postgresql", "db-primary.internal"],
            "replica": ["django.db.backends.postgresql", "db-replica.internal"],
        }
        assert loaded["cache"] == "django.core.cache.backends.redis.RedisCache"
        assert loaded["sessions"] == "django.contrib.sessions.backends.cached_db"
        assert loaded["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
        assert loaded["smtp"] == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.gov.vn", 587, True]
    else:
        assert list(loaded["databases"]) == ["default"] and loaded["databases"]["default"][0].endswith("sqlite3")
        assert loaded["cache"].endswith("LocMemCache") and loaded["sessions"] == "django.contrib.sessions.backends.db"
        assert loaded["proxy_header"] is None


def test_users_without_a_device_cost_no_query_per_request(client, users):
    _login(client, "donvi")
    client.get(reverse("home:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home:home")).status_code == 200
    assert not any("otp_totp" in q["sql"] for q in queries.captured_queries)


def test_password_page_offers_two_factor_setup(client, users):
    client.force_login(users.officer)
    assert reverse("two_factor_setup") in client.get(reverse("password_change")).content.decode()
