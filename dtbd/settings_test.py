"""Settings of the test suite (pyproject.toml, pytest-django): dtbd.settings, explicitly not production (those are
production unless DTBD_PRODUCTION=0 says otherwise). Set in the environment, so the commands tests start in a child
process are not production either, unless the test says so."""
import os

os.environ.setdefault("DTBD_PRODUCTION", "0")

from dtbd.settings import *  # noqa: E402,F403
