"""Quality evaluation of training (Circular 10/2017/TT-BNV)."""
