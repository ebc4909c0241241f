"""Test set-up shared by every app. Playwright's sync API runs an event loop in the test thread, which
Django's async-safety check mistakes for async code: allow it before Django loads."""
import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = os.environ.get("DTBD_CHROMIUM", "/usr/bin/chromium")

# The scratch databases' fixtures (dtbd/core/tests/scratch.py), declared once for the whole run: its session-scoped
# migrated templates are then built once, not once per test module that uses them.
pytest_plugins = ["dtbd.core.tests.scratch"]


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` show what only PostgreSQL can (row locks between connections, server settings), tests
    marked `sqlite` what only SQLite does (the indexes a large import rebuilds): on the other database they are
    reported as skipped, with the reason, never passed without checking anything. `.ci/run` runs the whole suite on
    both, so each runs somewhere."""
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    name = engine.rsplit(".", 1)[-1]
    other = "sqlite" if engine.endswith("postgresql") else "postgresql"
    needs = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[other]
    skip = pytest.mark.skip(reason=f"needs {needs} (the database is {name})")
    for item in items:
        if item.get_closest_marker(other) is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def browser_login(browser, live_server):
    """Log a demo user in through the login form in a new browser context: `context, page = browser_login("donvi")`."""
    import re

    def login(username, password="demo12345"):
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click(".login-card button[type=submit]")
        page.wait_for_url(re.compile(r"^(?!.*/accounts/login/).*$"))
        return context, page

    return login


@pytest.fixture
def tree(db):
    """A small province: root UBND tỉnh, two departments each with an office, and a commune.

    Returns a simple namespace of units."""
    from types import SimpleNamespace

    from dtbd.org.testing import make_unit

    root = make_unit("T01", "UBND tỉnh Thử", kind="UBND_TINH")
    so_a = make_unit("SO_A", "Sở Nội vụ", parent=root)
    phong_a = make_unit("SO_A.P1", "Phòng Tổ chức", parent=so_a, kind="PHONG")
    so_b = make_unit("SO_B", "Sở Tài chính", parent=root)
    phong_b = make_unit("SO_B.P1", "Phòng Ngân sách", parent=so_b, kind="PHONG")
    xa = make_unit("XA01", "UBND xã Thử", parent=root, kind="UBND_XA", admin_level="XA")
    return SimpleNamespace(root=root, so_a=so_a, phong_a=phong_a, so_b=so_b, phong_b=phong_b, xa=xa)


@pytest.fixture
def users(tree):
    """One user per role; the unit officer and the leader are scoped to Sở Nội vụ (so_a)."""
    from types import SimpleNamespace

    from dtbd.accounts.models import Role
    from dtbd.accounts.testing import make_user
    from dtbd.people.testing import make_person

    learner_person = make_person(tree.phong_a, code="HV001", full_name="Trần Thị Học")
    return SimpleNamespace(
        admin=make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True),
        province=make_user("tinh", Role.PROVINCE),
        officer=make_user("donvi", Role.UNIT_OFFICER, scope_unit=tree.so_a),
        institution=make_user("truong", Role.INSTITUTION, scope_unit=tree.so_b),
        leader=make_user("lanhdao", Role.LEADER, scope_unit=tree.so_a),
        learner=make_user("hocvien", Role.LEARNER, person=learner_person),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _catalogues_after_flush(request):
    """Transactional tests (live server, browser) start from a flushed database, which loses the catalogues seeded
    by migrations: seed them again for those tests only."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        from dtbd.people.models import Ethnicity, Rank
        from dtbd.people.seed import seed_catalogues

        seed_catalogues(Ethnicity, Rank)

        from dtbd.standards.models import Equivalence, Requirement, RuleSet
        from dtbd.standards.seed import seed_standards

        if not RuleSet.objects.exists():
            seed_standards(RuleSet, Requirement, Equivalence)

        from dtbd.training.models import Program, Provider
        from dtbd.training.seed import seed_audience, seed_training

        if not Provider.objects.exists():
            seed_training(Provider, Program)
            seed_audience(Program)

        from dtbd.funding.models import PostgradRule
        from dtbd.funding.seed import seed_rules

        if not PostgradRule.objects.exists():
            seed_rules(RuleSet, PostgradRule)

        from dtbd.evaluation.seed import seed_defaults

        seed_defaults()


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Jobs (notice e-mails…) run inline in tests; production queues them for `dtbd db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The rate limiter counts in the cache (local memory, per process): every test starts with no counts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
