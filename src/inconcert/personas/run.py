"""Run the personas analysis: texts → profiles → candidate pairs → scores,
hands tests and evidence.

>>> from inconcert.personas.synthetic import persona_actions
>>> res = personas_from_actions(persona_actions(seed=1), PersonaConfig(evidence_pairs=2))
>>> top = res.same_hand[0]
>>> sorted([top["account_a"], top["account_b"]])
['hand1_a', 'hand1_b']
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import HABIT_NAMES, habit_matrix
from inconcert.personas.hands import chunk_bounds, split_points
from inconcert.personas.neighbours import reduce_profiles
from inconcert.personas.profiles import Texts, collect_texts, count_rows, fit_style_model, sum_rows
from inconcert.personas.segments import HandsInput, score_hands
from inconcert.personas.space import StyleSpace, build_space

__all__ = ["PersonaResult", "find_personas", "personas_from_actions", "RESTS_ON"]

RESTS_ON = (
    "writing style only (character n-grams of the texts with links, mentions and hashtags masked, "
    "and {n_habits} writing habits); a lead, not proof: language, genre and topic also shape style"
)
_BATCH_TEXTS = 100_000


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


def _batch_rows(tx: Texts, batch: np.ndarray, config: PersonaConfig) -> tuple[sp.csr_matrix, np.ndarray]:
    """Text count rows of the accounts in ``batch`` and their local offsets."""
    sel = np.concatenate([np.arange(tx.offsets[i], tx.offsets[i + 1]) for i in batch])
    rows = count_rows(tx.style.take(pa.array(sel, pa.int64())), config)
    local = np.concatenate([[0], np.cumsum(tx.offsets[batch + 1] - tx.offsets[batch])]).astype(np.int64)
    return rows, local


def personas_from_actions(
    actions: pa.Table, config: PersonaConfig | None = None, progress: Callable[[str], None] | None = None
) -> PersonaResult:
    """The whole analysis on an actions table (columns ``account_id, post_id, ts,
    text`` and optionally ``repost_of``); see :func:`find_personas`."""
    cfg = config or PersonaConfig()
    step = progress or (lambda s: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        t0 = now
        step(name)

    tx = collect_texts(actions, cfg)
    n_acc = len(tx.accounts)
    scored = (tx.n_texts >= cfg.min_texts) & (tx.n_words >= cfg.min_words)
    idx = np.flatnonzero(scored)
    bounds = [chunk_bounds(tx.words[tx.rows(i)], cfg.chunk_words) for i in range(n_acc)]
    hands_ok = np.array([len(b) - 1 >= cfg.min_chunks for b in bounds], dtype=bool)
    lap("texts")

    rng = np.random.default_rng(cfg.seed)
    fit_idx = idx if len(idx) <= cfg.fit_sample else np.sort(rng.choice(idx, cfg.fit_sample, replace=False))
    if len(fit_idx) == 0:
        fit_idx = np.flatnonzero(tx.n_texts > 0)[: cfg.fit_sample]
    mode = cfg.neighbours if cfg.neighbours != "auto" else ("exact" if len(idx) <= cfg.exact_limit else "hnsw")
    work = np.flatnonzero(scored | hands_ok)
    cache_all = set(fit_idx.tolist()) >= set(work.tolist()) and int(tx.n_texts[work].sum()) <= 4 * _BATCH_TEXTS
    cache: dict[int, tuple[sp.csr_matrix, np.ndarray, np.ndarray]] = {}
    fit_counts = []
    for b_no, batch in enumerate(_batches(tx.offsets, fit_idx, _BATCH_TEXTS)):
        rows, local = _batch_rows(tx, batch, cfg)
        fit_counts.append(sum_rows(rows, local))
        if cache_all:
            cache[b_no] = (rows, local, batch)
    model = fit_style_model(sp.vstack(fit_counts, format="csr"), cfg)
    del fit_counts
    # the reduced space (truncated SVD) carries the HNSW index and the hands test
    fit_x = model.transform(sp.vstack([sum_rows(*cache[b][:2]) for b in sorted(cache)], format="csr")) if cache else (
        model.transform(sp.vstack([sum_rows(*_batch_rows(tx, b, cfg)) for b in _batches(tx.offsets, fit_idx, _BATCH_TEXTS)],
                                  format="csr")))
    components = reduce_profiles(fit_x, cfg.svd_dims, cfg.seed)
    centre = components @ model.mean.astype(np.float32)
    del fit_x
    lap("fit")

    def reduce(m: sp.csr_matrix) -> np.ndarray:
        red = np.asarray(m @ components.T) - centre
        return red / np.maximum(np.linalg.norm(red, axis=1, keepdims=True), 1e-12)

    pos_scored = {int(a): k for k, a in enumerate(idx)}
    x_parts: list[tuple[np.ndarray, sp.csr_matrix]] = []
    z = np.zeros((len(idx), components.shape[0]), dtype=np.float32)
    hands_in: list[HandsInput] = []
    source = [cache[b] for b in sorted(cache)] if cache_all else _lazy_batches(tx, work, cfg)
    for rows, local, batch in source:
        rows = model.select(rows)
        sc = np.array([i for i in range(len(batch)) if scored[batch[i]]], dtype=np.int64)
        if len(sc):
            acc = model.transform(sum_rows(rows, local)[sc])
            ids = np.array([pos_scored[int(batch[i])] for i in sc])
            z[ids] = reduce(acc)
            if mode == "exact":
                x_parts.append((ids, acc))
        tested = [li for li, a in enumerate(batch) if hands_ok[a]]
        if tested:
            sel = np.concatenate([np.arange(tx.offsets[batch[li]], tx.offsets[batch[li] + 1]) for li in tested])
            per_text = habit_matrix(tx.style.take(pa.array(sel, pa.int64())), np.arange(len(sel) + 1), tx.words[sel])
            start = 0
            for li in tested:
                a = int(batch[li])
                r = rows[local[li]: local[li + 1]]
                n = r.shape[0]
                ht = per_text[start: start + n]
                start += n
                b = bounds[a]
                splits = split_points(b, n)
                cuts = [sum_rows(r, np.array([0, s_, n])) for s_ in splits]
                vecs = reduce(model.transform(sp.vstack(cuts + [sum_rows(r, b)], format="csr")))
                seg_h = np.vstack([np.vstack([ht[:s_].mean(axis=0), ht[s_:].mean(axis=0)]) for s_ in splits])
                hands_in.append(HandsInput(a, splits, vecs[: 2 * len(splits)], seg_h, vecs[2 * len(splits):], b))
    del source, cache
    lap("profiles")

    habits_all = habit_matrix(tx.style, tx.offsets, tx.words)
    space = None
    if len(idx) >= 2:
        if mode == "exact":
            order = np.argsort(np.concatenate([ids for ids, _ in x_parts]))
            x = sp.vstack([m for _, m in x_parts], format="csr")[order]
            space = build_space(x, model.mean, z, habits_all[idx], tx.n_words[idx], cfg)
        else:
            space = build_space(None, None, z, habits_all[idx], tx.n_words[idx], cfg)
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
        "rests_on": RESTS_ON.format(n_habits=len(HABIT_NAMES)),
        "timings_s": timings,
        "config": cfg.to_dict(),
    }
    return PersonaResult(cfg, accounts, same_hand, hands, chunks, evidence, summary, space,
                         [tx.accounts[i] for i in idx], tx, rhythm)


def _lazy_batches(
    tx: Texts, work: np.ndarray, cfg: PersonaConfig
) -> Iterator[tuple[sp.csr_matrix, np.ndarray, np.ndarray]]:
    for b in _batches(tx.offsets, work, _BATCH_TEXTS):
        rows, local = _batch_rows(tx, b, cfg)
        yield rows, local, b


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
    builds a style profile per account from its own texts and returns
    :class:`PersonaResult` (write it with :func:`inconcert.personas.write_personas`).

    Example::

        >>> from inconcert.personas import find_personas, PersonaConfig
        >>> res = find_personas(["posts.csv"], PersonaConfig(top_k=5))  # doctest: +SKIP
        >>> res.same_hand[0]["account_a"]  # doctest: +SKIP
        'acct_17'
    """
    import pyarrow.parquet as pq

    from inconcert.ingest import ingest

    with tempfile.TemporaryDirectory(prefix="inconcert-personas-") as work:
        ing = ingest(list(inputs), workdir=work, format=format, column_map=column_map)
        actions = pq.read_table(ing.actions_path, columns=["post_id", "account_id", "ts", "text", "repost_of"])
    res = personas_from_actions(actions, config, progress)
    res.summary["inputs"] = ing.inputs
    return res
