"""Copies of one article across sites: MinHash-LSH candidates, verified by Jaccard and containment.

Article bodies (normalised, word 3-gram shingles) are candidates when their
MinHash signatures share an LSH band (:mod:`inconcert.textsim.minhash`);
a candidate pair is a **copy** when its exact Jaccard similarity is at least
``jaccard`` *or* its containment — the share of the shorter text's shingles
found in the longer one, ``|A ∩ B| / min(|A|, |B|)`` (Broder 1997) — is at
least ``containment``. Containment is what keeps a truncated copy, or one
wrapped in an added intro and the copying site's own lines, together with
its origin: Jaccard falls with every added or removed paragraph, containment
does not. Candidates are first screened on a sketch (the eighth of the
shingles whose hash is 0 mod 8; Jaccard and containment estimated with
margins of three standard errors), so only plausible pairs are verified
exactly. Copies form clusters (connected components); a cluster's
**origin** is its earliest page (ties: the earlier input row) among the
pages that credit no other site of the cluster (a page that names or links
the site it copied is not the origin, whatever its clock says), with a page
whose time is known only to the day placed at the end of that day
(``imprecise``): it cannot be shown to be first.

>>> body = " ".join(f"w{i}" for i in range(150))
>>> r = find_copies([body, "intro words here " + body, body[: len(body) // 2], "other " * 60],
...                 [10, 20, 30, 40])
>>> r.cluster.tolist()
[0, 0, 0, -1]
>>> [round(x, 2) for x in r.containment.tolist()[:3]]
[1.0, 1.0, 0.99]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from inconcert.normalize.text import normalize_text_array
from inconcert.textsim.minhash import (
    NearTextParams,
    Shingles,
    _ranges,
    candidate_pairs,
    jaccard_pairs,
    shingle,
)

__all__ = ["CopyParams", "CopyClusters", "find_copies", "set_origins"]


@dataclass(frozen=True)
class CopyParams:
    """Settings of the copy search.

    jaccard, containment: a pair is a copy when either reaches its threshold.
    shingle: words per shingle. bands, rows: LSH banding (40 × 3 finds a pair
    with Jaccard 0.5 with probability 0.995, 0.3 with 0.66).
    min_tokens: bodies shorter than this are not articles (menus, stubs).
    """

    jaccard: float = 0.5
    containment: float = 0.8
    shingle: int = 3
    bands: int = 40
    rows: int = 3
    min_tokens: int = 50
    max_bucket: int = 200
    seed: int = 42


@dataclass
class CopyClusters:
    """Per text: ``cluster`` (index of its origin text, -1 = no copy),
    ``origin`` (same), ``jaccard`` and ``containment`` against the origin."""

    cluster: np.ndarray
    origin: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    stats: dict[str, int] = field(default_factory=dict)
    shingles: object = None
    sizes: np.ndarray | None = None


def _distinct_sizes(sh, docs: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Distinct shingles of each of ``docs`` (an array over all texts; 0 elsewhere)."""
    n = sh.n
    out = np.zeros(n, np.int64)
    docs = np.unique(np.asarray(docs, np.int64))
    if not len(sh.codes) or not len(docs):
        return out
    sz = sh.sizes[docs]
    idx = _ranges(sh.offsets[docs], sz)
    doc = np.repeat(docs, sz)
    m = int(sh.codes.max()) + 1
    key = np.unique(doc * m + sh.codes[idx])
    out[docs] = np.bincount(key // m, minlength=n)[docs]
    return out


def _subsample(sh: Shingles, every: int) -> Shingles:
    """The shingles whose content hash is 0 modulo ``every`` (the same ones in every text)."""
    keep = (sh.hashes % np.uint64(every)) == 0
    doc = np.repeat(np.arange(sh.n, dtype=np.int64), sh.sizes)
    counts = np.bincount(doc[keep], minlength=sh.n)
    offsets = np.concatenate(([0], np.cumsum(counts))).astype(sh.offsets.dtype)
    return Shingles(offsets, sh.codes[keep], sh.hashes[keep], sh.n_tokens)


def _prefilter(sh: Shingles, a: np.ndarray, b: np.ndarray, params: CopyParams) -> np.ndarray:
    """Candidate pairs worth verifying: Jaccard and containment estimated on 1/8 of the
    shingles (a sketch), with margins of about three standard errors; pairs with too
    few sampled shingles are always kept."""
    sub = _subsample(sh, 8)
    js = jaccard_pairs(sub, a, b)
    ss = _distinct_sizes(sub, np.concatenate((a, b)))
    cs = _containment(js, ss[a], ss[b])
    small = np.minimum(ss[a], ss[b]) < 30
    return small | (js >= params.jaccard - 0.2) | (cs >= params.containment - 0.3)


def _containment(j: np.ndarray, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
    inter = j * (na + nb) / (1.0 + j)
    return np.where(np.minimum(na, nb) > 0, inter / np.maximum(np.minimum(na, nb), 1), 0.0)


def _origins(comp: np.ndarray, inc: np.ndarray, key: np.ndarray, sites: list[str] | None,
             credits: list[set[str]] | None) -> np.ndarray:
    n = len(comp)
    order = np.lexsort((np.arange(n), key, comp))
    first = np.full(comp.max() + 1, -1, dtype=np.int64)
    for i in order[::-1]:  # earliest last: it wins
        if inc[i]:
            first[comp[i]] = i
    if sites is None or credits is None:
        return first
    members: dict[int, list[int]] = {}
    for i in order:
        if inc[i]:
            members.setdefault(int(comp[i]), []).append(int(i))
    for c, mem in members.items():
        names = {sites[i] for i in mem}
        for i in mem:  # in time order: the first page that credits no other site of the cluster
            if not (credits[i] & (names - {sites[i]})):
                first[c] = i
                break
    return first


def find_copies(
    texts: list[str | None] | pa.Array,
    times: list[int] | np.ndarray,
    params: CopyParams | None = None,
    sites: np.ndarray | None = None,
) -> CopyClusters:
    """Cluster article bodies into copies; ``times`` (µs) pick the origins
    (refine them with :func:`set_origins`). With ``sites`` (an integer code per
    text), pairs on one site are not compared: copies are across sites, and a
    site's own pages share its boilerplate."""
    params = params or CopyParams()
    arr = texts if isinstance(texts, pa.Array) else pa.array(texts, pa.string())
    norm = normalize_text_array(arr)
    sh = shingle(norm, params.shingle)
    n = sh.n
    t = np.asarray(times, dtype=np.int64)
    eligible = np.flatnonzero((sh.n_tokens >= params.min_tokens) & (sh.sizes > 0))
    lsh = NearTextParams(threshold=params.jaccard, shingle=params.shingle, bands=params.bands,
                         rows=params.rows, max_bucket=params.max_bucket, seed=params.seed)
    a, b = candidate_pairs(sh, eligible, lsh)
    n_cand = len(a)
    if sites is not None:
        st = np.asarray(sites)
        cross = st[a] != st[b]
        a, b = a[cross], b[cross]
    if len(a):
        worth = _prefilter(sh, a, b, params)
        a, b = a[worth], b[worth]
    j = jaccard_pairs(sh, a, b)
    size = _distinct_sizes(sh, np.concatenate((a, b)))
    c = _containment(j, size[a], size[b])
    ok = (j >= params.jaccard - 1e-12) | (c >= params.containment - 1e-12)
    va, vb = a[ok], b[ok]
    cluster = np.full(n, -1, dtype=np.int64)
    jac = np.zeros(n)
    con = np.zeros(n)
    if n and len(va):
        g = coo_matrix((np.ones(len(va), dtype=np.int8), (va, vb)), shape=(n, n))
        _, comp = connected_components(g, directed=False)
        counts = np.bincount(comp)
        inc = counts[comp] >= 2
        first = _origins(comp, inc, t, None, None)
        cluster[inc] = first[comp[inc]]
        _similarities(sh, size, cluster, jac, con)
    stats = {"texts": int(n), "too_short": int(n - len(eligible)), "candidate_pairs": int(n_cand),
             "verified_candidates": int(len(a)),
             "verified_pairs": int(len(va)), "in_clusters": int((cluster >= 0).sum()),
             "clusters": int(len(np.unique(cluster[cluster >= 0])))}
    return CopyClusters(cluster, cluster.copy(), np.round(jac, 6), np.round(con, 6), stats, sh, size)


def _similarities(sh, size: np.ndarray, cluster: np.ndarray, jac: np.ndarray, con: np.ndarray) -> None:  # type: ignore[no-untyped-def]
    members = np.flatnonzero(cluster >= 0)
    org = cluster[members]
    need = np.concatenate((members, org))
    if (size[need] == 0).any():
        size[:] = np.maximum(size, _distinct_sizes(sh, need))
    jj = jaccard_pairs(sh, members, org)
    jac[members] = jj
    con[members] = _containment(jj, size[members], size[org])
    jac[members[members == org]] = 1.0
    con[members[members == org]] = 1.0


def set_origins(r: CopyClusters, times: np.ndarray, sites: list[str], credits: list[set[str]],
                imprecise: np.ndarray | None = None) -> CopyClusters:
    """``r`` with each cluster's origin re-chosen: the earliest page crediting no other
    site of the cluster, day-precision times at the end of their day (module docstring)."""
    n = len(r.cluster)
    comp = np.where(r.cluster >= 0, r.cluster, np.arange(n))
    inc = r.cluster >= 0
    key = np.asarray(times, np.int64) + (
        np.asarray(imprecise, bool) * (86_400_000_000 - 1) if imprecise is not None else 0)
    first = _origins(comp, inc, key, sites, credits) if n else np.zeros(0, np.int64)
    cluster = np.full(n, -1, dtype=np.int64)
    cluster[inc] = first[comp[inc]]
    jac, con = np.zeros(n), np.zeros(n)
    if inc.any():
        _similarities(r.shingles, r.sizes, cluster, jac, con)
    return CopyClusters(cluster, cluster.copy(), np.round(jac, 6), np.round(con, 6), r.stats, r.shingles, r.sizes)
