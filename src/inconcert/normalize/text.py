"""Text normalisation for the text behaviours, vectorised with Arrow compute.

Steps: Unicode NFKC; lower-case (Unicode full case mapping); URLs and
@mentions removed; Arabic/Persian letter variants unified (ي/ى→ی, ك→ک,
ة/ۀ→ه, أ/إ/آ/ٱ→ا), Arabic-Indic and Persian digits → ASCII digits, tatweel,
Arabic diacritics, invisible characters (ZWNJ, ZWSP, BOM, soft hyphen,
left-to-right/right-to-left marks and embeddings, emoji variation selector)
and emoji skin-tone modifiers removed; Cyrillic ``ё`` → ``е`` (Russian writes
both); punctuation (not emoji, not '#') turned into spaces; whitespace
collapsed. Other Latin and Cyrillic accents are kept (``é`` ≠ ``e``): they
carry meaning in many languages. Emoji are kept: an appended emoji is a real
difference for exact matching. CJK full-width forms are folded by NFKC and
CJK punctuation becomes spaces (the near-duplicate behaviour then cuts CJK
text into characters).

A rule runs only on the strings it can change: the URL/mention rule on strings
with ``://``, ``www.`` or ``@``, the rules for non-ASCII characters (Arabic
script, ``ё``, invisible characters) on strings that are not pure ASCII. Most
texts skip most rules, and the result is the same as running every rule on
every string (tested).

>>> normalize_text("RT   Ｈｅｌｌｏ   @bob  https://t.co/x  World!! 🇺🇦")
'rt hello world 🇺🇦'
>>> normalize_text("كتاب") == normalize_text("کتاب")
True
>>> normalize_text("مـــرحبا") == normalize_text("مرحبا")
True
>>> normalize_text("خانۀ ما ۱۲۳") == normalize_text("خانه ما 123")
True
>>> normalize_text("Ещё 👍🏽\u200f") == normalize_text("еще 👍")
True
>>> normalize_text("美国大选，真的！")
'美国大选 真的'
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["normalize_text", "normalize_text_array", "token_count_array"]

_LINKS = r"https?://\S+|www\.\S+|(^|\s)@\w+"
_ARABIC_SCRIPT = "[\u0600-\u06ff]"
_ARABIC: list[tuple[str, str]] = [
    ("[\u064a\u0649]", "\u06cc"),  # Arabic yeh, alef maksura -> Farsi yeh
    ("\u0643", "\u06a9"),  # Arabic kaf -> keheh
    ("[\u0629\u06c0]", "\u0647"),  # teh marbuta, heh with yeh above -> heh
    ("[\u0623\u0625\u0622\u0671]", "\u0627"),  # alef variants -> alef
    ("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]", ""),  # tatweel, harakat
]
# invisible characters: ZWSP, ZWNJ, LRM/RLM, bidi embeddings/isolates, word joiner,
# BOM, soft hyphen, emoji variation selector, skin-tone modifiers (ZWJ is kept: emoji)
_INVISIBLE = ("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\ufe0f\U0001f3fb-\U0001f3ff]", "")
_RULES: list[tuple[str, str]] = [
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
    x = _where(x, pc.match_substring_regex(x, _LINK_HINT), _without_links)
    x = _where(x, pc.invert(pc.string_is_ascii(x)), _non_ascii_rules)
    for pattern, repl in _RULES:
        x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
    return pc.utf8_trim_whitespace(x)


#: what every match of ``_LINKS`` contains
_LINK_HINT = r"://|www\.|@"


def _where(x: pa.Array, mask: pa.Array, fn: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``x`` with ``fn`` applied to the strings where ``mask`` is true only."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return x
    return pc.replace_with_mask(x, mask, fn(pc.filter(x, mask)))


def _without_links(x: pa.Array) -> pa.Array:
    return pc.replace_substring_regex(x, pattern=_LINKS, replacement=" ")


def _arabic_rules(x: pa.Array) -> pa.Array:
    """Arabic and Persian letter variants, harakat and digits (strings in Arabic script)."""
    for pattern, repl in _ARABIC:
        x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
    return _ascii_digits(x)


def _non_ascii_rules(x: pa.Array) -> pa.Array:
    """The rules that only change characters outside ASCII."""
    x = _where(x, pc.match_substring_regex(x, _ARABIC_SCRIPT), _arabic_rules)
    x = pc.replace_substring(x, "\u0451", "\u0435")  # Cyrillic yo -> ie
    pattern, repl = _INVISIBLE
    return pc.replace_substring_regex(x, pattern=pattern, replacement=repl)


_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


def _ascii_digits(x: pa.Array) -> pa.Array:
    """Arabic-Indic (٠–٩) and Persian (۰–۹) digits → 0–9 (only where present)."""
    if not pc.any(pc.match_substring_regex(x, "[\u0660-\u0669\u06f0-\u06f9]")).as_py():
        return x
    for d, a in _DIGITS.items():
        x = pc.replace_substring(x, d, a)
    return x


def normalize_text(text: str | None) -> str | None:
    """Normalise one string (see module docstring)."""
    return normalize_text_array(pa.array([text], pa.string()))[0].as_py()


def token_count_array(arr: pa.Array) -> pa.Array:
    """Number of space-separated tokens in each normalised string."""
    return pc.list_value_length(pc.split_pattern(arr, " "))
