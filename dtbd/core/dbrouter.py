"""Read replica routing (docs/deploy.md, "Scaling past one machine").

With DATABASE_REPLICA_URL set, settings.DATABASES has a "replica" alias (a PostgreSQL streaming replica of
"default") and this router is installed. Reports and the dashboard read models of many apps, so the choice is not
made per model but per piece of work: code that only reads runs inside `reading_from_replica()` (a context
manager, also usable as a view decorator), and every read made there goes to the replica. Everything else —
every write, every read outside the block, reads inside a transaction opened on the primary and reads that follow
a write in the same block — stays on "default". Without a replica configured the block changes nothing.

The replica lags the primary by a little: only pages and commands that may show figures a few seconds old use it
(the report pages and downloads, the dashboard and its drill-downs, `dtbd report`)."""
import contextlib
import contextvars

from django.conf import settings
from django.db import connections

REPLICA = "replica"
DEFAULT = "default"

# None outside reading_from_replica(); inside, a dict {"pinned": bool}: once the block has written anything, its
# later reads go to the primary too (read-your-writes: e.g. a dashboard summary computed, stored, then read back).
_use_replica = contextvars.ContextVar("dtbd_use_replica", default=None)


def replica_configured():
    return REPLICA in settings.DATABASES or REPLICA in connections.settings


@contextlib.contextmanager
def reading_from_replica():
    """Send the ORM reads made inside the block to the replica (when one is configured)."""
    outer = _use_replica.get()
    token = _use_replica.set(outer if outer is not None else {"pinned": False})
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_requested():
    state = _use_replica.get()
    return state is not None and not state["pinned"]


class ReplicaRouter:
    """db_for_read: the replica inside reading_from_replica() unless the primary has an open transaction (a read
    that follows a write in the same transaction must see it) or the block has already written something;
    db_for_write: always the primary."""

    def db_for_read(self, model, **hints):
        if not replica_requested() or not replica_configured():
            return DEFAULT
        if connections[DEFAULT].in_atomic_block:
            return DEFAULT
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _use_replica.get()
        if state is not None:
            state["pinned"] = True
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # Rows read from the replica are the primary's rows: relations between them are allowed.
        if {obj1._state.db or DEFAULT, obj2._state.db or DEFAULT} <= {DEFAULT, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema by replication; `migrate` runs on the primary only.
        return db != REPLICA
