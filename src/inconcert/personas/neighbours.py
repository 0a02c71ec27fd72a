"""Candidate pairs: each account's nearest neighbours by style, exact or approximate.

Exact: centered cosine for all pairs, computed from the sparse profiles without
densifying them: with rows ``x`` of unit length and mean profile ``μ``,
``(x−μ)·(y−μ) = x·y − x·μ − y·μ + μ·μ``. Approximate (``hnsw``): profiles
reduced by truncated SVD (fitted on a sample), centered and L2-normalised,
indexed with HNSW (hnswlib, built single-threaded so the index is
deterministic); 10⁵ accounts never mean 10¹⁰ comparisons.

Reference: Y. Malkov, D. Yashunin, "Efficient and robust approximate nearest
neighbor search using Hierarchical Navigable Small World graphs", IEEE TPAMI 2018.

>>> import scipy.sparse as sp
>>> x = sp.csr_matrix(np.array([[1.0, 0, 0], [0.9, 0.1, 0], [0, 0, 1.0]]))
>>> x = sp.csr_matrix(x / np.linalg.norm(x.toarray(), axis=1)[:, None])
>>> c = centered_cosine_matrix(x, np.asarray(x.mean(axis=0)).ravel())
>>> int(np.argmax(np.where(np.eye(3, dtype=bool), -9, c)[0]))
1
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["centered_cosine_matrix", "centered_cosine_pairs", "reduce_profiles", "knn"]


def _centering(x: sp.csr_matrix, mean: np.ndarray) -> tuple[np.ndarray, float, np.ndarray]:
    m = np.asarray(x @ mean.astype(np.float32)).ravel().astype(np.float64)
    c = float(mean @ mean)
    sq = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    norms = np.sqrt(np.maximum(sq - 2 * m + c, 1e-12))
    return m, c, norms


def centered_cosine_matrix(x: sp.csr_matrix, mean: np.ndarray) -> np.ndarray:
    """All-pairs cosine of ``x − mean`` (dense n×n, float64)."""
    m, c, norms = _centering(x, mean)
    g = (x @ x.T).toarray().astype(np.float64)
    g -= m[:, None]
    g -= m[None, :]
    g += c
    g /= norms[:, None]
    g /= norms[None, :]
    return g


def centered_cosine_pairs(x: sp.csr_matrix, mean: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Cosine of ``x[i] − mean`` and ``x[j] − mean`` for index arrays ``i``, ``j``."""
    m, c, norms = _centering(x, mean)
    dots = np.asarray(x[i].multiply(x[j]).sum(axis=1)).ravel()
    return (dots - m[i] - m[j] + c) / (norms[i] * norms[j])


def reduce_profiles(x_fit: sp.csr_matrix, dims: int, seed: int) -> np.ndarray:
    """SVD components (dims × features) fitted on ``x_fit``."""
    try:
        from sklearn.decomposition import TruncatedSVD
    except ImportError as e:  # pragma: no cover - optional dependency
        raise ImportError("inconcert personas needs scikit-learn: pip install 'inconcert[personas]'") from e

    dims = max(1, min(dims, x_fit.shape[0] - 1, x_fit.shape[1] - 1))
    svd = TruncatedSVD(n_components=dims, algorithm="randomized", n_iter=4, random_state=seed)
    svd.fit(x_fit)
    return svd.components_.astype(np.float32)


def knn(z: np.ndarray, k: int, seed: int, threads: int = 1) -> tuple[np.ndarray, np.ndarray, Any]:
    """Approximate ``k`` nearest neighbours (cosine) of every row of unit-length ``z``,
    self excluded: (indices n×k, similarities n×k, best first; the index)."""
    try:
        import hnswlib
    except ImportError as e:  # pragma: no cover - optional dependency
        raise ImportError("approximate neighbours need hnswlib: pip install 'inconcert[personas]'") from e
    n, d = z.shape
    k = min(k, n - 1)
    index = hnswlib.Index(space="ip", dim=d)
    index.init_index(max_elements=n, ef_construction=200, M=16, random_seed=seed)
    index.set_num_threads(1)  # single-threaded insertion: the same index every run
    index.add_items(z, np.arange(n))
    index.set_ef(max(64, 2 * k + 1))
    index.set_num_threads(threads)
    labels, dist = index.knn_query(z, k=k + 1)
    sims = 1.0 - dist
    out_i = np.zeros((n, k), dtype=np.int64)
    out_s = np.zeros((n, k))
    for r in range(n):
        keep = labels[r] != r
        li, si = labels[r][keep][:k], sims[r][keep][:k]
        if len(li) < k:  # pad (only when the graph returned self twice, which hnswlib does not)
            li = np.concatenate([li, np.full(k - len(li), li[-1] if len(li) else r)])
            si = np.concatenate([si, np.full(k - len(si), si[-1] if len(si) else 0.0)])
        out_i[r], out_s[r] = li, si
    return out_i, out_s, index
