"""Text normalisation for the text behaviours, vectorised with Arrow compute.

Steps: Unicode NFKC; lower-case (Unicode full case mapping); URLs and
@mentions removed; Arabic/Persian letter variants unified (ي/ى→ی, ك→ک,
ة→ه, أ/إ/آ→ا), tatweel, Arabic diacritics and zero-width characters (ZWNJ,
ZWSP, BOM, emoji variation selector) removed; punctuation (not emoji, not
'#') turned into spaces; whitespace collapsed. Latin and Cyrillic accents are
kept (``é`` ≠ ``e``): they carry meaning in many languages.
Emoji are kept: an appended emoji is a real difference for exact matching.

>>> normalize_text("RT   Ｈｅｌｌｏ   @bob  https://t.co/x  World!! 🇺🇦")
'rt hello world 🇺🇦'
>>> normalize_text("كتاب") == normalize_text("کتاب")
True
>>> normalize_text("مـــرحبا") == normalize_text("مرحبا")
True
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["normalize_text", "normalize_text_array", "token_count_array"]

_LINKS = r"https?://\S+|www\.\S+|(^|\s)@\w+"
_ARABIC_SCRIPT = "[\u0600-\u06ff]"
_ARABIC: list[tuple[str, str]] = [
    ("[\u064a\u0649]", "\u06cc"),  # Arabic yeh, alef maksura -> Farsi yeh
    ("\u0643", "\u06a9"),  # Arabic kaf -> keheh
    ("\u0629", "\u0647"),  # teh marbuta -> heh
    ("[\u0623\u0625\u0622\u0671]", "\u0627"),  # alef variants -> alef
    ("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]", ""),  # tatweel, harakat
]
_RULES: list[tuple[str, str]] = [
    ("[\u200b\u200c\u2060\ufeff\ufe0f]", ""),  # zero-width chars, emoji variation selector
    (r"[^\p{L}\p{N}\p{M}\p{So}\p{Sk}\x{200d}#\s]", " "),  # punctuation -> space
    (r"\s\s+|[^\S ]", " "),  # runs of whitespace, tabs, newlines -> one space
]


def normalize_text_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Normalise every string of an Arrow array (nulls stay null)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    x = pc.utf8_normalize(arr, form="NFKC")
    x = pc.utf8_lower(x)
    x = pc.replace_substring_regex(x, pattern=_LINKS, replacement=" ")
    arabic = pc.fill_null(pc.match_substring_regex(x, _ARABIC_SCRIPT), False)
    if pc.any(arabic).as_py():
        sub = pc.filter(x, arabic)
        for pattern, repl in _ARABIC:
            sub = pc.replace_substring_regex(sub, pattern=pattern, replacement=repl)
        x = pc.replace_with_mask(x, arabic, sub)
    for pattern, repl in _RULES:
        x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
    return pc.utf8_trim_whitespace(x)


def normalize_text(text: str | None) -> str | None:
    """Normalise one string (see module docstring)."""
    return normalize_text_array(pa.array([text], pa.string()))[0].as_py()


def token_count_array(arr: pa.Array) -> pa.Array:
    """Number of space-separated tokens in each normalised string."""
    return pc.list_value_length(pc.split_pattern(arr, " "))
