"""Quality evaluation of training (Circular 10/2017/TT-BNV)."""

from .quality_models import EffectivenessForm, EffectivenessSetting, Publication  # noqa: E402,F401
