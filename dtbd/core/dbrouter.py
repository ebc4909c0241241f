"""Read replica routing (docs/deploy.md, "Scaling past one machine").

With DATABASE_REPLICA_URL set, settings.DATABASES has a "replica" alias (a PostgreSQL streaming replica of
"default") and this router is installed. Reports and the dashboard read models of many apps, so the choice is not
made per model but per piece of work: code that only reads runs inside `reading_from_replica()` (a context
manager, also usable as a view decorator), and every read made there goes to the replica. Everything else —
every write, every read outside the block, and reads inside a transaction opened on the primary — stays on
"default". Without a replica configured the block changes nothing.

The replica lags the primary by a little: only pages and commands that may show figures a few seconds old use it
(the report pages and downloads, the dashboard and its drill-downs, `dtbd report`)."""
import contextlib
import contextvars

from django.conf import settings
from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

_use_replica = contextvars.ContextVar("dtbd_use_replica", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES or REPLICA in connections.settings


@contextlib.contextmanager
def reading_from_replica():
    """Send the ORM reads made inside the block to the replica (when one is configured)."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_requested():
    return _use_replica.get()


class ReplicaRouter:
    """db_for_read: the replica inside reading_from_replica() unless the primary has an open transaction (a read
    that follows a write in the same transaction must see it); db_for_write: always the primary."""

    def db_for_read(self, model, **hints):
        if not _use_replica.get() or not replica_configured():
            return DEFAULT
        if connections[DEFAULT].in_atomic_block:
            return DEFAULT
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Rows read from the replica are the primary's rows: relations between them are allowed.
        if {obj1._state.db or DEFAULT, obj2._state.db or DEFAULT} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema by replication; `migrate` runs on the primary only.
        return db != REPLICA
