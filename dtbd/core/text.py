"""Text helpers: accent folding for search and for comparing coded cells; the rule of codes (units, people)."""
import re
import unicodedata

from django.utils.translation import gettext as _

_SPACES = re.compile(r"\s+")


def fold(value) -> str:
    """'Nguyễn Văn Ân' -> 'nguyen van an': NFD, drop combining marks, đ->d, casefold, single spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "D").casefold()
    return _SPACES.sub(" ", text).strip()


def fold_code(value) -> str:
    """Fold and drop spaces, dashes and underscores: 'Cấp phòng' -> 'capphong', 'CAP_PHONG' -> 'capphong'."""
    return re.sub(r"[\s_\-.]+", "", fold(value))


CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,30}$")


def code_error(value):
    """The message for a code that is not 1–30 unaccented letters, digits and . _ - (None when it is valid)."""
    if not CODE_RE.match(value or ""):
        return _("Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -, tối đa 30 ký tự.")
    return None
