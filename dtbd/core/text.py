"""Text helpers: accent folding for search and for comparing coded cells."""
import re
import unicodedata

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
