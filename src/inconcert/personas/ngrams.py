"""Hashed character n-gram counts, vectorised over the UTF-8 bytes of an Arrow
string array (no Python loop per text).

The texts' UTF-8 bytes are decoded to code points with numpy (lead bytes and
their continuation bytes), every n-gram of ``lo..hi`` code points that stays
inside its text gets a 64-bit rolling hash (FNV-1a over code points, then the
splitmix64 finaliser) whose top bits pick one of ``2**bits`` buckets, and the
counts are summed per *group* of texts (a text, an account, a chunk: any
labelling) into a sparse matrix. Case and whitespace are kept as written
(two spaces are a habit, not noise).

Measured against scikit-learn's ``HashingVectorizer(analyzer="char")`` in
``benchmarks/bench_personas_speed.py --ngrams``: 3.1× fewer CPU seconds on
100,000 tweets-like texts (see ``benchmarks/RESULTS.md``).

References: G. Fowler, L. C. Noll, K.-P. Vo, "FNV hash" (FNV-1a); S. Vigna,
"splitmix64" finaliser (from G. Steele et al., "Fast splittable pseudorandom
number generators", OOPSLA 2014); K. Weinberger et al., "Feature hashing for
large scale multitask learning", ICML 2009.

>>> import pyarrow as pa
>>> m = ngram_counts(pa.array(["abab", "b"]), lo=1, hi=2, bits=12)
>>> m.shape, m.sum(axis=1).A.ravel().tolist()   # 4 + 3 and 1 + 0 n-grams
((2, 4096), [7.0, 1.0])
>>> int(m[0, ngram_bucket("ab", bits=12)]), int(m[1, ngram_bucket("b", bits=12)])
(2, 1)
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

__all__ = ["ngram_counts", "ngram_bucket", "codepoints"]

_OFFSET = np.uint64(0xCBF29CE484222325)
_PRIME = np.uint64(0x100000001B3)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_M64 = (1 << 64) - 1


def codepoints(arr: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """(code points of all texts concatenated as uint64, offsets into them per text); nulls are empty.

    >>> cp, off = codepoints(pa.array(["aé", None, "€😂"]))
    >>> cp.tolist(), off.tolist()
    ([97, 233, 8364, 128514], [0, 2, 2, 4])
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type not in (pa.string(), pa.large_string()):
        arr = arr.cast(pa.string())
    if arr.null_count:
        arr = pc.fill_null(arr, "")
    n = len(arr)
    if n == 0:
        return np.zeros(0, np.uint64), np.zeros(1, np.int64)
    off_t = np.int64 if arr.type == pa.large_string() else np.int32
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=off_t)[arr.offset: arr.offset + n + 1].astype(np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(bufs[2], dtype=np.uint8)[start:end] if bufs[2] is not None else np.zeros(0, np.uint8)
    offsets -= start
    lead = (data & 0xC0) != 0x80
    pos = np.flatnonzero(lead)
    cp = data[pos].astype(np.uint64)
    wide = np.flatnonzero(cp >= 0x80)  # decode only the multi-byte characters
    if len(wide):
        b = np.concatenate([data, np.zeros(3, np.uint8)]).astype(np.uint64)
        p = pos[wide]
        b0, c1, c2, c3 = b[p], b[p + 1] & np.uint64(0x3F), b[p + 2] & np.uint64(0x3F), b[p + 3] & np.uint64(0x3F)
        six, twelve, eighteen = np.uint64(6), np.uint64(12), np.uint64(18)
        v = np.where((b0 >> np.uint64(5)) == 6, ((b0 & np.uint64(0x1F)) << six) | c1,
                     np.where((b0 >> np.uint64(4)) == 14, ((b0 & np.uint64(0x0F)) << twelve) | (c1 << six) | c2,
                              ((b0 & np.uint64(0x07)) << eighteen) | (c1 << twelve) | (c2 << six) | c3))
        cp[wide] = v
    cl = np.concatenate([[0], np.cumsum(lead, dtype=np.int64)])
    return cp, cl[offsets]


def _finish(h: np.ndarray, bits: int) -> np.ndarray:
    """splitmix64 finaliser of ``h``, top ``bits`` bits (as int64)."""
    f = h >> np.uint64(30)
    f ^= h
    f *= _MIX1
    f ^= f >> np.uint64(27)
    f *= _MIX2
    f ^= f >> np.uint64(31)
    f >>= np.uint64(64 - bits)
    return f.view(np.int64)


def ngram_bucket(gram: str, bits: int = 22) -> int:
    """The bucket of one n-gram (the same as :func:`ngram_counts` gives it).

    >>> 0 <= ngram_bucket("the ") < 2**22
    True
    """
    h = 0xCBF29CE484222325
    for ch in gram:
        h = ((h ^ ord(ch)) * 0x100000001B3) & _M64
    f = h ^ (h >> 30)
    f = (f * 0xBF58476D1CE4E5B9) & _M64
    f ^= f >> 27
    f = (f * 0x94D049BB133111EB) & _M64
    f ^= f >> 31
    return f >> (64 - bits)


def ngram_counts(
    arr: pa.Array | pa.ChunkedArray,
    lo: int = 1,
    hi: int = 4,
    bits: int = 22,
    groups: np.ndarray | None = None,
    n_groups: int | None = None,
) -> sp.csr_matrix:
    """Counts of the hashed character ``lo..hi``-grams of every text, summed per group.

    ``groups[t]`` is the row of text ``t`` (default: one row per text); rows are
    ``0..n_groups-1``. A float32 CSR matrix with ``2**bits`` columns, indices sorted.
    """
    cp, off = codepoints(arr)
    n_texts = len(off) - 1
    if groups is None:
        groups = np.arange(n_texts, dtype=np.int64)
        n_groups = n_texts
    elif n_groups is None:
        n_groups = int(groups.max()) + 1 if len(groups) else 0
    lens = np.diff(off)
    nc = len(cp)
    if nc == 0 or hi < lo:
        return sp.csr_matrix((n_groups, 2**bits), dtype=np.float32)
    base = np.repeat(np.asarray(groups, dtype=np.int64) << bits, lens)  # row of each code point, shifted
    rem = np.repeat(off[1:], lens) - np.arange(nc, dtype=np.int64)  # code points left in its text
    cp_pad = np.concatenate([cp, np.zeros(hi, np.uint64)])
    m = hi - lo + 1
    keys = np.empty(m * nc, dtype=np.int64)
    valid = np.empty(m * nc, dtype=bool)
    h = np.full(nc, _OFFSET, dtype=np.uint64)
    for n in range(1, hi + 1):
        h ^= cp_pad[n - 1: n - 1 + nc]
        h *= _PRIME
        if n >= lo:
            out = keys[(n - lo) * nc: (n - lo + 1) * nc]
            out[:] = _finish(h, bits)
            out += base
            np.greater_equal(rem, n, out=valid[(n - lo) * nc: (n - lo + 1) * nc])
    # every n's keys are in row order already: a stable sort (timsort) merges them fast
    key = np.sort(keys[valid], kind="stable")
    del keys, valid, base, rem
    if len(key) == 0:
        return sp.csr_matrix((n_groups, 2**bits), dtype=np.float32)
    new = np.concatenate([[True], key[1:] != key[:-1]])
    starts = np.flatnonzero(new)
    counts = np.diff(np.append(starts, len(key))).astype(np.float32)
    uk = key[starts]
    ur = uk >> bits
    indptr = np.concatenate([[0], np.cumsum(np.bincount(ur, minlength=n_groups))]).astype(np.int64)
    return sp.csr_matrix((counts, (uk & ((1 << bits) - 1)).astype(np.int32), indptr), shape=(n_groups, 2**bits))
