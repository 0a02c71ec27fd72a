"""Copies of one article across sites: MinHash-LSH candidates, verified by Jaccard and containment.

Article bodies (normalised, word 3-gram shingles) are candidates when their
MinHash signatures share an LSH band (Broder 1997; Leskovec, Rajaraman &
Ullman, *Mining of Massive Datasets*, ch. 3); a candidate pair is a **copy**
when the Jaccard similarity of the two shingle sets is at least ``jaccard``
*or* its containment — the share of the shorter text's shingles found in the
longer one, ``|A ∩ B| / min(|A|, |B|)`` (Broder 1997) — is at least
``containment``. Containment is what keeps a truncated copy, or one wrapped
in an added intro and the copying site's own lines, together with its
origin: Jaccard falls with every added or removed paragraph, containment
does not. A third rule keeps a **partial copy** — one whose start and end
were rewritten, with only its middle kept word for word — when the two
texts share at least ``min_shared`` shingles (a verbatim passage of about
that many words: two texts written apart share a few quoted phrases and
names, not a hundred word 3-grams) that are at least
``partial_containment`` of the shorter one (so a long article quoting a
paragraph of another is not its copy), **not counting template text**: the
shingles found on a quarter or more of a site's pages (of up to
:data:`_TEMPLATE_SAMPLE` sampled, at least three) are its template's
(about boxes, newsletter and comment forms that boilerplate removal let
through; template detection by frequency across a site's pages, Bar-Yossef
& Rajagopalan 2002), and two sites on one CMS theme share a hundred of those.
Such a pair has a Jaccard similarity near 0.25, which the LSH bands find
only half the time, so candidates also come from a **passage index**: one
shingle in :data:`_SAMPLE_EVERY`, chosen by its fingerprint (0-mod-p
sampling, Manber 1994), and two texts of different sites that share
:data:`_SAMPLED_MIN` of these are candidates (a shared passage of 100 words
holds about six; a sampled shingle on more than :data:`_SAMPLED_MAX_BUCKET`
texts, a template's, is not used). The partial-copy rule is checked only on
the pairs of this index. Candidates are first screened on their MinHash signatures
(Jaccard estimated from the share of equal values, containment from it and
the set sizes, with margins of about four standard errors), so only
plausible pairs are verified on the whole sets. Copies form clusters
(connected components); a cluster's **origin** is its earliest page (ties:
the earlier input row) among the pages that credit no other site of the
cluster (a page that names or links the site it copied is not the origin,
whatever its clock says), with a page whose time is known only to the day
placed at the end of that day in every time zone (``imprecise``; 36 h after
00:00 UTC of the date): it cannot be shown to be first.

**Bounded memory** (:class:`CopySearch`): texts come in chunks; of each text
only its sorted distinct shingle *fingerprints* (40 bits of the shingle's
64-bit content hash) and its MinHash signature are kept, both in files of a
temporary folder, never in memory; what stays in memory is a few numbers
per text (sizes, times, site code, one 32-bit key per LSH band, and the
passage index's sampled shingles, 8 bytes each, ~1/16 of its shingles:
~200 bytes a text plus ~8 bytes per 16 shingles). Candidates are formed band by band and deduplicated as they come;
verification reads the two sets of each pair from the fingerprint file, a
bounded slice of pairs at a time. Two different shingles share a 40-bit
fingerprint with probability 2⁻⁴⁰, so a set of 500 shingles compared with
another has a spurious common shingle about once in 4·10⁶ pairs: the
similarities are exact for all practical purposes.

>>> body = " ".join(f"w{i}" for i in range(150))
>>> r = find_copies([body, "intro words here " + body, body[: len(body) // 2], "other " * 60],
...                 [10, 20, 30, 40])
>>> r.cluster.tolist()
[0, 0, 0, -1]
>>> [round(x, 2) for x in r.containment.tolist()[:3]]
[1.0, 1.0, 0.99]
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from inconcert.normalize.text import normalize_text_array
from inconcert.textsim.minhash import (
    _pairs_in_groups,
    _ranges,
    _sorted_unique,
    _splitmix,
    _token_hashes,
    bucket_pairs,
    segment_minhash,
    tokenize,
)

__all__ = ["CopyParams", "CopyClusters", "CopySearch", "find_copies", "set_origins"]

_U64 = np.uint64
_GOLDEN = _U64(0x9E3779B97F4A7C15)
_FP_BITS = 40
_FP_MASK = _U64((1 << _FP_BITS) - 1)
#: texts shingled at a time; fingerprints compared per slice of verification
_TEXTS_PER_CHUNK = 5_000
_VERIFY_FPS = 4_000_000
_PAIRS_PER_SLICE = 1_000_000
#: candidate pairs held before they are deduplicated across bands
_PAIR_BUFFER = 20_000_000
#: pairs of the passage index made at a time (a batch of its buckets)
_PASSAGE_BATCH = 4_000_000
_NONE: frozenset[str] = frozenset()
#: threads sketching chunks of texts at once
_THREADS = 2
#: pages of a site whose shingles tell its template's (partial copies only)
_TEMPLATE_SAMPLE = 16
#: one shingle in this many (by fingerprint) indexes the texts for passages they share (a power of 2)
_SAMPLE_EVERY = 16
#: texts sharing this many sampled shingles are candidates; a sampled shingle on more texts is not used
_SAMPLED_MIN = 3
_SAMPLED_MAX_BUCKET = 64


@dataclass(frozen=True)
class CopyParams:
    """Settings of the copy search.

    jaccard, containment: a pair is a copy when either reaches its threshold, or
    when it shares at least ``min_shared`` shingles that are at least
    ``partial_containment`` of the shorter text (a partial copy).
    shingle: words per shingle. bands, rows: LSH banding (40 × 3 finds a pair
    with Jaccard 0.5 with probability 0.995, 0.3 with 0.66).
    min_tokens: bodies shorter than this are not articles (menus, stubs).
    max_bucket: an LSH bucket of more texts than this is linked as a star and a
    chain instead of all pairs. seed: seeds the MinHash permutations.

    >>> CopyParams().containment
    0.8
    """

    jaccard: float = 0.5
    containment: float = 0.8
    min_shared: int = 100
    partial_containment: float = 0.3
    shingle: int = 3
    bands: int = 40
    rows: int = 3
    min_tokens: int = 50
    max_bucket: int = 200
    seed: int = 42


@dataclass
class CopyClusters:
    """Per text: ``cluster`` (index of its origin text, -1 = no copy),
    ``origin`` (same), ``jaccard`` and ``containment`` against the origin;
    ``stats`` for ``summary.json``; ``search`` the :class:`CopySearch` that
    found them (for :func:`set_origins`)."""

    cluster: np.ndarray
    origin: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    stats: dict[str, int] = field(default_factory=dict)
    search: CopySearch | None = None


def _fingerprints(norm: pa.Array, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(counts, fps, n_tokens)`` of normalised texts: each text's sorted distinct
    ``k``-shingle fingerprints, concatenated (``counts`` per text), and its token count.
    A text of fewer than ``k`` tokens has no shingles (it is too short to be an article)."""
    m = len(norm)
    tok = tokenize(norm)
    ln = pc.fill_null(pc.list_value_length(tok), 0).to_numpy().astype(np.int64)
    flat = pc.list_flatten(tok)
    empty = pc.equal(pc.utf8_length(flat), 0)
    if len(flat) and pc.any(empty).as_py():
        keep_tok = pc.invert(empty)
        doc = np.repeat(np.arange(m, dtype=np.int64), ln)
        ln = np.bincount(doc[keep_tok.to_numpy(zero_copy_only=False)], minlength=m).astype(np.int64)
        flat = flat.filter(keep_tok)
    if not len(flat):
        return np.zeros(m, np.int64), np.zeros(0, _U64), ln
    enc = pc.dictionary_encode(flat)
    tid = enc.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    th = _token_hashes(enc.dictionary)
    doc = np.repeat(np.arange(m, dtype=np.int64), ln)
    rem = np.cumsum(ln)[doc] - np.arange(len(tid), dtype=np.int64)  # tokens left from here on
    h = th[tid]
    with np.errstate(over="ignore"):
        for j in range(1, k):  # the same content hash as inconcert.textsim.minhash.shingle
            nxt = np.zeros_like(tid)
            nxt[:-j] = tid[j:]
            h = _splitmix(h * _GOLDEN + np.where(rem > j, th[nxt], _U64(0)))
    keep = rem >= k
    key = _sorted_unique((doc[keep].astype(_U64) << _U64(_FP_BITS)) | (h[keep] >> _U64(64 - _FP_BITS)))
    counts = np.bincount((key >> _U64(_FP_BITS)).astype(np.int64), minlength=m).astype(np.int64)
    return counts, key & _FP_MASK, ln


def _sketch(arr: pa.Array, p: CopyParams, ra: np.ndarray, rb: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(counts, fingerprints, n_tokens, signatures, band keys, sampled)`` of one chunk of texts
    (``sampled``: ``(text, fingerprint)`` of the shingles whose fingerprint is 0 mod :data:`_SAMPLE_EVERY`)."""
    counts, fps, ntok = _fingerprints(normalize_text_array(arr), p.shingle)
    m = len(counts)
    sig = np.full((m, len(ra)), np.iinfo(np.uint32).max, np.uint32)
    has = np.flatnonzero(counts > 0)
    if len(has):
        sig[has] = segment_minhash(fps, (np.cumsum(counts) - counts)[has], ra, rb).T
    keys = np.empty((p.bands, m), np.uint32)
    with np.errstate(over="ignore"):
        for band in range(p.bands):
            key = np.zeros(m, dtype=_U64)
            for r in range(p.rows):
                key = _splitmix(key * _GOLDEN + sig[:, band * p.rows + r].astype(_U64))
            keys[band] = (key >> _U64(32)).astype(np.uint32)
    pick = (fps & _U64(_SAMPLE_EVERY - 1)) == 0
    doc = np.repeat(np.arange(m, dtype=np.int32), counts)[pick]
    sampled = np.stack((doc.astype(np.uint32), (fps[pick] >> _U64(4)).astype(np.uint32)))
    return counts, fps, ntok, sig, keys, sampled


class _Appender:
    """A file of one dtype, appended to, read back through a fresh memory map."""

    def __init__(self, path: Path, dtype: Any, width: int = 1) -> None:
        self.path, self.dtype, self.width = path, np.dtype(dtype), width
        self.rows = 0
        self._fh: Any = open(path, "wb")  # noqa: SIM115 - closed in finish()

    def append(self, a: np.ndarray) -> None:
        a = np.ascontiguousarray(a, dtype=self.dtype)
        self._fh.write(a.tobytes())
        self.rows += len(a)

    def finish(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def take(self, idx: np.ndarray) -> np.ndarray:
        """Rows ``idx`` (a memory map opened for this read only: the pages it touches are not kept)."""
        if not len(idx) or not self.rows:
            return np.zeros((0, self.width) if self.width > 1 else 0, self.dtype)
        shape = (self.rows, self.width) if self.width > 1 else (self.rows,)
        mm = np.memmap(self.path, self.dtype, "r", shape=shape)
        out = np.asarray(mm[idx])
        del mm
        return out


class CopySearch:
    """The copy search over texts given chunk by chunk, in bounded memory (module docstring).

    >>> body = " ".join(f"w{i}" for i in range(120))
    >>> cs = CopySearch()
    >>> cs.add(["x " * 80, body], [0, 5], [0, 1])
    >>> cs.add([body + " the end"], [9], [2])
    >>> cs.find().cluster.tolist()
    [-1, 1, 1]
    >>> cs.close()
    """

    def __init__(self, params: CopyParams | None = None, workdir: str | Path | None = None) -> None:
        self.params = params or CopyParams()
        self._dir = Path(tempfile.mkdtemp(prefix="inconcert-copies-", dir=workdir))
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._dir), True)
        p = self.params
        rng = np.random.default_rng(p.seed)
        nperm = p.bands * p.rows
        self._ra = rng.integers(0, 2**64 - 1, size=nperm, dtype=_U64, endpoint=True) | _U64(1)
        self._rb = rng.integers(0, 2**64 - 1, size=nperm, dtype=_U64, endpoint=True)
        self._fps = _Appender(self._dir / "fingerprints.u64", _U64)
        self._sig = _Appender(self._dir / "signatures.u32", np.uint32, nperm)
        self._counts: list[np.ndarray] = []
        self._ntok: list[np.ndarray] = []
        self._times: list[np.ndarray] = []
        self._sites: list[np.ndarray] = []
        self._keys: list[np.ndarray] = []
        self._sampled: list[np.ndarray] = []
        self.n = 0
        self._n_added = 0
        self._pool: ThreadPoolExecutor | None = None
        self._pending: deque[Future[tuple[np.ndarray, ...]]] = deque()
        self.sizes = np.zeros(0, np.int64)
        self.offsets = np.zeros(1, np.int64)

    def add(self, texts: Sequence[str | None] | pa.Array | pa.ChunkedArray, times: Sequence[int] | np.ndarray,
            sites: Sequence[int] | np.ndarray | None = None) -> None:
        """Add texts (with their times in µs and an integer site code each; no codes: each text its own site)."""
        arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(list(texts), pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        t = np.asarray(times, dtype=np.int64)
        st = np.asarray(sites, dtype=np.int64) if sites is not None else np.arange(self._n_added, self._n_added + len(arr))
        if len(t) != len(arr) or len(st) != len(arr):
            raise ValueError("texts, times and sites must have one value per text")
        for i in range(0, len(arr), _TEXTS_PER_CHUNK):
            self._add_chunk(arr.slice(i, _TEXTS_PER_CHUNK))
        self._times.append(t)
        self._sites.append(st)
        self._n_added += len(arr)

    def _add_chunk(self, arr: pa.Array) -> None:
        """Sketch one chunk in a worker thread (NumPy and Arrow release the GIL); the
        results are written in input order, at most one chunk per thread pending."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(_THREADS)
        self._pending.append(self._pool.submit(_sketch, arr, self.params, self._ra, self._rb))
        while len(self._pending) > _THREADS:
            self._store(self._pending.popleft().result())

    def _drain(self) -> None:
        while self._pending:
            self._store(self._pending.popleft().result())
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _store(self, sk: tuple[np.ndarray, ...]) -> None:
        counts, fps, ntok, sig, keys, sampled = sk
        self._sampled.append(np.stack((sampled[0] + np.uint32(self.n), sampled[1])))
        self._fps.append(fps)
        self._sig.append(sig)
        self._keys.append(keys)
        self._counts.append(counts)
        self._ntok.append(ntok)
        self.n += len(counts)

    # -- reading back ------------------------------------------------------------------
    def _sets(self, docs: np.ndarray) -> np.ndarray:
        return self._fps.take(_ranges(self.offsets[docs], self.sizes[docs]))

    def similarities(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(jaccard, containment)`` of the fingerprint sets of texts ``a[i]`` and ``b[i]``."""
        a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
        jac, con = np.zeros(len(a)), np.zeros(len(a))
        if not len(a):
            return jac, con
        cost = np.cumsum(self.sizes[a] + self.sizes[b])
        lo = 0
        while lo < len(a):
            hi = int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + _VERIFY_FPS, side="right"))
            hi = min(max(hi, lo + 1), lo + (1 << 22))
            m = hi - lo
            na, nb = self.sizes[a[lo:hi]], self.sizes[b[lo:hi]]
            inter = np.bincount(self._shared(a[lo:hi], b[lo:hi])[0], minlength=m)
            union = na + nb - inter
            jac[lo:hi] = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
            small = np.minimum(na, nb)
            con[lo:hi] = np.where(small > 0, inter / np.maximum(small, 1), 0.0)
            lo = hi
        return jac, con

    def _shared(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(pair, fingerprint)`` of every shingle texts ``a[i]`` and ``b[i]`` share (pairs of small sets)."""
        na, nb = self.sizes[a], self.sizes[b]
        pair = np.arange(len(a), dtype=_U64) << _U64(_FP_BITS)
        k = np.concatenate((np.repeat(pair, na) | self._sets(a), np.repeat(pair, nb) | self._sets(b)))
        k.sort(kind="stable")  # two sorted runs: one merge pass (timsort)
        dup = k[1:][k[1:] == k[:-1]]
        return (dup >> _U64(_FP_BITS)).astype(np.int64), dup & _FP_MASK

    def _shared_beyond_template(self, a: np.ndarray, b: np.ndarray, sites: np.ndarray,
                                eligible: np.ndarray) -> np.ndarray:
        """Shingles texts ``a[i]`` and ``b[i]`` share that are in neither site's template
        (module docstring), for the few pairs that only the partial-copy rule could keep."""
        need, dense = np.unique(np.concatenate((sites[a], sites[b])), return_inverse=True)
        da, db = dense[: len(a)], dense[len(a):]
        el = eligible[np.isin(sites[eligible], need)]
        el = el[np.argsort(sites[el], kind="stable")]  # by site, in input order within a site
        starts = np.searchsorted(sites[el], need)
        ends = np.searchsorted(sites[el], need, side="right")
        parts = []
        for d, (lo, hi) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
            sample = el[lo : min(hi, lo + _TEMPLATE_SAMPLE)]
            if len(sample) < 3:
                continue
            fp, cnt = np.unique(self._sets(sample), return_counts=True)
            parts.append((_U64(d) << _U64(_FP_BITS)) | fp[cnt >= max(2, -(-len(sample) // 4))])
        template = np.sort(np.concatenate(parts)) if parts else np.zeros(0, _U64)
        out = np.zeros(len(a), np.int64)
        for lo in range(0, len(a), 20_000):
            hi = min(lo + 20_000, len(a))
            pi, fp = self._shared(a[lo:hi], b[lo:hi])
            in_t = np.zeros(len(fp), bool)
            for dd in (da[lo:hi], db[lo:hi]):
                key = (dd[pi].astype(_U64) << _U64(_FP_BITS)) | fp
                pos = np.minimum(np.searchsorted(template, key), max(len(template) - 1, 0))
                in_t |= (template[pos] == key) if len(template) else False
            out[lo:hi] = np.bincount(pi[~in_t], minlength=hi - lo)
        return out

    def _estimates(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Jaccard and containment estimated from the MinHash signatures."""
        j = np.zeros(len(a))
        for lo in range(0, len(a), _PAIRS_PER_SLICE // 4):
            sa = self._sig.take(a[lo : lo + _PAIRS_PER_SLICE // 4])
            sb = self._sig.take(b[lo : lo + _PAIRS_PER_SLICE // 4])
            j[lo : lo + len(sa)] = (sa == sb).mean(axis=1)
        na, nb = self.sizes[a], self.sizes[b]
        inter = j * (na + nb) / (1.0 + j)
        c = np.where(np.minimum(na, nb) > 0, inter / np.maximum(np.minimum(na, nb), 1), 0.0)
        return j, c

    def _candidates(self, eligible: np.ndarray, sites: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
        """Distinct pairs (a < b) of eligible texts on different sites sharing an LSH band or
        a passage (:meth:`_passage_candidates`; the last array marks these)."""
        n = self.n
        found: list[np.ndarray] = []
        held, total = 0, 0
        for band in range(self.params.bands):
            a, b = bucket_pairs(self.band_keys[band, eligible], eligible, self.params.max_bucket)
            total += len(a)
            cross = sites[a] != sites[b]
            a, b = a[cross], b[cross]
            found.append(_sorted_unique(np.minimum(a, b) * n + np.maximum(a, b)))
            held += len(found[-1])
            if held > _PAIR_BUFFER and len(found) > 1:  # deduplicate across bands as we go
                found = [_sorted_unique(np.concatenate(found))]
                held = len(found[0])
        passage = self._passage_candidates(eligible, sites)
        found.append(passage)
        allp = _sorted_unique(np.concatenate(found))
        pos = np.minimum(np.searchsorted(passage, allp), max(len(passage) - 1, 0))
        flag = passage[pos] == allp if len(passage) else np.zeros(len(allp), bool)
        return allp // max(n, 1), allp % max(n, 1), total, flag

    def _passage_candidates(self, eligible: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Sorted pair keys (``a * n + b``, a < b) of eligible texts on different sites that share at
        least :data:`_SAMPLED_MIN` sampled shingles: a common passage (0-mod-p sampling,
        Manber 1994; Broder 1997), what the bands miss when start and end were rewritten
        (Jaccard ~0.25: the 40 × 3 bands find such a pair with probability ~0.5)."""
        n = self.n
        if not self._sampled:
            return np.zeros(0, np.int64)
        smp = np.concatenate(self._sampled, axis=1).astype(np.int64)
        self._sampled = []
        ok = np.zeros(n, bool)
        ok[eligible] = True
        smp = smp[:, ok[smp[0]]]
        order = np.argsort(smp[1], kind="stable")
        doc, fp = smp[0][order], smp[1][order]
        if len(fp) < 2:
            return np.zeros(0, np.int64)
        brk = np.flatnonzero(fp[1:] != fp[:-1]) + 1
        gstart = np.concatenate(([0], brk))
        gsize = np.diff(np.concatenate((gstart, [len(fp)])))
        keep = (gsize > 1) & (gsize <= _SAMPLED_MAX_BUCKET)
        if not keep.any():
            return np.zeros(0, np.int64)
        gs, gz = gstart[keep], gsize[keep]
        # Every pair of a bucket is counted, and a pair's shared shingles are spread over many
        # buckets: at 10⁶ pages that is ~10⁸ pairs (8 GB at once). The pairs are made a bounded
        # batch of buckets at a time, and counted in passes over ranges of the first text,
        # so each pass holds at most about _PAIR_BUFFER pairs; one pass below that.
        cum = np.cumsum(gz * (gz - 1) // 2)
        passes = max(1, -(-int(cum[-1]) // _PAIR_BUFFER))
        edges = np.linspace(0, n, passes + 1).astype(np.int64)
        out: list[np.ndarray] = []
        for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
            keys: list[np.ndarray] = []
            start = 0
            while start < len(gs):
                before = int(cum[start - 1]) if start else 0
                end = max(start + 1, int(np.searchsorted(cum, before + _PASSAGE_BATCH, side="right")))
                a, b = _pairs_in_groups(doc, gs[start:end], gz[start:end], _SAMPLED_MAX_BUCKET)
                start = end
                first, second = np.minimum(a, b), np.maximum(a, b)
                sel = (sites[a] != sites[b]) & (first >= lo) & (first < hi)
                keys.append(first[sel] * n + second[sel])
            uk, cnt = np.unique(np.concatenate(keys), return_counts=True)
            out.append(uk[cnt >= _SAMPLED_MIN])
        return np.concatenate(out)  # sorted: the passes are ranges of the first text

    def find(self) -> CopyClusters:
        """Cluster the texts added so far into copies (see the module docstring)."""
        p = self.params
        self._drain()
        self._fps.finish()
        self._sig.finish()
        n = self.n
        self.sizes = np.concatenate(self._counts) if self._counts else np.zeros(0, np.int64)
        self.offsets = np.zeros(n + 1, np.int64)
        np.cumsum(self.sizes, out=self.offsets[1:])
        ntok = np.concatenate(self._ntok) if self._ntok else np.zeros(0, np.int64)
        self.band_keys = np.concatenate(self._keys, axis=1) if self._keys else np.zeros((p.bands, 0), np.uint32)
        self._keys = []
        t = np.concatenate(self._times) if self._times else np.zeros(0, np.int64)
        sites = np.concatenate(self._sites) if self._sites else np.zeros(0, np.int64)
        eligible = np.flatnonzero((ntok >= p.min_tokens) & (self.sizes > 0))
        a, b, n_cand, passage = self._candidates(eligible, sites)
        n_cross = len(a)
        if len(a):  # screen on the signatures: only plausible pairs are verified on the sets
            je, ce = self._estimates(a, b)
            worth = (je >= p.jaccard - 0.2) | (ce >= p.containment - 0.3) | passage
            a, b, passage = a[worth], b[worth], passage[worth]
        j, c = self.similarities(a, b)
        ok = (j >= p.jaccard - 1e-12) | (c >= p.containment - 1e-12)
        small = np.minimum(self.sizes[a], self.sizes[b])
        # partial copies: pairs that share a passage (the sampled index), the rule checked beyond templates
        partial = np.flatnonzero(~ok & passage & (c >= p.partial_containment - 1e-12)
                                 & (c * small >= p.min_shared - 1e-6))
        if len(partial):  # partial copies: what they share beyond their sites' template text
            own = self._shared_beyond_template(a[partial], b[partial], sites, eligible)
            ok[partial] = (own >= p.min_shared) & (own >= p.partial_containment * small[partial] - 1e-9)
        va, vb = a[ok], b[ok]
        keep, compilations = _without_compilations(va, vb, j[ok] >= p.jaccard - 1e-12, self.sizes, n)
        va, vb = va[keep], vb[keep]
        cluster = np.full(n, -1, dtype=np.int64)
        jac, con = np.zeros(n), np.zeros(n)
        if n and len(va):
            g = coo_matrix((np.ones(len(va), dtype=np.int8), (va, vb)), shape=(n, n))
            _, comp = connected_components(g, directed=False)
            inc = np.bincount(comp)[comp] >= 2
            first = _origins(comp, inc, t, None, None)
            cluster[inc] = first[comp[inc]]
            self._against_origin(cluster, jac, con)
        stats = {"texts": int(n), "too_short": int(n - len(eligible)), "candidate_pairs": int(n_cand),
                 "cross_site_candidates": int(n_cross), "verified_candidates": int(len(a)),
                 "verified_pairs": int(len(va)), "compilations": int(compilations),
                 "in_clusters": int((cluster >= 0).sum()),
                 "clusters": int(len(np.unique(cluster[cluster >= 0])))}
        return CopyClusters(cluster, cluster.copy(), np.round(jac, 6), np.round(con, 6), stats, self)

    def _against_origin(self, cluster: np.ndarray, jac: np.ndarray, con: np.ndarray) -> None:
        members = np.flatnonzero(cluster >= 0)
        org = cluster[members]
        jj, cc = self.similarities(members, org)
        jac[members], con[members] = jj, cc
        same = members[members == org]
        jac[same], con[same] = 1.0, 1.0

    def close(self) -> None:
        """Remove the temporary files (also done when the object is collected)."""
        self._drain()
        self._fps.finish()
        self._sig.finish()
        self._finalizer()


def _without_compilations(a: np.ndarray, b: np.ndarray, alike: np.ndarray, sizes: np.ndarray, n: int
                          ) -> tuple[np.ndarray, int]:
    """Which copy pairs ``(a[i], b[i])`` to keep, and how many texts are compilations.

    A pair that is a copy by containment only (``alike`` false: Jaccard below
    the bar) has a *container*, the larger text. A text that contains several
    others is either the origin of truncated copies of one article, which are
    copies of each other too, or a **compilation** — an archive page, a live
    blog, a "page 2" showing many articles in full — which contains different
    articles. Its containment pairs would chain every article it shows into one
    cluster, so they are dropped when what it contains lies in two or more
    clusters of the other pairs. Containers are decided from the smallest up
    (a long truncation joins its article's cluster before the origin that
    contains it is looked at). Assumption: copies of *disjoint* parts of one
    article, with nothing else linking them, look like a compilation and lose
    their containers' pairs (docs/sites.md).

    >>> keep, k = _without_compilations(np.array([0, 0, 3, 4]), np.array([1, 2, 1, 2]),
    ...                                 np.array([False, False, True, True]), np.array([900, 300, 300, 300, 300]), 5)
    >>> keep.tolist(), k
    ([False, False, True, True], 1)
    """
    keep = np.ones(len(a), dtype=bool)
    if not len(a):
        return keep, 0
    container = np.where(sizes[a] >= sizes[b], a, b)
    partner = np.where(container == a, b, a)
    only = ~alike
    ca, cp = container[only], partner[only]
    order = np.lexsort((cp, ca))
    ca, cp, idx = ca[order], cp[order], np.flatnonzero(only)[order]
    starts = np.flatnonzero(np.r_[True, ca[1:] != ca[:-1]])
    ends = np.r_[starts[1:], len(ca)]
    multi = [(int(s), int(e)) for s, e in zip(starts, ends, strict=True) if len(np.unique(cp[s:e])) >= 2]
    if not multi:
        return keep, 0
    held = np.zeros(len(a), dtype=bool)
    for s, e in multi:
        held[idx[s:e]] = True
    base = ~held
    g = coo_matrix((np.ones(int(base.sum()), dtype=np.int8), (a[base], b[base])), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    parent = list(range(int(comp.max()) + 1))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    compilations = 0
    for s, e in sorted(multi, key=lambda r: (int(sizes[ca[r[0]]]), int(ca[r[0]]))):
        roots = {root(int(comp[x])) for x in cp[s:e]}
        if len(roots) == 1:
            r = roots.pop()
            parent[root(int(comp[ca[s]]))] = r
            keep[idx[s:e]] = True
        else:
            keep[idx[s:e]] = False
            compilations += 1
    return keep, compilations


def find_copies(
    texts: list[str | None] | pa.Array,
    times: list[int] | np.ndarray,
    params: CopyParams | None = None,
    sites: np.ndarray | None = None,
) -> CopyClusters:
    """Cluster article bodies into copies; ``times`` (µs) pick the origins
    (refine them with :func:`set_origins`). With ``sites`` (an integer code per
    text), pairs on one site are not compared: copies are across sites, and a
    site's own pages share its boilerplate. One call of :class:`CopySearch`."""
    cs = CopySearch(params)
    cs.add(texts, times, sites)
    return cs.find()


def _origins(comp: np.ndarray, inc: np.ndarray, key: np.ndarray, sites: Sequence[str] | None,
             credits: Sequence[set[str]] | dict[int, set[str]] | None) -> np.ndarray:
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
            cr = credits.get(i, _NONE) if isinstance(credits, dict) else credits[i]
            if not (cr & (names - {sites[i]})):
                first[c] = i
                break
    return first


#: A date without time (stored as 00:00 UTC of that date) is over in every time zone only
#: 36 h later (UTC−12 ends it at 12:00 UTC the next day): a page dated so is placed there.
DAY_OVER_EVERYWHERE_US = 36 * 3600 * 1_000_000


def set_origins(r: CopyClusters, times: np.ndarray, sites: Sequence[str],
                credits: Sequence[set[str]] | dict[int, set[str]],
                imprecise: np.ndarray | None = None) -> CopyClusters:
    """``r`` with each cluster's origin re-chosen: the earliest page crediting no other
    site of the cluster, day-precision times at the end of their day (module docstring).
    ``credits``: the sites each text credits (a list, or a dict of the texts that credit any)."""
    n = len(r.cluster)
    comp = np.where(r.cluster >= 0, r.cluster, np.arange(n))
    inc = r.cluster >= 0
    key = np.asarray(times, np.int64) + (
        np.asarray(imprecise, bool) * (DAY_OVER_EVERYWHERE_US - 1) if imprecise is not None else 0)
    first = _origins(comp, inc, key, sites, credits) if n else np.zeros(0, np.int64)
    cluster = np.full(n, -1, dtype=np.int64)
    cluster[inc] = first[comp[inc]]
    jac, con = np.zeros(n), np.zeros(n)
    if inc.any() and r.search is not None:
        r.search._against_origin(cluster, jac, con)
    return CopyClusters(cluster, cluster.copy(), np.round(jac, 6), np.round(con, 6), r.stats, r.search)
