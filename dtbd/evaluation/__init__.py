"""Quality evaluation of training under Circular 10/2017/TT-BNV (docs/domain.md)."""
