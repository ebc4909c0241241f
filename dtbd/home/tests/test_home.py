import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from dtbd.core.middleware import ChosenLanguageMiddleware
from dtbd.core.templatetags.dtbd import period, qs_replace, vndate
from dtbd.org.testing import make_unit
from dtbd.people.models import CategoryAssignment, Ethnicity, Person, UnitAssignment
from dtbd.people.testing import make_person

pytestmark = pytest.mark.django_db


def test_anonymous_home_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert reverse("login") == "/accounts/login/"


def test_login_page_is_djangos_standard_form(client):
    response = client.get("/accounts/login/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert "Đăng nhập" in html
    assert "<script src=\"/static/dtbd/vendor/htmx.min.js\" defer>" in html


def test_login_and_logout(client, users):
    response = client.post("/accounts/login/", {"username": "donvi", "password": "demo12345"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    # Logout is a POST form in the top bar; GET is refused by Django.
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, users):
    response = client.post("/accounts/login/", {"username": "donvi", "password": "sai"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_home_shows_scope_and_counts_of_the_scope_only(client, users, tree):
    make_person(tree.so_a, category="CC", gender="NU")
    make_person(tree.phong_a, category="VC", ethnicity="Tày")
    make_person(tree.so_b, category="CC")  # outside donvi's scope
    client.force_login(users.officer)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở Nội vụ" in html
    counts = response.context["counts"]
    # learner (phong_a) + 2 people in Sở Nội vụ's subtree
    assert counts["total"] == 3
    assert counts["category"]["CC"] == 2 and counts["category"]["VC"] == 1
    assert counts["gender"]["NU"] == 1 and counts["minority"] == 1
    assert response.context["units"]["total"] == 2
    # the layout: menu, user, role, logout form, language switch, password change link
    assert "Quản trị hệ thống" not in html
    assert 'action="/accounts/logout/" method="post"' in html
    assert 'action="/i18n/setlang/"' in html
    assert reverse("password_change") in html
    assert "Cán bộ phụ trách đơn vị" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_admin_sees_admin_menu_and_everything(client, users, tree):
    make_person(tree.so_b)
    client.force_login(users.admin)
    response = client.get("/")
    assert "Quản trị hệ thống" in response.content.decode()
    assert response.context["counts"]["total"] == 2
    assert response.context["units"]["total"] == 6


def test_learner_home_has_no_scope_counts(client, users):
    client.force_login(users.learner)
    response = client.get("/")
    assert response.status_code == 200
    assert "counts" not in response.context
    assert "Trần Thị Học" in response.content.decode()


def test_home_count_uses_vietnamese_thousand_separator(client, users, tree):
    kinh = Ethnicity.objects.get(name="Kinh")
    people = Person.objects.bulk_create(
        Person(code=f"BULK{i:05d}", full_name=f"Người {i}", name_folded=f"nguoi {i}", birth_date=datetime.date(1990, 1, 1),
               gender="NAM", ethnicity=kinh)
        for i in range(1234)
    )
    UnitAssignment.objects.bulk_create(UnitAssignment(person=p, unit=tree.xa) for p in people)
    CategoryAssignment.objects.bulk_create(CategoryAssignment(person=p, category="CC") for p in people)
    client.force_login(users.province)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "1.235" in html  # 1,234 + the learner
    assert "1.234" in html  # công chức
    assert "1,234" not in html


def test_english_translation(client, users):
    client.force_login(users.officer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert "Units" in html and "Log out" in html and ">Staff<" in html
    assert "Đăng xuất" not in html


def test_password_change_pages(client, users):
    client.force_login(users.officer)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "demo12345", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    users.officer.refresh_from_db()
    assert users.officer.check_password("Mat-khau-moi-2026")


def test_password_change_refuses_a_wrong_old_password(client, users):
    client.force_login(users.officer)
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_filters():
    assert vndate(datetime.date(2025, 7, 1)) == "01/07/2025"
    assert vndate(None) == "không rõ ngày"

    class Rec:
        valid_from = datetime.date(2020, 1, 5)
        valid_to = None

    assert period(Rec()) == "05/01/2020 – nay"
    Rec.valid_to = datetime.date(2024, 12, 31)
    Rec.valid_from = None
    assert period(Rec()) == "không rõ ngày – 31/12/2024"


def test_qs_replace_keeps_other_parameters(rf):
    request = rf.get("/can-bo/?q=an&unit=3&page=2")
    assert qs_replace({"request": request}, page=5) == "q=an&unit=3&page=5"
    assert qs_replace({"request": request}, page=None) == "q=an&unit=3"


def test_static_assets_are_vendored_and_found():
    """app.css, app.js and htmx 2.0.x ship with the project (nothing from the internet); needs
    STATICFILES_DIRS = [BASE_DIR / "static"] in settings."""
    for name in ("dtbd/app.css", "dtbd/app.js", "dtbd/vendor/htmx.min.js"):
        assert finders.find(name), name
    with open(finders.find("dtbd/vendor/htmx.min.js"), encoding="utf-8") as fh:
        assert 'version:"2.0.' in fh.read().replace(" ", "")


def test_chosen_language_middleware_ignores_accept_language(rf, settings):

    middleware = ChosenLanguageMiddleware(lambda request: None)
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    middleware.process_request(request)
    assert request.LANGUAGE_CODE == "vi"
    request = rf.get("/", HTTP_ACCEPT_LANGUAGE="vi")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    middleware.process_request(request)
    assert request.LANGUAGE_CODE == "en"
    translation.activate("vi")
