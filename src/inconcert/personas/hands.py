"""Several hands behind one byline: does the account's writing, taken in time
order, change hands?

The texts are cut in time order into chunks of about ``chunk_words`` words.
At up to five chunk boundaries between 20 % and 80 % of the texts, the texts
before and after are profiled like two accounts and scored against each other
with the same-hand score (hubness-corrected character n-gram similarity and
Burrows' Delta of habits, standardised against random pairs of the input's
accounts). Before and after are compared with how close each side is to its
nearest *other* accounts: one hand's two halves are each other's nearest
neighbours, two hands' are not. ``dispersion`` is minus the lowest of these
scores (higher = the two sides look less like one hand). One hand still
drifts in time, so ``p_value`` compares it with the input's other tested
accounts (most written by one hand each): the upper tail of a robust normal
fitted to them (median, and 1.4826 × MAD but never below half a unit
of the standardised score: inputs of near-identical accounts do not make tiny
differences significant), so a few bylines
with several hands among them do not widen it. Where ``p_value < alpha``, the
chunks are clustered (Ward) into 2..``max_hands`` groups, the number with the
best silhouette is the ``hands_estimate`` and each chunk's group says which
texts go together.

Limits: hands that alternate text by text inside every chunk look like one
hand (both sides of every split mix them); a hand that changes genre or
topic looks like a new hand.

>>> background_p(np.array([0.0, 0.5, -0.5, 1.0, -1.0, 0.2, 9.0]))[-1] < 1e-4
np.True_
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inconcert.personas.config import PersonaConfig

__all__ = ["ChunkTest", "chunk_bounds", "chunk_size", "split_points", "cluster_chunks", "background_centre", "background_p"]


@dataclass
class ChunkTest:
    """Result of the hands test of one account."""

    n_chunks: int
    dispersion: float
    split: int  # texts before the split where the two sides look least like one hand
    hands: int
    silhouette: float
    labels: np.ndarray  # hand of each chunk (0-based), from the clustering
    bounds: np.ndarray  # chunk k = texts bounds[k]:bounds[k+1]
    p_value: float = float("nan")
    z: float = float("nan")  # dispersion in units of the input's spread (robust)


def chunk_size(n_words: int, cfg: PersonaConfig) -> int:
    """Words per chunk for an account of ``n_words``: ``chunk_words``, shortened down to
    ``min_chunk_words`` so that a short account still has ``2 × min_chunks`` chunks.

    >>> chunk_size(5000, PersonaConfig()), chunk_size(600, PersonaConfig()), chunk_size(100, PersonaConfig())
    (150, 75, 50)
    """
    floor = min(cfg.min_chunk_words, cfg.chunk_words)
    return int(max(floor, min(cfg.chunk_words, n_words // (2 * cfg.min_chunks))))


def chunk_bounds(words: np.ndarray, chunk_words: int) -> np.ndarray:
    """Cut consecutive texts into chunks of at least ``chunk_words`` words; a short
    tail joins the last chunk.

    >>> chunk_bounds(np.array([100, 100, 100, 100, 50]), 200).tolist()
    [0, 2, 5]
    """
    bounds = [0]
    acc = 0
    for i, w in enumerate(words):
        acc += int(w)
        if acc >= chunk_words:
            bounds.append(i + 1)
            acc = 0
    if bounds[-1] != len(words):
        if len(bounds) > 1 and acc < chunk_words / 2:
            bounds[-1] = len(words)
        else:
            bounds.append(len(words))
    return np.asarray(bounds, dtype=np.int64)


def split_points(bounds: np.ndarray, n_texts: int, most: int = 5) -> list[int]:
    """Chunk boundaries between 20 % and 80 % of the texts (at most ``most``, evenly
    spread); the inner boundary nearest the middle when none qualifies (the middle
    text when there is no inner boundary).

    >>> split_points(np.array([0, 10, 20, 30, 40, 50]), 50)
    [10, 20, 30, 40]
    """
    cands = [int(x) for x in bounds[1:-1] if 0.2 <= x / n_texts <= 0.8]
    if not cands:
        inner = [int(x) for x in bounds[1:-1]]
        return [min(inner, key=lambda x: (abs(2 * x - n_texts), x))] if inner else [n_texts // 2]
    if len(cands) > most:
        cands = [cands[int(round(i))] for i in np.linspace(0, len(cands) - 1, most)]
    return cands


def cluster_chunks(means: np.ndarray, max_hands: int) -> tuple[int, float, np.ndarray]:
    """Ward clustering of the chunk profiles into the number of groups with the best
    silhouette (2..max_hands); labels renumbered in order of first chunk.

    >>> m = np.array([[0.0, 1], [0.1, 1], [0, 0.9], [5, 0], [5.1, 0]])
    >>> cluster_chunks(m, 3)[0], cluster_chunks(m, 3)[2].tolist()
    (2, [0, 0, 0, 1, 1])
    """
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    k = len(means)
    tree = linkage(means, method="ward")
    best = (1, float("nan"), np.zeros(k, dtype=np.int64))
    for h in range(2, min(max_hands, k - 1) + 1):
        lab = fcluster(tree, h, criterion="maxclust")
        if len(set(lab)) < 2:
            continue
        s = float(silhouette_score(means, lab))
        if best[0] == 1 or s > best[1]:
            order = {c: n for n, c in enumerate(dict.fromkeys(lab.tolist()))}
            best = (len(order), s, np.array([order[c] for c in lab], dtype=np.int64))
    return best


#: the background's scale is never below half a unit of the standardised same-hand score
MIN_SCALE = 0.5


def background_centre(
    z: np.ndarray, min_scale: float = MIN_SCALE, exact_upto: int = 2_000
) -> tuple[np.ndarray, np.ndarray]:
    """For each account, (median, scale) of the *other* accounts' values: the scale is
    1.4826 × MAD, never below ``min_scale``. Exact leave-one-out up to ``exact_upto``
    values; beyond, the whole sample's (leaving one out moves them by at most one order
    statistic in thousands). (0, 1) for a single value.

    >>> med, scale = background_centre(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
    >>> med.tolist()[:2], scale.tolist()[:2]
    ([3.5, 3.5], [2.2239, 2.2239])
    """
    n = len(z)
    if n < 2:
        return np.zeros(n), np.ones(n)
    if n > exact_upto:
        med = float(np.median(z))
        scale = max(1.4826 * float(np.median(np.abs(z - med))), min_scale)
        return np.full(n, med), np.full(n, scale)
    meds, scales = np.empty(n), np.empty(n)
    for i in range(n):
        others = np.delete(z, i)
        meds[i] = float(np.median(others))
        scales[i] = max(1.4826 * float(np.median(np.abs(others - meds[i]))), min_scale)
    return meds, scales


def background_p(z: np.ndarray, min_background: int = 5, min_scale: float = MIN_SCALE) -> np.ndarray:
    """p-value of each account's ``dispersion_z`` against the *other* tested
    accounts of the input, taken as a robust normal background (median, and
    1.4826 × MAD as the scale: :func:`background_centre`); NaN when fewer than
    ``min_background`` others.

    >>> p = background_p(np.array([0.0, 0.5, -0.5, 1.0, -1.0, 0.2, 9.0]))
    >>> bool(p[-1] < 1e-4), bool(p[0] > 0.3)
    (True, True)
    """
    from scipy.stats import norm

    if len(z) - 1 < min_background:
        return np.full(len(z), np.nan)
    med, scale = background_centre(z, min_scale)
    return norm.sf((z - med) / scale)
