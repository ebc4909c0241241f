"""The Content Security Policy in a real browser (Debian's Chromium): the pages that had inline scripts still work
with `script-src 'self'` (their behaviour now lives in static/dtbd/app.js) and the browser reports no violation."""
import re

import pytest
from django.urls import reverse

from dtbd.people.testing import make_person
from dtbd.training import services
from dtbd.training.models import Enrollment, TrainingClass
from dtbd.training.tests.test_results_pages import _class

pytestmark = [pytest.mark.browser]


def _login(browser, live_server, username, violations):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo12345")
    page.click(".login-card button[type=submit]")
    page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
    return context, page


def test_pages_work_under_the_csp(live_server, browser, users, tree):
    violations = []
    cls = _class(tree, learners=2)

    # Institution: add a session row (formset) and mark the whole class present for one session.
    context, page = _login(browser, live_server, "truong", violations)
    page.goto(reverse("training:class_sessions", args=[cls.pk]))
    rows = page.locator("#session-rows tbody tr")
    before = rows.count()
    page.locator("[data-add-row=session-rows]").click()
    assert rows.count() == before + 1
    page.goto(reverse("training:attendance", args=[cls.pk]))
    first = page.locator("[data-all-present]").first
    session = first.get_attribute("data-all-present")
    first.click()
    values = page.locator(f'select.mark-select[data-session="{session}"]').evaluate_all("els => els.map(e => e.value)")
    assert values and set(values) == {"PRESENT"}
    context.close()

    # Unit officer: "select all" in the registration queue.
    planned = _class(tree, learners=0, code="KQ02", provider=cls.provider)
    TrainingClass.objects.filter(pk=planned.pk).update(status=TrainingClass.Status.OPEN)
    planned.refresh_from_db()
    for i in range(2):
        person = make_person(tree.phong_a, code=f"DK{i}")
        services.request_enrollment(planned, person, Enrollment.Source.NOMINATED, by_user=users.officer)
    context, page = _login(browser, live_server, "donvi", violations)
    page.goto(reverse("training:enrolment_queue"))
    boxes = page.locator("input[form=bulk-form][name=ids]")
    assert boxes.count() == 2
    page.locator("[data-check-all]").check()
    assert all(boxes.nth(i).is_checked() for i in range(2))
    page.locator("[data-check-all]").uncheck()
    assert not any(boxes.nth(i).is_checked() for i in range(2))
    page.goto("/can-bo/")
    page.goto("/")
    context.close()
    assert violations == []
