"""Near-duplicate texts at scale: shingles, MinHash + LSH banding, exact Jaccard, clusters.

The method (Broder 1997, "On the resemblance and containment of documents";
Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*, ch. 3):

1. **Tokens.** Texts (already normalised by :mod:`inconcert.normalize.text`)
   are split on spaces. Scripts written without spaces (Han, Hiragana,
   Katakana, Thai, Lao, Khmer, Myanmar) are split into single characters, and
   emoji runs are split off the words they are glued to, so ``"wow🔥"`` is the
   two tokens ``wow`` and ``🔥``.
2. **Shingles.** The set of ``k`` consecutive tokens (``k = 2`` by default: word
   bigrams, and character bigrams for CJK). Each distinct shingle gets an exact
   integer id (no hashing), so the Jaccard similarity computed later is exact.
3. **MinHash + LSH.** Every shingle also gets a 64-bit content hash (BLAKE2b of
   its tokens); ``bands × rows`` multiply-shift permutations of it give the
   MinHash signature, computed one band at a time with ``np.minimum.reduceat``
   (memory stays O(shingles)). Texts whose signatures agree on a whole band are
   candidates. A pair with Jaccard ``s`` becomes a candidate with probability
   ``1 - (1 - s**rows)**bands``; the defaults (20 bands × 3 rows) give 0.99 at
   s = 0.5 and 0.70 at s = 0.3.
4. **Exact verification.** Every candidate pair's true Jaccard similarity of
   shingle sets is computed (vectorised sort-and-count); pairs below
   ``threshold`` are dropped, so a reported near-duplicate is never a hash
   accident. An **edited copy** (a few words of a script changed in every
   copy: a quarter of the words changed leaves about a third of the bigrams)
   is kept too: a pair below ``threshold`` whose bigram sets are at least
   ``edited_min`` similar and whose *word* sets are at least ``threshold``
   similar; its ``similarity`` is then the word Jaccard. Both conditions are
   needed: the words alone match texts made of the same words in another
   order (a soup of the same hashtags; two headlines sharing a frame).
5. **Clusters.** Connected components of the verified pairs
   (:func:`scipy.sparse.csgraph.connected_components`); a cluster is labelled by
   its smallest text index.

Buckets larger than ``max_bucket`` (one text in thousands of distinct variants)
are not expanded into all pairs: each member is paired with the bucket's first
member and with its neighbour, which keeps the cost linear and still joins the
bucket when the variants are similar to each other.

>>> r = near_duplicate_clusters(["a b c d e f", "a b c d e f g", "x y z w v u"])
>>> r.labels.tolist(), [round(s, 3) for s in r.similarity.tolist()]
([0, 0, 2], [0.833])
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

__all__ = [
    "NearTextParams",
    "NearTextResult",
    "Shingles",
    "tokenize",
    "shingle",
    "candidate_pairs",
    "bucket_pairs",
    "segment_minhash",
    "jaccard_pairs",
    "copy_similarity",
    "near_duplicate_clusters",
    "candidate_probability",
]

#: Scripts written without spaces between words: every character is a token.
_NO_SPACE_SCRIPTS = r"([\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}])"
#: Emoji (and their modifiers / zero-width joiners) are split off adjacent words.
_EMOJI_RUN = r"([\p{So}\p{Sk}\x{200d}]+)"
_SPLIT_OFF = _NO_SPACE_SCRIPTS[:-1] + "|" + _EMOJI_RUN[1:]

_U64 = np.uint64
_CHUNK = 2_000_000  # tokens / shingles per chunk of vectorised work
_TEXT_CHUNK = 200_000  # texts tokenised at a time
_GOLDEN = _U64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class NearTextParams:
    """Settings of the near-duplicate search (all have evaluated defaults).

    threshold: minimum exact Jaccard similarity of shingle sets (0–1].
    shingle: tokens per shingle (1 = bag of words, 2 = word/character bigrams).
    edited_min: with ``shingle ≥ 2``, a pair whose shingle Jaccard is below
        ``threshold`` but at least this, and whose word sets are at least
        ``threshold`` similar, is an edited copy (0 = only ``threshold``).
    bands, rows: LSH banding; the MinHash signature has ``bands * rows`` values.
    max_bucket: LSH buckets larger than this are linked as a star + chain
        instead of all pairs.
    min_tokens: texts with fewer tokens (CJK: characters) are excluded.
    seed: seeds the MinHash permutations.

    >>> NearTextParams().threshold
    0.5
    """

    threshold: float = 0.5
    shingle: int = 2
    edited_min: float = 0.2
    bands: int = 20
    rows: int = 3
    max_bucket: int = 100
    min_tokens: int = 4
    seed: int = 42

    def __post_init__(self) -> None:
        from inconcert.errors import ConfigError

        problems = []
        numbers = ("threshold", "edited_min")
        for name in ("threshold", "edited_min", "shingle", "bands", "rows", "max_bucket",
                     "min_tokens", "seed"):
            v = getattr(self, name)
            ok = isinstance(v, (int, float)) if name in numbers else isinstance(v, int)
            if not ok or isinstance(v, bool):
                kind = "a number" if name in numbers else "an integer"
                raise ConfigError(f"near_text.{name} must be {kind}, not {v!r}")
        if not 0 < self.threshold <= 1:
            problems.append(f"near-text threshold must be in (0, 1], not {self.threshold}")
        if not 0 <= self.edited_min <= 1:
            problems.append(f"near-text edited_min must be in [0, 1], not {self.edited_min}")
        if not 1 <= self.shingle <= 5:
            problems.append(f"near-text shingle size must be 1–5 tokens, not {self.shingle}")
        if self.bands < 1 or self.rows < 1:
            problems.append("near-text bands and rows must be ≥ 1")
        if self.max_bucket < 2:
            problems.append("near-text max_bucket must be ≥ 2")
        if problems:
            raise ConfigError("; ".join(problems))


@dataclass
class Shingles:
    """Shingles of ``n`` texts in CSR form.

    ``codes[offsets[i]:offsets[i+1]]`` are text i's shingles as exact integer
    codes (equal codes ⇔ equal token sequences; a text may repeat one);
    ``hashes`` the matching 64-bit content hashes (the MinHash input);
    ``n_tokens[i]`` text i's token count.
    """

    offsets: np.ndarray
    codes: np.ndarray
    hashes: np.ndarray
    n_tokens: np.ndarray

    @property
    def n(self) -> int:
        return len(self.offsets) - 1

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)


@dataclass
class NearTextResult:
    """Output of :func:`near_duplicate_clusters`.

    labels: cluster label per text (smallest text index in the cluster; -1 =
        excluded as too short). a, b, similarity: the verified pairs (a < b).
    """

    labels: np.ndarray
    a: np.ndarray
    b: np.ndarray
    similarity: np.ndarray
    shingles: Shingles
    stats: dict[str, int] = field(default_factory=dict)


def tokenize(texts: pa.Array | pa.ChunkedArray | list[str | None]) -> pa.ListArray:
    """Split normalised texts into tokens (CJK/Thai: one character per token; emoji split off).

    The lists may hold empty strings (where separators meet); callers skip them.

    >>> [[t for t in x if t] if x else x for x in tokenize(["我爱你 ok", "wow🔥🔥 yes", None]).to_pylist()]
    [['我', '爱', '你', 'ok'], ['wow', '🔥🔥', 'yes'], None]
    """
    arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(texts, pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    x = pc.replace_substring_regex(arr, pattern=_SPLIT_OFF, replacement=r" \1 ")
    return pc.split_pattern(x, " ")


def _splitmix(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser, elementwise on uint64 (wraps silently)."""
    with np.errstate(over="ignore"):
        x = x + _GOLDEN
        x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
        return x ^ (x >> _U64(31))


def _sorted_unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values (sort-based; faster than ``np.unique`` here)."""
    x = np.sort(x)
    if len(x) < 2:
        return x
    return x[np.concatenate(([True], x[1:] != x[:-1]))]


def _densify(codes: np.ndarray) -> tuple[np.ndarray, int]:
    """Map int64 codes to dense ids 0..m-1 (hash-based, order of first occurrence)."""
    enc = pc.dictionary_encode(pa.array(codes, pa.int64()))
    return enc.indices.to_numpy(zero_copy_only=False).astype(np.int64), len(enc.dictionary)


def _ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(starts[i], starts[i] + sizes[i])`` for every i."""
    tot = int(sizes.sum())
    if not tot:
        return np.empty(0, np.int64)
    seg = np.cumsum(sizes) - sizes
    return np.repeat(starts - seg, sizes) + np.arange(tot, dtype=np.int64)


def _token_hashes(vocab: pa.Array) -> np.ndarray:
    """A 64-bit BLAKE2b hash of every token (independent of the corpus)."""
    return np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little")
            for w in vocab.to_pylist()
        ),
        dtype=_U64,
        count=len(vocab),
    )


def shingle(texts: pa.Array | pa.ChunkedArray | list[str | None], k: int = 2) -> Shingles:
    """Shingles of normalised texts (see module docstring).

    A text shorter than ``k`` tokens has one shingle, the whole text; an empty
    or null text has none.

    >>> s = shingle(["a b c", "a b", "b c a b"], k=2)
    >>> s.sizes.tolist(), s.n_tokens.tolist()
    ([2, 1, 3], [3, 2, 4])
    """
    arr = texts if isinstance(texts, pa.Array | pa.ChunkedArray) else pa.array(texts, pa.string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    pieces, lens_parts = [], []
    for i in range(0, n, _TEXT_CHUNK):  # tokens of 200k texts at a time: bounded memory
        tok = tokenize(arr.slice(i, _TEXT_CHUNK))
        ln = pc.fill_null(pc.list_value_length(tok), 0).to_numpy().astype(np.int64)
        flat = pc.list_flatten(tok)
        empty = pc.equal(pc.utf8_length(flat), 0)
        if pc.any(empty).as_py():
            keep_tok = pc.invert(empty)
            doc = np.repeat(np.arange(len(ln), dtype=np.int64), ln)
            ln = np.bincount(doc[keep_tok.to_numpy(zero_copy_only=False)], minlength=len(ln))
            flat = flat.filter(keep_tok)
        pieces.append(flat)
        lens_parts.append(ln.astype(np.int64))
    lens = np.concatenate(lens_parts) if lens_parts else np.zeros(0, np.int64)
    enc = pc.dictionary_encode(pa.chunked_array(pieces, pa.string()))
    del pieces
    tid = (
        np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in enc.chunks])
        if enc.num_chunks
        else np.zeros(0, np.int32)
    )
    vocab = enc.chunks[-1].dictionary if enc.num_chunks else pa.array([], pa.string())
    del enc
    nv = len(vocab)
    th = _token_hashes(vocab)
    del vocab

    # work through the texts in chunks of ~2M tokens (bounded temporaries), unless
    # exact codes of long shingles need one global densification
    ends = np.cumsum(lens)
    one = k > 2 and (nv + 1) ** k >= 2**62
    cuts = [0] if one else np.searchsorted(ends, np.arange(0, len(tid), _CHUNK), side="right")
    bounds = sorted(set(np.asarray(cuts).tolist()) | {0, n})
    # at most one shingle per token, plus one per text shorter than k
    cap = len(tid) + int((lens < k).sum())
    code, h = np.empty(cap, np.int64), np.empty(cap, _U64)
    counts = np.zeros(n, np.int64)
    pos = 0
    for d0, d1 in zip(bounds[:-1], bounds[1:], strict=True):
        t0 = int(ends[d0 - 1]) if d0 else 0
        c, hh, cnt = _shingle_chunk(
            tid[t0 : int(ends[d1 - 1]) if d1 else 0], lens[d0:d1], th, nv, k
        )
        code[pos : pos + len(c)] = c
        h[pos : pos + len(c)] = hh
        counts[d0:d1] = cnt
        pos += len(c)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return Shingles(offsets, code[:pos], h[:pos], lens)


def _shingle_chunk(
    tid: np.ndarray, lens: np.ndarray, th: np.ndarray, nv: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle codes, hashes and per-text counts of consecutive texts (token ids ``tid``)."""
    h = th[tid]
    code = tid.astype(np.int64)
    if k == 1 or not len(tid):
        return code, h, lens.copy()
    doc = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
    # tokens left in the text from each position on (this one included)
    rem = np.cumsum(lens)[doc] - np.arange(len(tid), dtype=np.int64)
    keep = (rem >= k) | ((rem == lens[doc]) & (rem < k))
    base = nv
    with np.errstate(over="ignore"):
        for j in range(1, k):
            has = rem > j
            nxt = np.zeros_like(tid)
            nxt[:-j] = tid[j:]
            if base * (nv + 1) >= 2**62:
                code, base = _densify(code)
            code = code * (nv + 1) + np.where(has, nxt.astype(np.int64) + 1, 0)
            base *= nv + 1
            h = _splitmix(h * _GOLDEN + np.where(has, th[nxt], _U64(0)))
    return code[keep], h[keep], np.bincount(doc[keep], minlength=len(lens))


def candidate_probability(s: float, bands: int, rows: int) -> float:
    """Probability that a pair with Jaccard ``s`` shares at least one LSH band.

    >>> round(candidate_probability(0.5, 20, 3), 3)
    0.931
    """
    return 1.0 - (1.0 - s**rows) ** bands


def _pairs_in_groups(
    sorted_docs: np.ndarray, gstart: np.ndarray, gsize: np.ndarray, max_bucket: int
):
    """Candidate pairs (a < b) of docs in each LSH bucket (positions into sorted_docs)."""
    out_a, out_b = [], []
    small = gsize <= max_bucket
    s, m = gstart[small], gsize[small]
    if len(s):
        tot = int(m.sum())
        first = np.repeat(np.cumsum(m) - m, m)
        u = np.arange(tot) - first
        pos = np.repeat(s, m) + u
        cnt = np.repeat(m, m) - 1 - u
        left = np.repeat(pos, cnt)
        c0 = np.repeat(np.cumsum(cnt) - cnt, cnt)
        right = left + 1 + (np.arange(int(cnt.sum())) - c0)
        out_a.append(sorted_docs[left])
        out_b.append(sorted_docs[right])
    s, m = gstart[~small], gsize[~small]
    for st, sz in zip(s.tolist(), m.tolist(), strict=True):
        members = sorted_docs[st : st + sz]
        out_a.append(np.repeat(members[0], sz - 1))
        out_b.append(members[1:])
        out_a.append(members[1:-1])
        out_b.append(members[2:])
    if not out_a:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)


def bucket_pairs(key: np.ndarray, docs: np.ndarray, max_bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of ``docs`` with equal ``key`` (one LSH band), each bucket of more than
    ``max_bucket`` linked as a star and a chain (module docstring).

    >>> a, b = bucket_pairs(np.array([5, 7, 5, 5]), np.array([10, 11, 12, 13]), 100)
    >>> sorted(zip(a.tolist(), b.tolist()))
    [(10, 12), (10, 13), (12, 13)]
    """
    order = np.argsort(key, kind="stable")
    ks = key[order]
    brk = np.flatnonzero(ks[1:] != ks[:-1]) + 1
    gstart = np.concatenate(([0], brk))
    gsize = np.diff(np.concatenate((gstart, [len(ks)])))
    multi = gsize > 1
    if not multi.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return _pairs_in_groups(docs[order], gstart[multi], gsize[multi], max_bucket)


def _signatures(sh: Shingles, docs: np.ndarray, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """MinHash signatures, shape (permutations, len(docs)), uint32; docs have ≥ 1 shingle."""
    sig = np.empty((len(ra), len(docs)), dtype=np.uint32)
    sizes = sh.sizes[docs]
    ends = np.cumsum(sizes)
    cuts = np.searchsorted(ends, np.arange(0, int(ends[-1]), _CHUNK), side="right")
    bounds = sorted(set(cuts.tolist()) | {0, len(docs)})
    for d0, d1 in zip(bounds[:-1], bounds[1:], strict=True):
        sz = sizes[d0:d1]
        x = sh.hashes[_ranges(sh.offsets[docs[d0:d1]], sz)]
        sig[:, d0:d1] = segment_minhash(x, np.cumsum(sz) - sz, ra, rb)
    return sig


def segment_minhash(x: np.ndarray, seg: np.ndarray, ra: np.ndarray, rb: np.ndarray) -> np.ndarray:
    """MinHash signatures ``(len(ra), len(seg))`` of the segments of ``x``
    (uint64 hashes; segment ``j`` starts at ``seg[j]``, none empty) under the
    permutations ``h ↦ (a·h + b) mod 2⁶⁴ >> 32``.

    >>> x = np.array([5, 9, 7], np.uint64)
    >>> one = np.array([1], np.uint64); zero = np.array([0], np.uint64)
    >>> segment_minhash(x << np.uint64(32), np.array([0, 2]), one, zero).tolist()
    [[5, 7]]
    """
    sig = np.empty((len(ra), len(seg)), np.uint32)
    buf = np.empty_like(x)
    with np.errstate(over="ignore"):
        for p in range(len(ra)):
            np.multiply(x, ra[p], out=buf)
            np.add(buf, rb[p], out=buf)
            np.right_shift(buf, _U64(32), out=buf)
            sig[p] = np.minimum.reduceat(buf, seg)
    return sig


def candidate_pairs(
    sh: Shingles, docs: np.ndarray, params: NearTextParams
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct candidate pairs (a < b) among ``docs`` from MinHash LSH banding.

    >>> s = shingle(["a b c d e", "a b c d e f", "z y x w v"])
    >>> a, b = candidate_pairs(s, np.arange(3), NearTextParams())
    >>> list(zip(a.tolist(), b.tolist()))
    [(0, 1)]
    """
    docs = np.asarray(docs, dtype=np.int64)
    docs = np.sort(docs[sh.sizes[docs] > 0])
    if len(docs) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    rng = np.random.default_rng(params.seed)
    nperm = params.bands * params.rows
    ra = rng.integers(0, 2**64 - 1, size=nperm, dtype=_U64, endpoint=True) | _U64(1)
    rb = rng.integers(0, 2**64 - 1, size=nperm, dtype=_U64, endpoint=True)
    sig = _signatures(sh, docs, ra, rb)
    n = sh.n
    packed = []
    for band in range(params.bands):
        key = np.zeros(len(docs), dtype=_U64)
        with np.errstate(over="ignore"):
            for r in range(params.rows):
                key = _splitmix(key * _GOLDEN + sig[band * params.rows + r])
        a, b = bucket_pairs(key, docs, params.max_bucket)
        if not len(a):
            continue
        packed.append(_sorted_unique(np.minimum(a, b) * n + np.maximum(a, b)))
    if not packed:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    allp = _sorted_unique(np.concatenate(packed))
    return allp // n, allp % n


def jaccard_pairs(sh: Shingles, a: np.ndarray, b: np.ndarray, chunk: int = 4_000_000) -> np.ndarray:
    """Exact Jaccard similarity of the shingle sets of texts ``a[i]`` and ``b[i]``.

    >>> s = shingle(["a b c", "a b c d", "q r s", "a a b c"], k=1)
    >>> jaccard_pairs(s, np.array([0, 0, 0]), np.array([1, 2, 3])).tolist()
    [0.75, 0.0, 1.0]
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    out = np.zeros(len(a), dtype=np.float64)
    if not len(a):
        return out
    sizes = sh.sizes
    cost = np.cumsum(sizes[a] + sizes[b])
    code_max = int(sh.codes.max()) + 1 if len(sh.codes) else 1
    lo = 0
    while lo < len(a):
        hi = int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + chunk, side="right"))
        hi = max(hi, lo + 1)
        m = hi - lo
        sa, sb = sizes[a[lo:hi]], sizes[b[lo:hi]]
        ca = sh.codes[_ranges(sh.offsets[a[lo:hi]], sa)]
        cb = sh.codes[_ranges(sh.offsets[b[lo:hi]], sb)]
        if code_max * m < 2**62:  # pack (pair, code) into one int64 directly
            stride = code_max
        else:  # renumber this chunk's codes densely first
            uniq, inv = np.unique(np.concatenate((ca, cb)), return_inverse=True)
            stride = max(len(uniq), 1)
            ca, cb = inv[: len(ca)], inv[len(ca) :]
        pair = np.arange(m, dtype=np.int64)
        ka = _sorted_unique(np.repeat(pair, sa) * stride + ca)
        kb = _sorted_unique(np.repeat(pair, sb) * stride + cb)
        na = np.bincount(ka // stride, minlength=m)
        nb = np.bincount(kb // stride, minlength=m)
        k = np.sort(np.concatenate((ka, kb)))
        inter = np.bincount(k[1:][k[1:] == k[:-1]] // stride, minlength=m)
        union = na + nb - inter
        out[lo:hi] = np.where(union > 0, inter / np.maximum(union, 1), 0.0)
        lo = hi
    return out


def _word_jaccard(
    texts: pa.Array | pa.ChunkedArray | list[str | None], a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Jaccard similarity of the word sets of texts ``a[i]`` and ``b[i]``; only the
    texts of the pairs are tokenised again."""
    used = np.unique(np.concatenate([a, b]))
    arr = texts if isinstance(texts, (pa.Array, pa.ChunkedArray)) else pa.array(texts, pa.string())
    sub = shingle(arr.take(pa.array(used)), 1)
    return jaccard_pairs(sub, np.searchsorted(used, a), np.searchsorted(used, b))


def copy_similarity(
    texts: pa.Array | pa.ChunkedArray | list[str | None],
    sh: Shingles,
    a: np.ndarray,
    b: np.ndarray,
    params: NearTextParams,
) -> tuple[np.ndarray, int]:
    """Similarity of texts ``a[i]`` and ``b[i]`` (``sh`` = their ``params.shingle``
    shingles): the shingle Jaccard, or for an edited copy (shingle Jaccard below
    ``threshold`` but ≥ ``edited_min``, word Jaccard ≥ ``threshold``) the word
    Jaccard; and how many pairs are edited copies.

    >>> t = ["the mayor said the bridge will open in spring", "the mayor said a bridge will open in june"]
    >>> p = NearTextParams()
    >>> sim, n = copy_similarity(t, shingle(t, 2), np.array([0]), np.array([1]), p)
    >>> round(float(sim[0]), 3), n
    (0.7, 1)
    """
    sim = jaccard_pairs(sh, a, b)
    if params.shingle < 2 or params.edited_min <= 0 or not len(sim):
        return sim, 0
    edited = np.flatnonzero((sim < params.threshold - 1e-12) & (sim >= params.edited_min - 1e-12))
    if not len(edited):
        return sim, 0
    words = _word_jaccard(texts, a[edited], b[edited])
    keep = words >= params.threshold - 1e-12
    sim[edited[keep]] = words[keep]
    return sim, int(np.count_nonzero(keep))


def near_duplicate_clusters(
    texts: pa.Array | pa.ChunkedArray | list[str | None], params: NearTextParams | None = None
) -> NearTextResult:
    """Cluster normalised texts into near-duplicate groups (see module docstring).

    Texts are assumed distinct (deduplicate exact copies first; it is faster).
    Texts with fewer than ``params.min_tokens`` tokens get label -1.

    >>> near_duplicate_clusters(["one two three four", "one two three four five", "hi"]).labels.tolist()
    [0, 0, -1]
    """
    params = params or NearTextParams()
    sh = shingle(texts, params.shingle)
    n = sh.n
    eligible = np.flatnonzero((sh.n_tokens >= params.min_tokens) & (sh.sizes > 0))
    a, b = candidate_pairs(sh, eligible, params)
    sim, n_edited = copy_similarity(texts, sh, a, b, params)
    ok = sim >= params.threshold - 1e-12
    va, vb, vs = a[ok], b[ok], sim[ok]
    labels = np.full(n, -1, dtype=np.int64)
    if n:
        g = coo_matrix((np.ones(len(va), dtype=np.int8), (va, vb)), shape=(n, n))
        _, comp = connected_components(g, directed=False)
        first = np.full(comp.max() + 1, n, dtype=np.int64)
        np.minimum.at(first, comp, np.arange(n))
        labels[eligible] = first[comp[eligible]]
    stats = {
        "texts": int(n),
        "too_short": int(n - len(eligible)),
        "candidate_pairs": int(len(a)),
        "verified_pairs": int(len(va)),
        "edited_copies": n_edited,
    }
    return NearTextResult(labels, va, vb, vs, sh, stats)
