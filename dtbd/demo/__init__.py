"""The demo province (`dtbd demo`): a deterministic generator of plain data (`generator.generate`, importable
without Django) and a loader that writes it set-based into an empty database (`loader.load`). Name lists in
`names`, the organisation in `units`."""
from .generator import MIN_STAFF, REFERENCE_DATE, Province, generate

__all__ = ["MIN_STAFF", "REFERENCE_DATE", "Province", "generate"]
