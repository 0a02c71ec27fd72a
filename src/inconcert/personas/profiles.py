"""Profiles per account: the texts behind it, its character n-gram style
vector, its habit vector and (separately) its posting rhythm.

The style vector is a TF-IDF profile of character n-grams (case kept) of the
account's style texts: counts hashed (no vocabulary to hold; the numpy
counter of :mod:`inconcert.personas.ngrams`), sublinear TF
(1 + log tf), the features found in at least ``min_df`` accounts and at most
``max_features`` of them, the most widespread first (feature selection by
document frequency), idf, L2. Features, idf and the mean profile are fitted on
up to ``fit_sample`` accounts (all of them in small inputs); the mean is
subtracted before cosine ("centering"), which removes what every account of
the input shares (the language, the platform's register).

References: E. Stamatatos, "A survey of modern authorship attribution
methods", *JASIST* 60(3), 2009 (character n-grams); M. Kestemont et al.,
"Overview of the author identification task at PAN 2014/2015" (character
n-gram TF-IDF baselines).

>>> import pyarrow as pa
>>> from inconcert.personas.config import PersonaConfig
>>> t = pa.table({"account_id": ["a", "a", "b"], "text": ["one two three four", "five six seven eight", "x y z w"],
...               "ts": pa.array([1, 2, 3], pa.timestamp("us", tz="UTC")), "post_id": ["1", "2", "3"],
...               "repost_of": pa.array([None, None, None], pa.string())})
>>> tx = collect_texts(t, PersonaConfig())
>>> tx.accounts, tx.n_texts.tolist(), tx.n_words.tolist()
(['a', 'b'], [2, 1], [8, 4])
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from inconcert.personas.config import PersonaConfig
from inconcert.personas.ngrams import ngram_counts
from inconcert.personas.texts import style_text_array, word_count_array

__all__ = ["Texts", "StyleModel", "collect_texts", "count_rows", "fit_style_model", "sum_rows"]

N_BITS = 22
N_HASH = 2**N_BITS


@dataclass
class Texts:
    """Counted texts, sorted by account then time: account ``i`` owns rows
    ``offsets[i]:offsets[i+1]``."""

    accounts: list[str]
    offsets: np.ndarray
    post_id: pa.Array
    ts: np.ndarray  # int64 microseconds
    text: pa.Array  # as published (for passages)
    style: pa.Array  # style text (for profiles)
    words: np.ndarray
    n_texts: np.ndarray
    n_words: np.ndarray
    rhythm_ts: dict[str, np.ndarray] | None = None

    def rows(self, i: int) -> slice:
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))


def collect_texts(actions: pa.Table, config: PersonaConfig) -> Texts:
    """Own texts (no reposts) with at least ``min_text_tokens`` words, per account."""
    t = actions.select([c for c in ("account_id", "post_id", "ts", "text", "repost_of") if c in actions.column_names])
    keep = pc.is_valid(t["text"])
    if "repost_of" in t.column_names:
        keep = pc.and_(keep, pc.is_null(t["repost_of"]))
    t = t.filter(keep)
    words = word_count_array(t["text"])
    t = t.append_column("words", words).filter(pc.greater_equal(words, config.min_text_tokens))
    t = t.sort_by([("account_id", "ascending"), ("ts", "ascending"), ("post_id", "ascending")])
    acc = t["account_id"].combine_chunks() if t.num_rows else pa.array([], pa.string())
    enc = acc.dictionary_encode() if len(acc) else None
    if enc is None:
        accounts: list[str] = []
        codes = np.zeros(0, dtype=np.int64)
    else:
        accounts = enc.dictionary.to_pylist()
        codes = enc.indices.to_numpy().astype(np.int64)
    # sorted by account_id, so the dictionary is in order of first appearance = sorted order
    n_texts = np.bincount(codes, minlength=len(accounts)) if len(accounts) else np.zeros(0, np.int64)
    offsets = np.concatenate([[0], np.cumsum(n_texts)]).astype(np.int64)
    w = t["words"].to_numpy().astype(np.int64) if t.num_rows else np.zeros(0, np.int64)
    n_words = np.add.reduceat(w, offsets[:-1]) if len(accounts) else np.zeros(0, np.int64)
    text = t["text"].combine_chunks() if t.num_rows else pa.array([], pa.string())
    ts = t["ts"].combine_chunks().cast(pa.int64()).to_numpy() if t.num_rows else np.zeros(0, np.int64)
    return Texts(
        accounts=accounts,
        offsets=offsets,
        post_id=t["post_id"].combine_chunks() if t.num_rows else pa.array([], pa.string()),
        ts=ts,
        text=text,
        style=style_text_array(text, mask=config.mask_topic),
        words=w,
        n_texts=n_texts.astype(np.int64),
        n_words=n_words.astype(np.int64),
    )


def _count_job(args: tuple[pa.Array, np.ndarray, int, int, int]) -> sp.csr_matrix:
    style, groups, n_groups, lo, hi = args
    return ngram_counts(style, lo, hi, N_BITS, groups=groups, n_groups=n_groups)


def count_rows(
    style: pa.Array,
    config: PersonaConfig,
    groups: np.ndarray | None = None,
    n_groups: int | None = None,
    chunk: int = 25_000,
) -> sp.csr_matrix:
    """Hashed character n-gram counts (:func:`~inconcert.personas.ngrams.ngram_counts`)
    of every text, or summed per group (``groups[t]`` = row of text ``t``,
    non-decreasing, rows ``0..n_groups-1``).

    Slices of about ``chunk`` texts, cut at group boundaries, run in a process
    pool of ``config.workers``; the result does not depend on the number of workers.
    """
    n = len(style)
    if groups is None:
        groups, n_groups = np.arange(n, dtype=np.int64), n
    groups = np.asarray(groups, dtype=np.int64)
    n_groups = int(n_groups if n_groups is not None else (groups.max() + 1 if n else 0))
    cuts = [0]
    while cuts[-1] < n:  # slice ends moved forward to the next group boundary
        e = min(cuts[-1] + chunk, n)
        e = int(np.searchsorted(groups, groups[e - 1], side="right"))
        cuts.append(e)
    jobs = []
    for lo_, hi_ in zip(cuts[:-1], cuts[1:], strict=True):
        g0 = int(groups[lo_])
        g1 = int(groups[hi_ - 1]) + 1 if hi_ < n else n_groups
        jobs.append((style.slice(lo_, hi_ - lo_), groups[lo_:hi_] - g0, g1 - g0, config.ngram_min, config.ngram_max))
    if not jobs:
        return sp.csr_matrix((n_groups, N_HASH), dtype=np.float32)
    workers = min(config.workers or os.cpu_count() or 1, len(jobs))
    if workers == 1:
        parts = [_count_job(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(_count_job, jobs))
    first = int(groups[0])
    if first:  # groups before the first text have no n-grams
        parts.insert(0, sp.csr_matrix((first, N_HASH), dtype=np.float32))
    return sp.vstack(parts, format="csr")


def sum_rows(rows: sp.csr_matrix, offsets: np.ndarray) -> sp.csr_matrix:
    """Row ``i`` = the sum of ``rows[offsets[i]:offsets[i+1]]``."""
    n = len(offsets) - 1
    ind = sp.csr_matrix(
        (np.ones(int(offsets[-1]), np.float32), np.arange(int(offsets[-1])), np.asarray(offsets)),
        shape=(n, rows.shape[0]),
    )
    return (ind @ rows).tocsr()


@dataclass
class StyleModel:
    """What was fitted on the input: kept features, their idf, the mean profile."""

    features: np.ndarray  # hashed column indices kept, sorted
    idf: np.ndarray
    mean: np.ndarray  # mean L2-normalised profile (in kept-feature space)
    n_fit: int
    _keep: np.ndarray | None = field(default=None, repr=False)  # hashed column → kept position
    _idf_f32: np.ndarray | None = field(default=None, repr=False)

    def _idf32(self) -> np.ndarray:
        if self._idf_f32 is None or len(self._idf_f32) != len(self.idf):
            self._idf_f32 = self.idf.astype(np.float32)
        return self._idf_f32

    def select(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Hashed counts → counts over the kept features only (do it once per batch)."""
        if self._keep is None or len(self._keep) != counts.shape[1]:
            self._keep = np.full(counts.shape[1], -1, dtype=np.int64)
            self._keep[self.features] = np.arange(len(self.features))
        keep = self._keep
        counts = counts.tocsr()
        col = keep[counts.indices]
        ok = col >= 0
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))[ok]
        return sp.csr_matrix((counts.data[ok], (rows, col[ok])), shape=(counts.shape[0], len(self.features)),
                             dtype=np.float32)

    def transform(self, counts: sp.csr_matrix, sublinear: bool = True) -> sp.csr_matrix:
        """L2-normalised TF-IDF rows over the kept features (``counts`` hashed, or
        already :meth:`select`-ed)."""
        x = (self.select(counts) if counts.shape[1] != len(self.features) else counts).astype(np.float32)
        x = x.copy() if x is counts else x
        x.sum_duplicates()
        if sublinear:
            x.data = 1.0 + np.log(x.data)
        # idf and the row norms applied to the stored values in place (no sparse products)
        x.data *= self._idf32()[x.indices]
        row = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
        norms = np.sqrt(np.bincount(row, weights=np.square(x.data, dtype=np.float64), minlength=x.shape[0]))
        x.data *= (1.0 / np.maximum(norms, 1e-12)).astype(np.float32)[row]
        return x


def fit_style_model(account_counts: sp.csr_matrix, config: PersonaConfig) -> StyleModel:
    """Document-frequency feature selection, idf and mean profile from account counts."""
    n = account_counts.shape[0]
    df = np.bincount(account_counts.indices, minlength=account_counts.shape[1])
    cand = np.flatnonzero(df >= min(config.min_df, max(n, 1)))
    if len(cand) > config.max_features:  # the most widespread first; ties by index (deterministic)
        order = np.lexsort((cand, -df[cand]))
        cand = np.sort(cand[order[: config.max_features]])
    idf = np.log((1.0 + n) / (1.0 + df[cand])) + 1.0
    model = StyleModel(cand.astype(np.int64), idf, np.zeros(len(cand)), n)
    x = model.transform(account_counts)
    model.mean = np.asarray(x.mean(axis=0)).ravel()
    return model
