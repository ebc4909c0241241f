"""The demo province (`dtbd demo`): a deterministic generator (pure data, `generator.generate`) and a loader that
writes it set-based into an empty database (`loader.load`). Name lists in `names`, the organisation in `units`."""
from .generator import MIN_STAFF, REFERENCE_DATE, Province, generate
from .loader import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoError, LoadResult, database_is_empty, load

__all__ = [
    "DEMO_ACCOUNTS", "DEMO_PASSWORD", "MIN_STAFF", "REFERENCE_DATE", "DemoError", "LoadResult", "Province",
    "database_is_empty", "generate", "load",
]
