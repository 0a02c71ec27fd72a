"""Run the personas analysis: texts → profiles → candidate pairs → scores,
hands tests and evidence.

>>> from inconcert.personas.synthetic import persona_actions
>>> res = personas_from_actions(persona_actions(seed=1), PersonaConfig(evidence_pairs=2))
>>> top = res.same_hand[0]
>>> sorted([top["account_a"], top["account_b"]])
['hand1_a', 'hand1_b']
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from inconcert.errors import ConfigError
from inconcert.personas.bylines import bylines_as_accounts
from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import HABIT_NAMES, habit_halves, habit_rows, habit_weights
from inconcert.personas.hands import chunk_bounds, chunk_size, split_points
from inconcert.personas.neighbours import reduce_profiles
from inconcert.personas.profiles import Texts, collect_texts, count_rows, fit_style_model, sum_rows
from inconcert.personas.segments import HandsInput, score_hands
from inconcert.personas.space import StyleSpace, build_space
from inconcert.personas.words import top_words, word_counts, word_rates

__all__ = ["PersonaResult", "find_personas", "personas_from_actions", "RESTS_ON"]

RESTS_ON = (
    "writing style only (character n-grams of the texts with links, mentions and hashtags masked, "
    "{n_habits} writing habits{words}); a lead, not proof: language, genre and topic also shape style"
)
_BATCH_TEXTS = 100_000
_VOCAB_TEXTS = 50_000  # texts of the fit sample that choose the word view's words


@dataclass
class PersonaResult:
    """What a personas run found (plain rows, ready for CSV) and how it ran."""

    config: PersonaConfig
    accounts: list[dict[str, Any]]
    same_hand: list[dict[str, Any]]
    hands: list[dict[str, Any]]
    hand_chunks: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    summary: dict[str, Any]
    space: StyleSpace | None = field(default=None, repr=False)
    scored_ids: list[str] = field(default_factory=list, repr=False)
    texts: Texts | None = field(default=None, repr=False)
    rhythm: np.ndarray | None = field(default=None, repr=False)

    def pair_scores(self, a: list[str], b: list[str]) -> np.ndarray:
        """Same-hand score of any pairs of scored accounts (NaN for unscored ones)."""
        pos = {x: i for i, x in enumerate(self.scored_ids)}
        ia = np.array([pos.get(x, -1) for x in a])
        ib = np.array([pos.get(x, -1) for x in b])
        ok = (ia >= 0) & (ib >= 0)
        out = np.full(len(a), np.nan)
        if ok.any() and self.space is not None:
            out[ok] = self.space.score(ia[ok], ib[ok])
        return out

    def rhythm_similarity(self, a: list[str], b: list[str]) -> np.ndarray:
        """The separate behaviour signal: Bhattacharyya coefficient of hour-of-week profiles."""
        pos = {x: i for i, x in enumerate(self.scored_ids)}
        assert self.rhythm is not None
        ia = np.array([pos[x] for x in a])
        ib = np.array([pos[x] for x in b])
        return np.sqrt(self.rhythm[ia] * self.rhythm[ib]).sum(axis=1)


def _batches(offsets: np.ndarray, idx: np.ndarray, max_texts: int) -> list[np.ndarray]:
    """Consecutive groups of account indices with at most ``max_texts`` texts each (≥ 1 account)."""
    out, cur, n = [], [], 0
    for i in idx:
        c = int(offsets[i + 1] - offsets[i])
        if cur and n + c > max_texts:
            out.append(np.array(cur))
            cur, n = [], 0
        cur.append(int(i))
        n += c
    if cur:
        out.append(np.array(cur))
    return out


def _cpu() -> float:
    """CPU seconds so far of this process and of its finished child processes."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


def _indicator(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)


@dataclass
class _Shared:
    """What every profile batch needs: the fitted model and the reduced space."""

    model: Any
    components: np.ndarray
    centre: np.ndarray
    config: PersonaConfig
    keep_profiles: bool
    vocab: list[str] = field(default_factory=list)  # the word view's words
    _components_t: np.ndarray | None = None

    def components_t(self) -> np.ndarray:
        """``components.T`` laid out row-major once (a sparse × dense product copies a
        column-major operand on every call)."""
        if self._components_t is None:
            self._components_t = np.ascontiguousarray(self.components.T)
        return self._components_t

    def __getstate__(self) -> dict[str, Any]:  # sent to workers without the copy
        return {**self.__dict__, "_components_t": None}


_WORKER: dict[str, _Shared] = {}


def _init_worker(shared: _Shared) -> None:
    _WORKER["shared"] = shared


def _job(tx: Texts, batch: np.ndarray, bounds: list[np.ndarray], scored: np.ndarray,
         hands_ok: np.ndarray) -> tuple[Any, ...]:
    """The slice of the input one profile batch needs (small enough to send to a worker)."""
    sel = np.concatenate([np.arange(tx.offsets[i], tx.offsets[i + 1]) for i in batch])
    return (batch, tx.style.take(pa.array(sel, pa.int64())), tx.words[sel], tx.n_texts[batch],
            [bounds[a] for a in batch], scored[batch], hands_ok[batch])


def _run_batches(jobs: Iterator[tuple[Any, ...]], shared: _Shared, cfg: PersonaConfig) -> Iterator[tuple[Any, ...]]:
    """Results of :func:`_profile_batch` in job order; in a pool of ``cfg.workers`` processes
    (at most two batches in flight per worker) unless there is a single batch."""
    first = next(jobs, None)
    if first is None:
        return
    second = next(jobs, None)
    workers = cfg.workers or os.cpu_count() or 1
    if second is None or workers == 1:
        for job in chain([first], [second] if second is not None else [], jobs):
            yield _profile_batch(job, shared)
        return
    inner = _Shared(shared.model, shared.components, shared.centre, replace(cfg, workers=1), shared.keep_profiles,
                    shared.vocab)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(inner,)) as pool:
        pending: deque[Future[tuple[Any, ...]]] = deque(pool.submit(_profile_batch, j) for j in (first, second))
        for job in jobs:
            while len(pending) >= 2 * workers:
                yield pending.popleft().result()
            pending.append(pool.submit(_profile_batch, job))
        while pending:
            yield pending.popleft().result()


def _profile_batch(job: tuple[Any, ...], shared: _Shared | None = None) -> tuple[Any, ...]:
    """Profiles of one batch of accounts: habit means, reduced profiles of the scored ones
    (and their TF-IDF rows in exact mode) and the hands test's inputs of the tested ones."""
    sh = shared or _WORKER["shared"]
    model, components, centre, cfg = sh.model, sh.components, sh.centre, sh.config
    batch, style, words, n_texts, bounds, scored, hands_ok = job

    comp_t = sh.components_t()

    def reduce(m: sp.csr_matrix) -> np.ndarray:
        return _unit(np.asarray(m @ comp_t) - centre)

    n_ch = np.array([len(b) - 1 for b in bounds], dtype=np.int64)
    ch_off = np.concatenate([[0], np.cumsum(n_ch)]).astype(np.int64)
    grp = np.concatenate([np.repeat(np.arange(n_ch[k]) + ch_off[k], np.diff(b)) for k, b in enumerate(bounds)])
    n_chunks = int(ch_off[-1])
    chunks = model.select(count_rows(style, cfg, groups=grp, n_groups=n_chunks))
    per_text = habit_rows(style, words)
    text_off = np.concatenate([[0], np.cumsum(n_texts)]).astype(np.int64)
    habits = np.add.reduceat(per_text, text_off[:-1], axis=0) / n_texts[:, None]
    halves = habit_halves(per_text, n_texts)
    per_word = word_counts(style, sh.vocab)  # counts of the vocab words, then all tokens
    words_ = word_rates(np.add.reduceat(per_word, text_off[:-1], axis=0))
    word_halves = word_rates(habit_halves(per_word, n_texts))
    sc = np.flatnonzero(scored)
    red, acc = np.zeros((0, components.shape[0]), np.float32), None
    if len(sc):
        acc = model.transform(sum_rows(chunks, ch_off)[sc])
        red = reduce(acc)
        if not sh.keep_profiles:
            acc = None
    tested = np.flatnonzero(hands_ok)
    tests_in: list[HandsInput] = []
    if len(tested):
        ch_ind = _indicator(grp, np.arange(len(grp)), (n_chunks, len(grp)))
        ch_habits = ch_ind @ per_text
        ch_words = ch_ind @ per_word
        ch_texts = np.bincount(grp, minlength=n_chunks).astype(np.float64)
        seg_r, seg_c, splits_of, chunk_rows = [], [], [], []
        n_seg = p0 = 0
        for li in tested:
            c0, c1 = int(ch_off[li]), int(ch_off[li + 1])
            splits = split_points(bounds[li], int(n_texts[li]))
            for k in np.searchsorted(bounds[li], splits):  # chunks before each split
                seg_r += [np.full(k, n_seg), np.full(c1 - c0 - k, n_seg + 1)]
                seg_c += [np.arange(p0, p0 + k), np.arange(p0 + k, p0 + c1 - c0)]
                n_seg += 2
            if cfg.hands_reference == "interleaved":  # even chunks against odd ones: same times, same hand
                ev, od = np.arange(p0, p0 + c1 - c0, 2), np.arange(p0 + 1, p0 + c1 - c0, 2)
                seg_r += [np.full(len(ev), n_seg), np.full(len(od), n_seg + 1)]
                seg_c += [ev, od]
                n_seg += 2
            splits_of.append(splits)
            chunk_rows.append(np.arange(c0, c1))
            p0 += c1 - c0
        all_chunks = np.concatenate(chunk_rows)
        seg = _indicator(np.concatenate(seg_r), np.concatenate(seg_c), (n_seg, len(all_chunks)))
        ch_sel = chunks[all_chunks]
        if cfg.segment_profiles == "chunk_mean":
            # the mean of the chunks' reduced profiles: one sparse projection per chunk, not per
            # segment (the five before/after pairs of an account cover its text ten times)
            ch_proj = np.asarray(model.transform(ch_sel) @ comp_t)
            ch_vecs = _unit(ch_proj - centre)
            seg_vecs = _unit((seg @ ch_proj) / np.maximum(np.asarray(seg.sum(axis=1)), 1.0) - centre)
        else:
            seg_vecs = reduce(model.transform(seg @ ch_sel))
            ch_vecs = reduce(model.transform(ch_sel))
        seg_h = (seg @ ch_habits[all_chunks]) / np.maximum(seg @ ch_texts[all_chunks], 1.0)[:, None]
        seg_w = word_rates(seg @ ch_words[all_chunks]).astype(np.float32)  # 10⁵ accounts: 10⁶ segments
        s0 = c0_ = 0
        for li, splits, rows_ in zip(tested, splits_of, chunk_rows, strict=True):
            ns = 2 * len(splits) + 2 * (cfg.hands_reference == "interleaved")
            tests_in.append(HandsInput(int(batch[li]), splits, seg_vecs[s0: s0 + ns], seg_h[s0: s0 + ns],
                                       ch_vecs[c0_: c0_ + len(rows_)], bounds[li], seg_w[s0: s0 + ns]))
            s0 += ns
            c0_ += len(rows_)
    return batch, habits, halves, words_, word_halves, sc, red, acc, tests_in


def personas_from_actions(
    actions: pa.Table, config: PersonaConfig | None = None, progress: Callable[[str], None] | None = None
) -> PersonaResult:
    """The whole analysis on an actions table (columns ``account_id, post_id, ts,
    text`` and optionally ``repost_of``); see :func:`find_personas`."""
    cfg = config or PersonaConfig()
    step = progress or (lambda s: None)
    t0, c0 = time.perf_counter(), _cpu()
    timings: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t0, c0
        now, c = time.perf_counter(), _cpu()
        timings[name], cpu[name] = round(now - t0, 3), round(c - c0, 3)
        t0, c0 = now, c
        step(name)

    tx = collect_texts(actions, cfg)
    n_acc = len(tx.accounts)
    scored = (tx.n_texts >= cfg.min_texts) & (tx.n_words >= cfg.min_words)
    idx = np.flatnonzero(scored)
    bounds = [chunk_bounds(tx.words[tx.rows(i)], chunk_size(int(tx.n_words[i]), cfg)) for i in range(n_acc)]
    hands_ok = np.array([len(b) - 1 >= cfg.min_chunks for b in bounds], dtype=bool)
    lap("texts")

    rng = np.random.default_rng(cfg.seed)
    fit_idx = idx if len(idx) <= cfg.fit_sample else np.sort(rng.choice(idx, cfg.fit_sample, replace=False))
    if len(fit_idx) == 0:
        fit_idx = np.flatnonzero(tx.n_texts > 0)[: cfg.fit_sample]
    mode = cfg.neighbours if cfg.neighbours != "auto" else ("exact" if len(idx) <= cfg.exact_limit else "hnsw")
    work = np.flatnonzero(scored | hands_ok)
    # pass 1, on the fit sample: one count row per account (features, idf, mean, SVD)
    fit_counts = []
    for batch in _batches(tx.offsets, fit_idx, _BATCH_TEXTS):
        sel = np.concatenate([np.arange(tx.offsets[i], tx.offsets[i + 1]) for i in batch])
        grp = np.repeat(np.arange(len(batch)), tx.n_texts[batch])
        fit_counts.append(count_rows(tx.style.take(pa.array(sel, pa.int64())), cfg, groups=grp, n_groups=len(batch)))
    fit_all = sp.vstack(fit_counts, format="csr")
    del fit_counts
    model = fit_style_model(fit_all, cfg)
    # the reduced space (truncated SVD) carries the HNSW index and the hands test
    svd_rows = np.sort(np.random.default_rng(cfg.seed + 1).permutation(fit_all.shape[0])[: cfg.svd_sample])
    components = reduce_profiles(model.transform(fit_all[svd_rows]), cfg.svd_dims, cfg.seed)
    centre = components @ model.mean.astype(np.float32)
    del fit_all
    vocab: list[str] = []
    if cfg.function_words and cfg.word_weight > 0:  # the word view's words, from the fit sample's texts
        sel = np.concatenate([np.arange(tx.offsets[i], tx.offsets[i + 1]) for i in fit_idx])[:_VOCAB_TEXTS]
        vocab = top_words(tx.style.take(pa.array(sel, pa.int64())), cfg.function_words)
    lap("fit")

    # pass 2, every account to profile or test: one count row per chunk; accounts and the
    # hands test's before/after segments are sums of chunk rows (sparse products, no loop per
    # text); batches run in worker processes when there are several
    pos_scored = {int(a): k for k, a in enumerate(idx)}
    x_parts: list[tuple[np.ndarray, sp.csr_matrix]] = []
    z = np.zeros((len(idx), components.shape[0]), dtype=np.float32)
    habits_all = np.zeros((n_acc, len(HABIT_NAMES)))
    halves_all = np.zeros((n_acc, 2, len(HABIT_NAMES)))
    words_all = np.zeros((n_acc, len(vocab)), np.float32)  # 10⁵ accounts × 100 words: 40 MB
    word_halves_all = np.zeros((n_acc, 2, len(vocab)), np.float32)
    hands_in: list[HandsInput] = []
    shared = _Shared(model, components, centre, cfg, mode == "exact", vocab)
    jobs = (_job(tx, b, bounds, scored, hands_ok) for b in _batches(tx.offsets, work, _BATCH_TEXTS))
    for batch, habits, halves, words_, word_halves, sc, red, acc, tests_in in _run_batches(jobs, shared, cfg):
        habits_all[batch] = habits
        halves_all[batch] = halves
        words_all[batch] = words_
        word_halves_all[batch] = word_halves
        if len(sc):
            ids = np.array([pos_scored[int(a)] for a in batch[sc]])
            z[ids] = red
            if acc is not None:
                x_parts.append((ids, acc))
        hands_in += tests_in
    lap("profiles")

    space = None
    # the habits' weights in Burrows' Delta, learned from the scored accounts' own time halves
    hw = habit_weights(habits_all[idx], halves_all[idx]) if cfg.habit_weighting == "learned" else None
    # the word view's weights, learned the same way
    ww = habit_weights(words_all[idx], word_halves_all[idx]) if vocab else None
    wr = words_all[idx] if vocab else None
    if len(idx) >= 2:
        if mode == "exact":
            order = np.argsort(np.concatenate([ids for ids, _ in x_parts]))
            x = sp.vstack([m for _, m in x_parts], format="csr")[order]
            space = build_space(x, model.mean, z, habits_all[idx], tx.n_words[idx], cfg, hw, wr, ww)
        else:
            space = build_space(None, None, z, habits_all[idx], tx.n_words[idx], cfg, hw, wr, ww)
    lap("neighbours")
    tests = score_hands(hands_in, pos_scored, z, space, cfg) if space is not None else {}
    lap("hands")

    from inconcert.personas.evidence import hands_rows, pair_rows

    rhythm = _rhythm(actions, [tx.accounts[i] for i in idx])
    same_hand = pair_rows(space, tx, idx, rhythm, habits_all[idx], cfg) if space is not None else []
    lap("pairs")
    hands, chunks = hands_rows(tx, tests, cfg)
    from inconcert.personas.evidence import evidence_records

    evidence = evidence_records(same_hand, hands, chunks, tx, model, cfg)
    lap("evidence")

    accounts = []
    for i, a in enumerate(tx.accounts):
        reason = ""
        if not scored[i]:
            reason = f"below the text floor ({cfg.min_texts} texts and {cfg.min_words} words): no same-hand score"
        accounts.append({"account_id": a, "n_texts": int(tx.n_texts[i]), "n_words": int(tx.n_words[i]),
                         "scored": bool(scored[i]), "hands_tested": bool(hands_ok[i]), "note": reason})
    summary = {
        "accounts": n_acc,
        "accounts_scored": int(len(idx)),
        "accounts_below_floor": int(n_acc - len(idx)),
        "accounts_hands_tested": int(sum(1 for t in tests.values() if t is not None)),
        "texts": int(len(tx.words)),
        "neighbours": mode,
        "features": int(len(model.features)),
        "fit_accounts": int(model.n_fit),
        "background_pairs": int(len(space.background_scores)) if space is not None and space.background_scores is not None else 0,
        "same_hand_rows": len(same_hand),
        "several_hands": sum(1 for h in hands if (h["hands_estimate"] or 0) > 1),
        "habits": HABIT_NAMES,
        "function_words": {w: round(float(x), 4) for w, x in zip(vocab, ww, strict=True)} if ww is not None else {},
        "habit_weights": None if hw is None else {h: round(float(w), 4) for h, w in zip(HABIT_NAMES, hw, strict=True)},
        "rests_on": RESTS_ON.format(n_habits=len(HABIT_NAMES), words=f" and the rates of the input's {len(vocab)} most frequent words" if vocab else ""),
        "timings_s": timings,
        "cpu_s": cpu,  # CPU seconds of this process and its finished workers, per step
        "config": cfg.to_dict(),
    }
    return PersonaResult(cfg, accounts, same_hand, hands, chunks, evidence, summary, space,
                         [tx.accounts[i] for i in idx], tx, rhythm)


def _rhythm(actions: pa.Table, ids: list[str]) -> np.ndarray:
    """Hour-of-week profile (all actions, reposts included) of each account in ``ids``."""
    if not ids:
        return np.zeros((0, 168))
    acc = actions["account_id"].combine_chunks()
    pos = pc.index_in(acc, value_set=pa.array(ids, pa.string())).to_numpy(zero_copy_only=False)
    ts = actions["ts"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    pos = np.nan_to_num(pos.astype(np.float64), nan=-1).astype(np.int64)
    ok = pos >= 0
    hours = (ts[ok] // 3_600_000_000 + 72) % 168
    m = np.zeros((len(ids), 168))
    np.add.at(m, (pos[ok], hours), 1.0)
    m /= np.maximum(m.sum(axis=1, keepdims=True), 1.0)
    return m


def find_personas(
    inputs: list[str | Path],
    config: PersonaConfig | None = None,
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> PersonaResult:
    """Same hands behind several accounts, several hands behind one account.

    Reads ``inputs`` with the same readers as ``detect`` (any format it reads),
    builds a style profile per account (for pages: per byline, see
    :mod:`inconcert.personas.bylines`) from its own texts and returns
    :class:`PersonaResult` (write it with :func:`inconcert.personas.write_personas`).

    Example::

        >>> from inconcert.personas import find_personas, PersonaConfig
        >>> res = find_personas(["posts.csv"], PersonaConfig(top_k=5))  # doctest: +SKIP
        >>> res.same_hand[0]["account_a"]  # doctest: +SKIP
        'acct_17'
    """
    import pyarrow.parquet as pq

    from inconcert.ingest import ingest

    cfg = config or PersonaConfig()
    with tempfile.TemporaryDirectory(prefix="inconcert-personas-") as work:
        ing = ingest(list(inputs), workdir=work, format=format, column_map=column_map)
        actions = pq.read_table(ing.actions_path, columns=["post_id", "account_id", "ts", "text", "repost_of"])
        pages = ing.side.get("site_pages")
        unit = cfg.unit if cfg.unit != "auto" else ("byline" if pages is not None else "account")
        dropped = 0
        if unit == "byline":
            if pages is None:
                raise ConfigError("unit='byline' needs pages (HTML, WARC or an articles table read by the site "
                                  "readers); for a table with a byline column use --map account_id=COLUMN")
            actions, dropped = bylines_as_accounts(actions, pq.read_table(pages, columns=["post_id", "account_id", "byline"]))
    res = personas_from_actions(actions, cfg, progress)
    res.summary["inputs"] = ing.inputs
    res.summary["unit"] = unit
    if unit == "byline":
        res.summary["pages_without_byline"] = dropped
    return res
