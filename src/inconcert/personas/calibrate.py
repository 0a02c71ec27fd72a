"""Calibration against the input itself: random pairs of different accounts.

Most pairs of accounts in an input are written by different hands, so the
scores of random pairs are a background of different-author pairs from the
same input (as the impostors method compares a candidate against other
documents of the same collection). A pair's p-value is the share of background
pairs, with about as much text as it (five strata by the smaller side's word
count), that score at least as high: short accounts have a wider background
and so need a higher score for the same p-value.

Reference: M. Koppel, Y. Winter, "Determining if two documents are written by
the same author", *JASIST* 65(1), 2014 (impostors / same-collection background).

>>> bg = Background.fit(np.array([0.0, 1.0, 2.0, 3.0]), np.array([10, 10, 10, 10]), strata=1)
>>> bg.p_values(np.array([2.5, 9.0]), np.array([10, 10])).tolist()
[0.4, 0.2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Background", "background_pairs"]


def background_pairs(n: int, size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``size`` random pairs ``(i, j)`` with ``i ≠ j`` among ``n`` accounts (seeded);
    every pair when there are fewer than ``size``."""
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    total = n * (n - 1) // 2
    if total <= size:
        i, j = np.triu_indices(n, 1)
        return i.astype(np.int64), j.astype(np.int64)
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, size)
    j = rng.integers(0, n - 1, size)
    j = np.where(j >= i, j + 1, j)
    return i.astype(np.int64), j.astype(np.int64)


@dataclass
class Background:
    """Sorted background scores per text-amount stratum."""

    edges: np.ndarray  # inner stratum edges on min(n_words) of a pair
    scores: list[np.ndarray]

    @classmethod
    def fit(cls, scores: np.ndarray, min_words: np.ndarray, strata: int = 5) -> Background:
        q = np.quantile(min_words, np.linspace(0, 1, strata + 1)[1:-1]) if len(min_words) else np.zeros(0)
        edges = np.unique(q)
        which = np.searchsorted(edges, min_words, side="right")
        return cls(edges, [np.sort(scores[which == s]) for s in range(len(edges) + 1)])

    def p_values(self, scores: np.ndarray, min_words: np.ndarray) -> np.ndarray:
        """(1 + #background ≥ score) / (1 + #background) within the pair's stratum."""
        which = np.searchsorted(self.edges, min_words, side="right")
        out = np.ones(len(scores))
        for s, bg in enumerate(self.scores):
            sel = which == s
            if not sel.any():
                continue
            if len(bg) == 0:  # no background in this stratum: use all of it
                bg = np.sort(np.concatenate(self.scores))
            ge = len(bg) - np.searchsorted(bg, scores[sel], side="left")
            out[sel] = (1.0 + ge) / (1.0 + len(bg))
        return out
