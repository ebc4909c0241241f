"""The training-plan optimiser (docs/domain.md §13.5): which candidate classes to open and whom to place in them to
meet the heaviest needs within a budget. Pure Python and HiGHS; no database access — the plan pages build an
instance with `instance_from_rows`, the command `dtbd plan-optimise` reads it from a JSON file."""
from .instance import Instance, InstanceError, instance_from_rows, loads, parse
from .solver import DEFAULT_TIME_LIMIT, Result, solve

__all__ = ["DEFAULT_TIME_LIMIT", "Instance", "InstanceError", "Result", "instance_from_rows", "loads", "parse",
           "solve"]
