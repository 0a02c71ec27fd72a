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

__all__ = [
    "HABITS",
    "HABIT_NAMES",
    "habit_rows",
    "habit_matrix",
    "habit_halves",
    "habit_weights",
    "burrows_delta",
]

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
    cols = [
        pc.fill_null(pc.match_substring_regex(style, p), False).to_numpy(zero_copy_only=False)
        for _, p in HABITS
    ]
    up = pc.fill_null(pc.count_substring_regex(style, r"\p{Lu}"), 0).to_numpy().astype(np.float64)
    letters = pc.fill_null(pc.count_substring_regex(style, r"\pL"), 0).to_numpy().astype(np.float64)
    cols.append(up / np.maximum(letters, 1.0))
    w = np.asarray(words)
    cols += [(w >= a) & (w < b) for a, b in _LENGTH_BINS]
    return (
        np.column_stack([np.asarray(c, dtype=np.float64) for c in cols])
        if len(style)
        else np.zeros((0, len(HABIT_NAMES)))
    )


def habit_matrix(
    style: pa.Array, offsets: np.ndarray | list[int], words: np.ndarray | None = None
) -> np.ndarray:
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


def habit_halves(per_text: np.ndarray, n_texts: np.ndarray) -> np.ndarray:
    """Mean habits of the first ⌊n/2⌋ and of the other texts of every account (``per_text``
    in account then time order, ``n_texts`` per account): ``(accounts, 2, habits)``; an
    account with one text has it in both halves.

    >>> habit_halves(np.array([[1.0], [3.0], [5.0], [7.0]]), np.array([3, 1]))[:, :, 0].tolist()
    [[1.0, 4.0], [7.0, 7.0]]
    """
    n_texts = np.asarray(n_texts, dtype=np.int64)
    out = np.zeros((len(n_texts), 2, per_text.shape[1]))
    if not len(n_texts):
        return out
    start = np.concatenate([[0], np.cumsum(n_texts)[:-1]])
    first = np.maximum(n_texts // 2, 1)
    cs = np.vstack([np.zeros((1, per_text.shape[1])), np.cumsum(per_text, axis=0)])
    for h, (lo, hi) in enumerate(
        ((start, start + first), (start + np.minimum(first, n_texts - 1), start + n_texts))
    ):
        cnt = np.maximum(hi - lo, 1)
        out[:, h] = (cs[hi] - cs[lo]) / cnt[:, None]
    return out


def habit_weights(habits: np.ndarray, halves: np.ndarray, shrink: float = 0.1) -> np.ndarray:
    """Weight of each habit in Burrows' Delta, learned from the input itself (mean 1).

    Each account's two time halves (:func:`habit_halves`) are a same-hand pair; the
    weight is a shrunk Fisher ratio ``(B + shrink) / (W + shrink)`` of the habit's
    z-scores (z by the accounts' mean and sd): ``W`` = the spread between the two
    halves of one account (within a hand), ``B`` = the pooled spread of all halves
    minus ``W`` (between hands). A habit that an account keeps over time and that
    differs between accounts counts more; one that wanders within an account counts
    less. No pair of accounts is used, so this needs no labels. Equal weights with
    fewer than 5 accounts.

    Reference: R. A. Fisher, "The use of multiple measurements in taxonomic problems",
    *Annals of Eugenics* 7(2), 1936 (the between / within variance ratio).

    >>> rng = np.random.default_rng(0)
    >>> hand = rng.normal(size=(50, 1))  # habit 0 is kept by each account; habit 1 is noise
    >>> halves = np.concatenate([np.stack([hand, hand], 1) + 0.1 * rng.normal(size=(50, 2, 1)),
    ...                          rng.normal(size=(50, 2, 1))], axis=2)
    >>> w = habit_weights(halves.mean(axis=1), halves)
    >>> bool(w[0] > 3 * w[1]), round(float(w.mean()), 6)
    (True, 1.0)
    """
    n, k = halves.shape[0], halves.shape[2]
    if n < 5:
        return np.ones(k)
    mu, sd = habits.mean(axis=0), habits.std(axis=0)
    z = (halves - mu) / np.where(sd > 0, sd, 1.0)
    within = ((z - z.mean(axis=1, keepdims=True)) ** 2).mean(axis=(0, 1))
    between = np.maximum(z.reshape(-1, k).var(axis=0) - within, 0.0)
    w = (between + shrink) / (within + shrink)
    return w / w.mean()


def burrows_delta(za: np.ndarray, zb: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Burrows' Delta between rows of z-scored habit matrices (mean |difference|, each
    habit weighted by ``weights`` of mean 1 when given).

    >>> burrows_delta(np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]])).tolist()
    [1.5]
    >>> burrows_delta(np.array([[1.0, -1.0]]), np.array([[0.0, 1.0]]), np.array([2.0, 0.0])).tolist()
    [1.0]
    """
    d = np.abs(za - zb)
    return (d if weights is None else d * weights).mean(axis=1)
