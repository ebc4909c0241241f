"""Text helpers: accent folding for search and for comparing coded cells; Vietnamese sort keys; the rule of codes."""
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


# Vietnamese alphabetical order (Unicode CLDR collation for "vi", docs/decisions/0003-vietnamese-collation.md):
# ă, â, đ, ê, ô, ơ, ư are letters of their own, each after its base letter; f, j, w, z (foreign names) keep their
# Latin place. Tone marks weigh only between words spelt alike: none < huyền < hỏi < ngã < sắc < nặng.
_ALPHABET = "0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư): part of the letter
# The key uses [0-9a-z] only: "0" ends the letters, "1" is the gap between words (so "An" < "An B" < "Anh"), a digit
# is "2" and the digit, the 29 letters of the Vietnamese alphabet are "3" to "v", and f, j, w, z are the letter before
# them followed by "z" (after that letter and whatever follows it, before the next letter).
_SYMBOLS = "0123456789abcdefghijklmnopqrstuvwxyz"
_GAP = "1"
_CODES = {digit: "2" + digit for digit in "0123456789"}
_CODES.update((letter, _SYMBOLS[3 + i]) for i, letter in enumerate("aăâbcdđeêghiklmnoôơpqrstuưvxy"))
_CODES.update((foreign, _CODES[before] + "z") for foreign, before in zip("fjwz", "êivy"))


class _Table(dict):
    """A str.translate table filled on first sight of a character (the Vietnamese letters are filled up front)."""

    def __init__(self, level):
        super().__init__()
        self.level = level
        for letter in _ALPHABET:
            for tone in ["", *_TONES]:
                for ch in {letter, letter.upper()}:
                    composed = unicodedata.normalize("NFC", ch + tone)
                    if len(composed) == 1:
                        self[ord(composed)] = self._weigh(composed)

    def __missing__(self, codepoint):
        value = self[codepoint] = self._weigh(chr(codepoint))
        return value

    def _weigh(self, ch):
        if ch.isspace() or ch in "-\u2013":
            return _GAP if self.level == 0 else None
        parts = unicodedata.normalize("NFD", ch.casefold())
        base = "".join(c for c in parts if not unicodedata.combining(c) or c in _LETTER_MARKS)
        base = unicodedata.normalize("NFC", base)
        if base not in _CODES:  # punctuation, letters of other scripts: ignored
            return None
        if self.level == 0:
            return _CODES[base]
        return next((_TONES[c] for c in parts if c in _TONES), "0")


_PRIMARY = _Table(0)
_SECONDARY = _Table(1)


def vn_sort_key(value) -> str:
    """A key whose plain (binary) order is the Vietnamese alphabetical order of `value`, case-insensitive.

    The letters (see _CODES), then "0", then one tone digit per letter without the trailing zeros (a shorter tone
    string is a string of zeros cut short). Only [0-9a-z] is used, so the database orders the stored key the same
    under any collation (C, en_US.UTF-8, ICU, SQLite's BINARY). 'Đặng Thị' -> '94ic1qde' '0' '0500005'.
    """
    text = unicodedata.normalize("NFC", " ".join(str("" if value is None else value).split()))
    return text.translate(_PRIMARY) + "0" + text.translate(_SECONDARY).rstrip("0")


CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,30}$")


def code_error(value):
    """The message for a code that is not 1–30 unaccented letters, digits and . _ - (None when it is valid)."""
    if not CODE_RE.match(value or ""):
        return _("Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự . _ -, tối đa 30 ký tự.")
    return None
