"""The word view of the style profile: rates of the input's most frequent words.

The most frequent words of a collection are mostly function words and
punctuation ("the", "to", "i", ",", "!"): used without thought, so they carry
the hand more than the topic. Each account gets the rate of each of the input's
``function_words`` most frequent tokens (per token of its texts); the rates are
z-scored over the accounts, each word weighted by how well an account keeps it
over time (its two time halves, as the habits:
:func:`~inconcert.personas.habits.habit_weights`), and two accounts are compared
by the cosine of these vectors ("Cosine Delta"), hubness-corrected like the
character view.

Tokens: the style text (:mod:`inconcert.personas.texts`, topic masked) lower-cased;
a run of letters, digits, ``_`` and ``'`` (with a leading ``#`` for a hashtag
placeholder) is one token, and every other character that is not a space is one.

References: J. Burrows, "'Delta'", *LLC* 17(3), 2002 (the most frequent words);
P. W. H. Smith, W. Aldridge, "Improving authorship attribution: optimizing
Burrows' Delta method", *J. Quant. Linguistics* 18(1), 2011 (Cosine Delta);
S. Evert et al., "Understanding and explaining Delta measures for authorship
attribution", *Digital Scholarship in the Humanities* 32, 2017.

>>> style = pa.array(["I said, the cat!", "the dog and I", "#Aa the end"])
>>> top_words(style, 3)
['the', 'i', '!']
>>> word_counts(style, ["the", "i"]).tolist()  # counts of each word, then all tokens
[[1.0, 1.0, 6.0], [1.0, 1.0, 4.0], [1.0, 0.0, 3.0]]
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["top_words", "word_counts", "word_rates"]

_APART = r"([^\s\pL\pN_'#])"  # every character that is neither a word character nor a space


def _tokens(style: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(tokens, index of the text of each token)."""
    x = pc.utf8_lower(pc.fill_null(style, ""))
    x = pc.replace_substring_regex(x, pattern=_APART, replacement=r" \1 ")
    lists = pc.split_pattern_regex(pc.utf8_trim_whitespace(x), pattern=r"\s+")
    tok = pc.list_flatten(lists)
    parent = pc.list_parent_indices(lists).to_numpy()
    keep = pc.not_equal(tok, "")
    return tok.filter(keep), parent[keep.to_numpy(zero_copy_only=False)]


def top_words(style: pa.Array, n: int) -> list[str]:
    """The ``n`` most frequent tokens of ``style`` (ties by the token, so the same every run)."""
    if n < 1 or len(style) == 0:
        return []
    tok, _ = _tokens(style)
    if len(tok) == 0:
        return []
    vc = pc.value_counts(tok)
    words = vc.field("values").to_pylist()
    counts = vc.field("counts").to_numpy()
    order = sorted(range(len(words)), key=lambda k: (-int(counts[k]), words[k]))[:n]
    return [words[k] for k in order]


def word_counts(style: pa.Array, vocab: list[str]) -> np.ndarray:
    """Per text: the count of each ``vocab`` word, then the number of tokens (last column)."""
    v = len(vocab)
    out = np.zeros((len(style), v + 1))
    if len(style) == 0:
        return out
    tok, parent = _tokens(style)
    out[:, v] = np.bincount(parent, minlength=len(style))
    if v:
        pos = pc.index_in(tok, value_set=pa.array(vocab, pa.string())).to_numpy(
            zero_copy_only=False
        )
        pos = np.nan_to_num(pos.astype(np.float64), nan=-1).astype(np.int64)
        ok = pos >= 0
        out[:, :v] = np.bincount(parent[ok] * v + pos[ok], minlength=len(style) * v).reshape(
            len(style), v
        )
    return out


def word_rates(counts: np.ndarray) -> np.ndarray:
    """Rates per token from summed :func:`word_counts` rows (any leading shape)."""
    return counts[..., :-1] / np.maximum(counts[..., -1:], 1.0)
