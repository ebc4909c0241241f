"""Fixtures shared by the report and dashboard tests."""
import pytest


@pytest.fixture
def uncached_dashboard(settings):
    """No cached dashboards between tests (the cache outlives a test's database)."""
    settings.DTBD_DASHBOARD_CACHE_SECONDS = 0


@pytest.fixture
def live_figures(uncached_dashboard, settings):
    """Uncached dashboards computed from the data, not read from the summary tables (those are tested in
    test_summaries.py)."""
    settings.DTBD_DASHBOARD_SUMMARIES = False
