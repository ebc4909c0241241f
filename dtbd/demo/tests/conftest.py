"""Fixtures of the demo tests."""
import io

import pytest
from django.core.management import call_command

SMALL = 300  # staff of the demo province the `demo` fixture builds


@pytest.fixture
def demo(db, media_root):
    """The demo province (seed 3, SMALL staff) in the test database (the optimiser's proposal file in the test's own
    media folder)."""
    call_command("demo", seed=3, staff=SMALL, stdout=io.StringIO())
