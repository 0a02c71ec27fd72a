"""Texts for the style signal: which posts count and what of them is style.

A post counts when it is the account's own (not a repost) and has at least
``min_text_tokens`` words after the text behaviours' normalisation
(:func:`inconcert.normalize.text.normalize_text_array`), the same rule as the
``text`` behaviour.

The style text itself is *not* lower-cased or stripped of punctuation (that
is where a hand shows: casing, punctuation, spacing, emoji). It gets NFKC,
the same invisible characters removed as the text behaviours, and, with
``mask=True``, topic carriers replaced by placeholders that keep only the
habit: a URL → ``↗``, an @mention → ``@``, a #hashtag → ``#A`` / ``#a`` /
``#Aa`` / ``#x`` by its casing (all capitals, all lower, Capitalised, other).

>>> style_text("Vote!! #MAGA @bob https://t.co/x  #blackLivesMatter\u200b")
'Vote!! #A @ ↗  #x'
>>> style_text("Vote #MAGA", mask=False)
'Vote #MAGA'
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from inconcert.normalize.text import normalize_text_array, token_count_array

__all__ = ["style_text", "style_text_array", "word_count_array"]

_INVISIBLE = "[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad\ufe0f\U0001f3fb-\U0001f3ff]"
_URL = r"https?://\S+|www\.\S+"
_MENTION = r"(^|[^\w@])@\w+"
# hashtag shapes, most specific first (RE2 has no look-behind: keep the preceding char)
_HASHTAGS = [
    (r"(^|[^\w#])#[\p{Lu}\d_]*\p{Lu}[\p{Lu}\d_]*\b", "\\1\x01A"),
    (r"(^|[^\w#])#[\p{Ll}\d_]*\p{Ll}[\p{Ll}\d_]*\b", "\\1\x01a"),
    (r"(^|[^\w#])#\p{Lu}[\p{Ll}\d_]+\b", "\\1\x01Aa"),
    (r"(^|[^\w#])#\w*[^\W\d_]\w*", "\\1\x01x"),
]  # \x01 marks a placeholder until all shapes are done, then becomes '#'


def style_text_array(arr: pa.Array | pa.ChunkedArray, mask: bool = True) -> pa.Array:
    """The style text of every string (see module docstring); nulls stay null."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    x = pc.utf8_normalize(arr, form="NFKC")
    x = pc.replace_substring_regex(x, pattern=_INVISIBLE, replacement="")
    if mask:
        x = pc.replace_substring_regex(x, pattern=_URL, replacement="↗")
        x = pc.replace_substring_regex(x, pattern=_MENTION, replacement=r"\1@")
        for pattern, repl in _HASHTAGS:
            x = pc.replace_substring_regex(x, pattern=pattern, replacement=repl)
        x = pc.replace_substring(x, "\x01", "#")
    return pc.utf8_rtrim_whitespace(x)


def style_text(text: str | None, mask: bool = True) -> str | None:
    """The style text of one string (see module docstring)."""
    return style_text_array(pa.array([text], pa.string()), mask=mask)[0].as_py()


def word_count_array(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Words of each text after the text behaviours' normalisation (0 for null/empty).

    >>> word_count_array(pa.array(["Hello @bob, https://t.co/x world!", None])).to_pylist()
    [2, 0]
    """
    norm = normalize_text_array(arr)
    n = token_count_array(pc.if_else(pc.equal(norm, ""), None, norm))
    return pc.fill_null(n, 0)
