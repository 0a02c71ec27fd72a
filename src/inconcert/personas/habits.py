"""Writing habits: a small named vector per account (Burrows-style features).

Each habit is the share of an account's texts that show it (computed on the
style text, so ``↗`` is where a link was and ``#A`` a hashtag in capitals),
plus the share of letters in upper case and a text-length profile. Burrows'
Delta compares two accounts by the mean absolute difference of their z-scored
habits (z against the input's accounts).

Reference: J. Burrows, "'Delta': a measure of stylistic difference and a guide
to likely authorship", *Literary and Linguistic Computing* 17(3), 2002.

>>> import pyarrow as pa
>>> m = habit_matrix(pa.array(["Hi!! ↗", "hello", "OK…"]), [0, 3])
>>> m.shape, HABIT_NAMES[0]
((1, 44), 'starts with a hashtag')
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["HABITS", "HABIT_NAMES", "habit_rows", "habit_matrix", "burrows_delta"]

#: (name, RE2 pattern): a text shows the habit when the pattern matches it
HABITS: list[tuple[str, str]] = [
    ("starts with a hashtag", r"^#"),
    ("ends with a hashtag", r"#(A|a|Aa|x)\W*$"),
    ("several hashtags", r"#(A|a|Aa|x)\b.*#(A|a|Aa|x)\b"),
    ("hashtag in capitals", r"#A\b"),
    ("hashtag in lower case", r"#a\b"),
    ("hashtag Capitalised", r"#Aa\b"),
    ("has a link", "↗"),
    ("ends with a link", r"↗\s*$"),
    ("two spaces before a link", r"  ↗"),
    ("starts with a mention", r"^\W*@"),
    ("has a mention", "@"),
    ("starts in upper case", r"^[^\pL]*\p{Lu}"),
    ("starts in lower case", r"^[^\pL]*\p{Ll}"),
    ("ends with . ! or ?", r"[.!?][\s↗]*$"),
    ("ends without punctuation", r"[\pL\pN][\s↗]*$"),
    ("question mark", r"\?"),
    ("exclamation mark", "!"),
    ("!! or more", "!!"),
    ("?? or more", r"\?\?"),
    ("three dots ...", r"\.\.\."),
    ("ellipsis …", "…"),
    ("two spaces", r"\S  \S"),
    ("space before punctuation", r"\pL [,.!?;:]"),
    ("no space after a comma", r",\pL"),
    ("comma", ","),
    ("colon", ":"),
    ("semicolon", ";"),
    ("parenthesis", r"\("),
    ('straight double quote "', '"'),
    ("curly quotes “ ”", "[“”]"),
    ("straight apostrophe '", r"\pL'\pL"),
    ("curly apostrophe ’", r"\pL’\pL"),
    ("word in capitals", r"\b\p{Lu}{3,}\b"),
    ("lower-case i", r"(^|\s)i(\s|$)"),
    ("ampersand &", "&"),
    ("spaced hyphen ' - '", " - "),
    ("dash – or —", "[–—]"),
    ("emoticon :) ;)", r"[:;]-?[)(DPp]"),
    ("emoji", r"[\x{1F000}-\x{1FAFF}\x{2600}-\x{27BF}]"),
    ("digit", r"\d"),
]
_LENGTH_BINS = [(0, 8), (8, 14), (14, 22)]  # words; the last bin is implied (≥ 22)
HABIT_NAMES: list[str] = (
    [n for n, _ in HABITS]
    + ["share of letters in upper case"]
    + [f"{a}–{b - 1} words" for a, b in _LENGTH_BINS]
)


def habit_rows(style: pa.Array, words: np.ndarray | None = None) -> np.ndarray:
    """The habits of every text (one row per text of ``style``, columns ``HABIT_NAMES``)."""
    if words is None:
        words = pc.fill_null(pc.list_value_length(pc.split_pattern(style, " ")), 0).to_numpy()
    cols = [pc.fill_null(pc.match_substring_regex(style, p), False).to_numpy(zero_copy_only=False) for _, p in HABITS]
    up = pc.fill_null(pc.count_substring_regex(style, r"\p{Lu}"), 0).to_numpy().astype(np.float64)
    letters = pc.fill_null(pc.count_substring_regex(style, r"\pL"), 0).to_numpy().astype(np.float64)
    cols.append(up / np.maximum(letters, 1.0))
    w = np.asarray(words)
    cols += [(w >= a) & (w < b) for a, b in _LENGTH_BINS]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in cols]) if len(style) else np.zeros((0, len(HABIT_NAMES)))


def habit_matrix(style: pa.Array, offsets: np.ndarray | list[int], words: np.ndarray | None = None) -> np.ndarray:
    """Habit vector of every account: texts ``offsets[i]:offsets[i+1]`` of ``style``
    belong to account ``i`` (accounts with no text get zeros)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    n_acc = len(offsets) - 1
    per_text = habit_rows(style, words)
    counts = np.diff(offsets)
    out = np.zeros((n_acc, len(HABIT_NAMES)))
    nz = counts > 0
    if nz.any():
        sums = np.add.reduceat(per_text, offsets[:-1][nz], axis=0)
        out[nz] = sums / counts[nz, None]
    return out


def burrows_delta(za: np.ndarray, zb: np.ndarray) -> np.ndarray:
    """Burrows' Delta between rows of z-scored habit matrices (mean |difference|).

    >>> burrows_delta(np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])).tolist()
    [1.5]
    """
    return np.abs(za - zb).mean(axis=1)
