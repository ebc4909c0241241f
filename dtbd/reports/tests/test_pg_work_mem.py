"""DTBD_PG_WORK_MEM → the PostgreSQL connection option `-c work_mem=…` of the default and replica databases (settings
read in a subprocess, as dtbd/core/tests/test_dbrouter.py does); and, on PostgreSQL, the server applying it."""
import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

PRINT_OPTIONS = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({a: d.get('OPTIONS', {}) for a, d in settings.DATABASES.items()}))"
)
PRIMARY = "postgres://dtbd@db-primary.internal:5432/dtbd"
REPLICA = "postgres://dtbd_ro@db-replica.internal:5432/dtbd"


def _options_with(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DTBD_PG_WORK_MEM"}}
    full.update(DJANGO_SETTINGS_MODULE="dtbd.settings", DTBD_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run([sys.executable, "-c", PRINT_OPTIONS], env=full, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_work_mem_is_sent_to_primary_and_replica(tmp_path):
    options = _options_with(tmp_path, DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA)
    assert options["default"]["options"] == "-c work_mem=64MB"
    assert options["replica"]["options"] == "-c work_mem=64MB"


def test_work_mem_from_the_environment(tmp_path):
    options = _options_with(tmp_path, DATABASE_URL=PRIMARY, DTBD_PG_WORK_MEM="256MB")
    assert options["default"]["options"] == "-c work_mem=256MB"


def test_empty_work_mem_leaves_the_server_setting(tmp_path):
    options = _options_with(tmp_path, DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA, DTBD_PG_WORK_MEM="")
    assert "options" not in options["default"] and "options" not in options["replica"]


def test_sqlite_gets_no_work_mem(tmp_path):
    options = _options_with(tmp_path, DTBD_PG_WORK_MEM="128MB")
    assert "options" not in options["default"]
    assert options["default"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_server_applies_it():
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        shown = cursor.fetchone()[0]
    assert shown == (settings.DTBD_PG_WORK_MEM or shown)
