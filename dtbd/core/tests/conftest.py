"""Fixtures shared by the core tests."""
import io

import pytest
from django.core.management import call_command

SMALL = 300  # staff of the demo province the `demo` fixture builds


@pytest.fixture
def demo(db):
    """The demo province (seed 3, SMALL staff) in the test database."""
    call_command("demo", seed=3, staff=SMALL, stdout=io.StringIO())


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded and generated files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
