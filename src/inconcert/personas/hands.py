"""Several hands behind one byline: do an account's texts, taken in time
order, differ more than the same texts shuffled — and more than the input's
other accounts show?

Each text is a unit-length TF-IDF style row (projected to a few dimensions by a
seeded random projection, which keeps distances). The texts are cut in time
order into chunks of about ``chunk_words`` words; the statistic is the
between-chunk variance (mean squared distance of each chunk's mean row from the
account's mean row). Shuffling the texts over the same chunk sizes gives what
one hand writing the same texts in any order would show (``permutations``
times); ``dispersion_z`` is the observed value in units of that spread. A
single author still drifts in time (topics, events), so the p-value compares
an account's ``dispersion_z`` with every other tested account of the same input
(most accounts of an input are written by one hand each): ``p_value`` is the
upper tail of a robust normal fitted to the others (median and MAD, the scale
at least 1), so a few merged bylines among them do not widen it. Where ``p_value < alpha`` the chunks are
clustered (Ward) into 2..``max_hands`` groups, the number with the best
silhouette is the ``hands_estimate``, and each chunk's group says which texts
go together.

Limits: hands that alternate text by text inside every chunk look like one
hand here (chunks mix them); long texts (articles) each make a chunk of their
own, so bylines of articles are tested text by text.

>>> rng = np.random.default_rng(0)
>>> one = rng.normal(size=(40, 8)) + 1.0
>>> two = np.vstack([rng.normal(size=(20, 8)) + 1.0, rng.normal(size=(20, 8)) - 1.0])
>>> w = np.full(40, 50)
>>> a, b = (chunk_test(x, w, 250, 4, 30, 4, seed=1) for x in (one, two))
>>> a.z < 3 < b.z, b.hands, b.labels.tolist()
(True, 2, [0, 0, 0, 0, 1, 1, 1, 1])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ChunkTest", "chunk_bounds", "chunk_test", "background_p"]


@dataclass
class ChunkTest:
    """Result of the hands test of one account."""

    n_chunks: int
    dispersion: float
    z: float
    perm_p: float
    hands: int
    silhouette: float
    labels: np.ndarray  # hand of each chunk (0-based)
    bounds: np.ndarray  # chunk k = texts bounds[k]:bounds[k+1]


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


def _between(rows: np.ndarray, bounds: np.ndarray, centre: np.ndarray) -> float:
    means = np.add.reduceat(rows, bounds[:-1], axis=0) / np.diff(bounds)[:, None]
    return float(((means - centre) ** 2).sum(axis=1).mean())


def chunk_test(
    rows: np.ndarray,
    words: np.ndarray,
    chunk_words: int,
    min_chunks: int,
    permutations: int,
    max_hands: int,
    seed: int,
) -> ChunkTest | None:
    """The hands test of one account (texts in time order); None when it has fewer
    than ``min_chunks`` chunks. The chunks are always clustered; whether the
    clustering is reported is decided with the background p-value."""
    bounds = chunk_bounds(words, chunk_words)
    k = len(bounds) - 1
    if k < min_chunks:
        return None
    centre = rows.mean(axis=0)
    obs = _between(rows, bounds, centre)
    rng = np.random.default_rng(seed)
    perm = np.array([_between(rows[rng.permutation(len(rows))], bounds, centre) for _ in range(permutations)])
    sd = float(perm.std()) or 1e-12
    z = (obs - float(perm.mean())) / sd
    perm_p = (1.0 + float((perm >= obs).sum())) / (1.0 + permutations)
    hands, sil, labels = cluster_chunks(rows, bounds, max_hands)
    return ChunkTest(k, obs, z, perm_p, hands, sil, labels, bounds)


def cluster_chunks(rows: np.ndarray, bounds: np.ndarray, max_hands: int) -> tuple[int, float, np.ndarray]:
    """Ward clustering of the chunk means into the number of groups with the best
    silhouette (2..max_hands); labels renumbered in order of first chunk."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from sklearn.metrics import silhouette_score

    means = np.add.reduceat(rows, bounds[:-1], axis=0) / np.diff(bounds)[:, None]
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


def background_p(z: np.ndarray, min_background: int = 5) -> np.ndarray:
    """p-value of each account's ``dispersion_z`` against the *other* tested
    accounts of the input, taken as a robust normal background (median, and
    1.4826 × MAD as the scale); NaN when fewer than ``min_background`` others.

    >>> p = background_p(np.array([0.0, 0.5, -0.5, 1.0, -1.0, 0.2, 9.0]))
    >>> bool(p[-1] < 1e-4), bool(p[0] > 0.3)
    (True, True)
    """
    from scipy.stats import norm

    n = len(z)
    out = np.full(n, np.nan)
    if n - 1 < min_background:
        return out
    for i in range(n):
        others = np.delete(z, i)
        med = float(np.median(others))
        # a single hand's z varies by about 1 from shuffle to shuffle: the scale is never below 1
        scale = max(1.4826 * float(np.median(np.abs(others - med))), 1.0)
        out[i] = float(norm.sf((z[i] - med) / scale))
    return out
