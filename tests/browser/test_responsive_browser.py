"""Every role's main pages on a phone (390 px; the learner's also at 360 px) and a laptop (1.366 px), in Debian's
Chromium, on the demo province:

- nothing runs off the screen: the page never scrolls sideways (document scrollWidth <= the window's width) and no
  element is wider than the window unless it sits inside a box that scrolls on its own (a table's .table-wrap);
- the menu is reachable: on the phone the top bar's "Menu" button (aria-expanded) opens the side menu and a link in it
  leads to its page; on the laptop the side menu is shown and the button is not.

With DTBD_SCREENSHOTS=1 a full-page screenshot of each page is kept in var/test-artifacts/responsive/ (git-ignored;
DTBD_TEST_ARTIFACTS moves it) for a person to look at (off by default: the screenshots are most of the test's time)."""
import io
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(os.environ.get("DTBD_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "var" / "test-artifacts")
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
SMALL_PHONE = {"width": 360, "height": 740}  # the narrowest phones in use: the learner's pages are checked there too
SCREENSHOTS = os.environ.get("DTBD_SCREENSHOTS", "") not in ("", "0")

# Elements wider than the window or past its edges, outside any box that scrolls (or clips) sideways by itself.
OVERFLOW_JS = """() => {
  const vw = window.innerWidth;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible') return true;
    }
    return false;
  };
  const bad = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if ((r.right > vw + 1 || r.left < -1) && !scrolls(el)) {
      bad.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
               ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width: vw, bad: bad.slice(0, 8)};
}"""


@pytest.fixture
def demo_world(transactional_db, media_root):
    """The demo province (seed 3, 300 staff) with its logins tinh, donvi, truong, lanhdao, hocvien."""
    call_command("demo", seed=3, staff=300, stdout=io.StringIO())
    from dtbd.accounts.models import User
    from dtbd.training.models import Enrollment, TrainingClass

    learner = User.objects.get(username="hocvien")
    mine = Enrollment.objects.filter(person_id=learner.person_id).order_by("-pk").first()
    own_class = mine.training_class_id if mine else None
    any_class = TrainingClass.objects.order_by("-pk").values_list("pk", flat=True).first()
    truong = User.objects.get(username="truong")
    inst_class = (TrainingClass.objects.filter(provider__unit__path__startswith=truong.scope_unit.path)
                  .order_by("-pk").values_list("pk", flat=True).first())
    from dtbd.reports.models import Indicator
    from dtbd.reports.targets import SEED

    for seed in SEED:  # seeded by a migration, which a flushed database lost
        Indicator.objects.get_or_create(code=seed["code"], defaults={k: v for k, v in seed.items() if k != "code"})
    return {"own_class": own_class or any_class, "any_class": any_class, "inst_class": inst_class or any_class,
            "indicator": Indicator.objects.get(code="LDQL-QUOC-TE").pk}


def _pages(world):
    home = reverse("home:home")
    class_page = reverse("training:class_detail", args=[world["any_class"]])
    return {
        "tinh": [home, reverse("org:unit_list"), reverse("people:person_list"), reverse("standards:review"),
                 reverse("plans:plan_list"), reverse("training:class_list"), class_page,
                 reverse("training:class_enrolments", args=[world["any_class"]]), reverse("training:enrolment_queue"),
                 reverse("training:certificate_list"), reverse("dashboard:index"), reverse("reports:index"),
                 reverse("imports:index"), reverse("notices:list"), reverse("dashboard:indicators"),
                 reverse("dashboard:indicator_edit", args=[world["indicator"]])],
        "donvi": [home, reverse("people:person_list"), reverse("standards:review"), reverse("plans:plan_list"),
                  reverse("training:class_list"), reverse("training:enrolment_queue")],
        "truong": [home, reverse("training:class_list"), reverse("training:class_detail", args=[world["inst_class"]]),
                   reverse("training:certificate_list"), reverse("training:program_list")],
        "lanhdao": [home, reverse("dashboard:index"), reverse("reports:index"), reverse("people:person_list")],
        "hocvien": [home, reverse("training:portal"), reverse("training:class_list"),
                    reverse("training:class_detail", args=[world["own_class"]]), reverse("notices:list")],
    }


def _slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def _check_page(page, path, shot):
    response = page.goto(path)
    assert response.status == 200, (path, response.status)
    page.wait_for_load_state("load")
    page.wait_for_timeout(100)  # app.js wraps wide tables on load
    if SCREENSHOTS:
        page.screenshot(path=str(shot), full_page=True)
    found = page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= found["width"], (path, found)
    assert not found["bad"], (path, found)


def test_every_role_main_pages_fit_phone_and_laptop_and_menu_reachable(browser, live_server, demo_world):
    ARTIFACTS.joinpath("responsive").mkdir(parents=True, exist_ok=True)
    for username, paths in _pages(demo_world).items():
        viewports = (SMALL_PHONE, PHONE, LAPTOP) if username == "hocvien" else (PHONE, LAPTOP)
        context = browser.new_context(base_url=live_server.url, viewport=viewports[0], locale="vi-VN")
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "demo12345")
        page.click(".login-card button[type=submit]")
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
        for viewport in viewports:
            page.set_viewport_size(viewport)
            for path in paths:
                _check_page(page, path, ARTIFACTS / "responsive" / f"{username}-{viewport['width']}-{_slug(path)}.png")

            if username == "hocvien" and viewport is not LAPTOP:  # the portal's lists read as cards on a phone
                page.goto(reverse("training:portal"))
                cells = page.locator("table.cards tbody td[data-col]")
                assert cells.count() > 0
                assert cells.first.evaluate("(td) => getComputedStyle(td).display") == "block"

            page.goto(reverse("home:home"))
            toggle, menu = page.locator("#menu-toggle"), page.locator("#side-menu")
            if viewport is not LAPTOP:
                assert toggle.is_visible() and not menu.is_visible()
                assert toggle.get_attribute("aria-expanded") == "false"
                toggle.click()
                assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
                if SCREENSHOTS:
                    page.screenshot(path=str(ARTIFACTS / "responsive" / f"{username}-{viewport['width']}-menu-open.png"))
                found = page.evaluate(OVERFLOW_JS)
                assert found["scrollWidth"] <= found["width"] and not found["bad"], found
                page.keyboard.press("Escape")
                assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
                toggle.click()
            else:
                assert not toggle.is_visible() and menu.is_visible()
            link = menu.get_by_role("link", name="Thông báo")
            link.click()
            page.wait_for_url("**" + reverse("notices:list"))
        context.close()
