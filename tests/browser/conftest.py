"""Fixtures shared by the browser tests."""
import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Vietnamese browser, as the province's officials use (the tests read the Vietnamese UI), that accepts
    downloads."""
    return {**browser_context_args, "locale": "vi-VN", "accept_downloads": True}
