"""Read replica: DATABASE_REPLICA_URL → DATABASES["replica"], the router's decisions, and — with the replica set up as a
test mirror of the default database — proof that report and dashboard pages read from the replica alias while the
session, the user and every write stay on the primary (the pages: test_replica_mirror.py)."""
import json
import os
import subprocess
import sys
import threading

import pytest
from django.db import connections, transaction

from dtbd.core import dbrouter
from dtbd.core.dbrouter import ReplicaRouter, reading_from_replica
from dtbd.org.models import Unit

PRINT_DATABASES = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps({'databases': {a: {k: d.get(k) for k in ('ENGINE', 'HOST', 'NAME', 'USER', 'TEST')} "
    "for a, d in settings.DATABASES.items()}, 'routers': settings.DATABASE_ROUTERS}, default=str))"
)


def _settings_with(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    full.update(DJANGO_SETTINGS_MODULE="dtbd.settings", DTBD_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run([sys.executable, "-c", PRINT_DATABASES], env=full, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_read_the_replica_url(tmp_path):
    loaded = _settings_with(
        tmp_path,
        DATABASE_URL="postgres://dtbd@db-primary.internal:5432/dtbd",
        DATABASE_REPLICA_URL="postgres://dtbd_ro@db-replica.internal:5432/dtbd",
    )
    primary, replica = loaded["databases"]["default"], loaded["databases"]["replica"]
    assert primary["ENGINE"] == replica["ENGINE"] == "django.db.backends.postgresql"
    assert (primary["HOST"], replica["HOST"], replica["USER"]) == ("db-primary.internal", "db-replica.internal", "dtbd_ro")
    assert replica["TEST"]["MIRROR"] == "default"  # tests have no replication: the replica mirrors the test database
    assert loaded["routers"] == ["dtbd.core.dbrouter.ReplicaRouter"]


def test_settings_without_replica_have_only_the_default_database(tmp_path):
    loaded = _settings_with(tmp_path, DATABASE_URL="postgres://dtbd@db-primary.internal:5432/dtbd")
    assert list(loaded["databases"]) == ["default"]
    assert loaded["routers"] == ["dtbd.core.dbrouter.ReplicaRouter"]


# --- router decisions ------------------------------------------------------------------------------------------------

@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(dbrouter, "replica_configured", lambda: True)


def test_no_replica_configured_keeps_everything_on_default():
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Unit) == "default"
        assert router.db_for_write(Unit) == "default"


def test_reads_go_to_the_replica_only_inside_the_block(with_replica):
    router = ReplicaRouter()
    assert router.db_for_read(Unit) == "default"
    with reading_from_replica():
        assert router.db_for_read(Unit) == "replica"
        with reading_from_replica():
            assert router.db_for_read(Unit) == "replica"
        assert router.db_for_read(Unit) == "replica"  # the inner block restored the outer state
    assert router.db_for_read(Unit) == "default"


def test_reads_after_a_write_in_the_block_stay_on_the_primary(with_replica):
    """Read-your-writes: a block that stored something (a dashboard summary, an export log) reads it back from the
    primary, not from a replica that may not have it yet; the next block starts on the replica again."""
    router = ReplicaRouter()
    with reading_from_replica():
        assert router.db_for_read(Unit) == "replica"
        assert router.db_for_write(Unit) == "default"
        assert router.db_for_read(Unit) == "default"
        with reading_from_replica():  # an inner block shares the outer one's state
            assert router.db_for_read(Unit) == "default"
    assert router.db_for_write(Unit) == "default"  # a write outside any block pins nothing
    with reading_from_replica():
        assert router.db_for_read(Unit) == "replica"


def test_the_block_works_as_a_decorator_and_is_undone_by_an_error(with_replica):
    router = ReplicaRouter()

    @reading_from_replica()
    def report():
        return router.db_for_read(Unit)

    assert report() == "replica" and report() == "replica"
    with pytest.raises(ZeroDivisionError), reading_from_replica():
        1 / 0  # noqa: B018
    assert router.db_for_read(Unit) == "default"


def test_the_choice_is_per_thread(with_replica):
    """A context variable: a request served in another thread of the same process is not affected."""
    router, seen = ReplicaRouter(), []
    with reading_from_replica():
        thread = threading.Thread(target=lambda: seen.append(router.db_for_read(Unit)))
        thread.start()
        thread.join()
        assert router.db_for_read(Unit) == "replica"
    assert seen == ["default"]


@pytest.mark.django_db
def test_reads_inside_a_transaction_on_the_primary_stay_there(with_replica):
    """A read after a write in the same transaction must see that write: inside an atomic block on default (the
    test itself runs in one) reads are not sent to the replica."""
    with reading_from_replica(), transaction.atomic():
        assert ReplicaRouter().db_for_read(Unit) == "default"


def test_migrations_and_relations():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "org") is True
    assert router.allow_migrate("replica", "org") is False
    a, b = Unit(), Unit()
    a._state.db, b._state.db = "replica", "default"
    assert router.allow_relation(a, b) is True
