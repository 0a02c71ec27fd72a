"""Rows and receipts: the same-hand table, the hands table, and for the best
pairs the features that drive their score and passages side by side.

Every row says what it rests on; shared habits are named with both accounts'
rates and the input's rate; shared character sequences with their counts on
each side. A shared sequence or habit is a reason to read the two accounts
side by side, not a proof that one hand wrote both.

>>> fmt_ngram(" lol!", 3, 5)
'« lol!» (3×, 5×)'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.spatial.distance import cdist

from inconcert.personas.calibrate import background_pairs
from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import HABIT_NAMES
from inconcert.personas.hands import ChunkTest
from inconcert.personas.ngrams import ngram_bucket
from inconcert.personas.profiles import N_BITS, StyleModel, Texts, count_rows, sum_rows
from inconcert.personas.scores import StyleViews, csls
from inconcert.personas.space import StyleSpace

__all__ = ["pair_rows", "hands_rows", "evidence_records", "fmt_ngram", "SAME_HAND_COLUMNS", "HANDS_COLUMNS"]

SAME_HAND_COLUMNS = [
    "account_a", "account_b", "score", "p_value", "rank_in_a", "rank_in_b", "mutual",
    "char_similarity", "char_csls", "habit_delta", "word_csls", "n_texts_a", "n_words_a", "n_texts_b", "n_words_b",
    "top_habits", "top_ngrams", "rhythm_similarity", "rhythm_p", "rests_on", "group_a", "group_b",
]
HANDS_COLUMNS = [
    "account_id", "n_texts", "n_words", "n_chunks", "hands_estimate", "dispersion", "dispersion_z",
    "split_after", "p_value", "silhouette", "note",
]
_RESTS = "style (char n-grams + {h} habits{fw}) of {wa} and {wb} words; a lead, not proof"


def fmt_ngram(ngram: str, ca: int, cb: int) -> str:
    """A shared character sequence for display, with its count on each side."""
    return f"«{ngram}» ({ca}×, {cb}×)"


def _top_habits(za: np.ndarray, zb: np.ndarray, ra: np.ndarray, rb: np.ndarray, mean: np.ndarray, n: int = 3) -> str:
    same = np.sign(za) == np.sign(zb)
    strength = np.where(same, np.minimum(np.abs(za), np.abs(zb)), 0.0)
    order = np.argsort(-strength, kind="stable")[:n]
    parts = [f"{HABIT_NAMES[h]} ({ra[h]:.2f}, {rb[h]:.2f}; input {mean[h]:.2f})" for h in order if strength[h] > 0.5]
    return "; ".join(parts)


def _ranked(space: StyleSpace) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each account's candidates ordered by score (exact: all accounts)."""
    n = len(space.n_words)
    cands: list[np.ndarray] = []
    scores: list[np.ndarray] = []
    if space.mode == "exact":
        hw = space.habit_weights if space.habit_weights is not None else np.ones(space.habit_z.shape[1])
        delta = cdist(space.habit_z * hw, space.habit_z * hw, "cityblock") / space.habit_z.shape[1]
        assert space.cos is not None and space.standardiser is not None
        ws = space.words
        # all pairs at once, as StyleSpace.score scores some pairs
        views = StyleViews(
            char=csls(space.cos, space.radius[:, None], space.radius[None, :]),
            habit=-delta,
            words=None if ws is None or ws.cos is None else csls(ws.cos, ws.radius[:, None], ws.radius[None, :]),
        )
        cfg = space.config
        s = space.standardiser.score(views, cfg.char_weight, cfg.habit_weight, cfg.word_weight)
        np.fill_diagonal(s, -np.inf)
        for i in range(n):
            o = np.argsort(-s[i], kind="stable")[: n - 1]
            cands.append(o)
            scores.append(s[i, o])
        return cands, scores
    # approximate: the char neighbours of i and the accounts that have i as a neighbour
    rev: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        for j in space.neighbours[i]:
            rev[int(j)].append(i)
    for i in range(n):
        c = np.unique(np.concatenate([space.neighbours[i], np.array(rev[i], dtype=np.int64)]))
        c = c[c != i]
        sc = space.score(np.full(len(c), i), c)
        o = np.lexsort((c, -sc))
        cands.append(c[o])
        scores.append(sc[o])
    return cands, scores


def pair_rows(
    space: StyleSpace, tx: Texts, idx: np.ndarray, rhythm: np.ndarray, habits: np.ndarray, cfg: PersonaConfig
) -> list[dict[str, Any]]:
    """``same_hand`` rows: every account's ``top_k`` best candidates (a pair once)."""
    cands, _ = _ranked(space)
    rank = [{int(j): r + 1 for r, j in enumerate(c)} for c in cands]
    pairs = sorted({(min(i, int(j)), max(i, int(j))) for i, c in enumerate(cands) for j in c[: cfg.top_k]})
    if not pairs:
        return []
    pi = np.array([p[0] for p in pairs])
    pj = np.array([p[1] for p in pairs])
    views = space.views(pi, pj)
    score = space.score(pi, pj)
    pval = space.p_values(score, pi, pj)
    cos = space.char_cosine(pi, pj)
    bc = np.sqrt(rhythm[pi] * rhythm[pj]).sum(axis=1)
    bi, bj = background_pairs(len(idx), cfg.background_pairs, cfg.seed)
    bg_bc = np.sort(np.sqrt(rhythm[bi] * rhythm[bj]).sum(axis=1))
    rp = (1.0 + len(bg_bc) - np.searchsorted(bg_bc, bc, side="left")) / (1.0 + len(bg_bc))
    hmean = habits.mean(axis=0)
    fw = f" + {len(space.words.mean)} frequent words" if space.words is not None else ""
    rows = []
    for k, (i, j) in enumerate(pairs):
        a, b = idx[i], idx[j]
        rows.append({
            "account_a": tx.accounts[a],
            "account_b": tx.accounts[b],
            "score": round(float(score[k]), 4),
            "p_value": float(f"{pval[k]:.4g}"),
            "rank_in_a": rank[i].get(j),
            "rank_in_b": rank[j].get(i),
            "mutual": bool(rank[i].get(j, 10**9) <= cfg.top_k and rank[j].get(i, 10**9) <= cfg.top_k),
            "char_similarity": round(float(cos[k]), 4),
            "char_csls": round(float(views.char[k]), 4),
            "habit_delta": round(float(-views.habit[k]), 4),
            "word_csls": None if views.words is None else round(float(views.words[k]), 4),
            "n_texts_a": int(tx.n_texts[a]),
            "n_words_a": int(tx.n_words[a]),
            "n_texts_b": int(tx.n_texts[b]),
            "n_words_b": int(tx.n_words[b]),
            "top_habits": _top_habits(space.habit_z[i], space.habit_z[j], habits[i], habits[j], hmean),
            "top_ngrams": "",
            "rhythm_similarity": round(float(bc[k]), 4),
            "rhythm_p": float(f"{rp[k]:.4g}"),
            "rests_on": _RESTS.format(h=len(HABIT_NAMES), fw=fw, wa=int(tx.n_words[a]), wb=int(tx.n_words[b])),
        })
    rows.sort(key=lambda r: (-r["score"], r["account_a"], r["account_b"]))
    return rows


def hands_rows(
    tx: Texts, tests: dict[int, ChunkTest | None], cfg: PersonaConfig
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``hands`` rows (every account) and ``hand_chunks`` rows (accounts with > 1 hand)."""
    p = {a: t.p_value for a, t in tests.items() if t is not None}
    rows, chunks = [], []
    for a, acc in enumerate(tx.accounts):
        t = tests.get(a)
        base = {"account_id": acc, "n_texts": int(tx.n_texts[a]), "n_words": int(tx.n_words[a])}
        if t is None:
            rows.append({**base, "n_chunks": None, "hands_estimate": None, "dispersion": None,
                         "dispersion_z": None, "split_after": None, "p_value": None, "silhouette": None,
                         "note": f"too little text for the hands test (needs {cfg.min_chunks} chunks of "
                                 f"{min(cfg.min_chunk_words, cfg.chunk_words)} words or more)"})
            continue
        several = bool(p[a] < cfg.alpha) and t.hands > 1  # NaN (no background) is never < alpha
        rows.append({**base, "n_chunks": t.n_chunks, "hands_estimate": t.hands if several else 1,
                     "dispersion": float(f"{t.dispersion:.4g}"), "dispersion_z": round(t.z, 3),
                     "split_after": tx.post_id[tx.rows(a).start + t.split - 1].as_py(),
                     "p_value": None if np.isnan(p[a]) else float(f"{p[a]:.4g}"),
                     "silhouette": round(t.silhouette, 3) if several else None,
                     "note": ("texts in time differ more than the input's other accounts: "
                              "several hands, or one hand changing genre/topic") if several
                             else ("fewer than 6 accounts tested: no background" if np.isnan(p[a]) else "")})
        if several:
            r0 = tx.rows(a).start
            for c in range(t.n_chunks):
                lo, hi = int(t.bounds[c]), int(t.bounds[c + 1])
                chunks.append({"account_id": acc, "chunk": c, "hand": int(t.labels[c]) + 1, "n_texts": hi - lo,
                               "n_words": int(tx.words[r0 + lo: r0 + hi].sum()),
                               "first_post_id": tx.post_id[r0 + lo].as_py(),
                               "last_post_id": tx.post_id[r0 + hi - 1].as_py(),
                               "first_ts": _iso(tx.ts[r0 + lo]), "last_ts": _iso(tx.ts[r0 + hi - 1])})
    return rows, chunks


def _iso(us: int) -> str:
    return str(np.datetime64(int(us), "us")).replace("T", " ")[:19] + "Z"


def _analyzer(cfg: PersonaConfig) -> Callable[[str], list[str]]:
    """The character n-grams of a text, as :func:`~inconcert.personas.ngrams.ngram_counts` counts them."""
    lo, hi = cfg.ngram_min, cfg.ngram_max
    return lambda s: [s[i:i + n] for n in range(lo, hi + 1) for i in range(len(s) - n + 1)]


def evidence_records(
    same_hand: list[dict[str, Any]],
    hands: list[dict[str, Any]],
    chunks: list[dict[str, Any]],
    tx: Texts,
    model: StyleModel,
    cfg: PersonaConfig,
) -> list[dict[str, Any]]:
    """Receipts for the best ``evidence_pairs`` pairs (shared sequences, passages side
    by side; their ``top_ngrams`` cell is filled in) and for each several-hands account."""
    pos = {a: i for i, a in enumerate(tx.accounts)}
    analyze = _analyzer(cfg)
    feat_pos = {int(f): k for k, f in enumerate(model.features)}
    cache: dict[int, tuple[Any, Any]] = {}

    def profile(a: int) -> tuple[Any, Any]:
        if a not in cache:
            rows = count_rows(tx.style[tx.rows(a)], cfg)
            cache[a] = (model.transform(sum_rows(rows, np.array([0, rows.shape[0]]))), model.transform(rows))
        return cache[a]

    gram_cache: dict[int, Counter[str]] = {}
    bucket: dict[str, int | None] = {}

    def grams(a: int) -> Counter[str]:
        """The account's n-grams of 3+ characters that are not all blank, with counts."""
        if a not in gram_cache:
            c: Counter[str] = Counter()
            for s in tx.style[tx.rows(a)].to_pylist():
                c.update(analyze(s or ""))
            gram_cache[a] = Counter({g: n for g, n in c.items() if len(g) >= 3 and g.strip()})
        return gram_cache[a]

    out: list[dict[str, Any]] = []
    for row in same_hand[: cfg.evidence_pairs]:
        a, b = pos[row["account_a"]], pos[row["account_b"]]
        (xa, ta), (xb, tb) = profile(a), profile(b)
        contrib = (xa.toarray()[0] - model.mean) * (xb.toarray()[0] - model.mean)
        grams_a, grams_b = grams(a), grams(b)
        shared = []
        for g, ca in grams_a.items():
            cb = grams_b.get(g)
            if not cb:
                continue
            if g not in bucket:
                bucket[g] = feat_pos.get(ngram_bucket(g, N_BITS))
            k = bucket[g]
            if k is not None and contrib[k] > 0:
                shared.append((-float(contrib[k]), g, ca, cb))
        shared.sort()
        top = [fmt_ngram(g, ca, cb) for _, g, ca, cb in shared[:8]]
        row["top_ngrams"] = "; ".join(top)
        sims = (ta @ tb.T).toarray()
        passages = []
        used_a: set[int] = set()
        used_b: set[int] = set()
        for flat in np.argsort(-sims, axis=None, kind="stable")[:200]:
            i, j = divmod(int(flat), sims.shape[1])
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            ra, rb = tx.rows(a).start + i, tx.rows(b).start + j
            passages.append({"a": tx.text[ra].as_py(), "b": tx.text[rb].as_py(),
                             "a_post_id": tx.post_id[ra].as_py(), "b_post_id": tx.post_id[rb].as_py(),
                             "similarity": round(float(sims[i, j]), 3)})
            if len(passages) == 3:
                break
        out.append({"kind": "same_hand", "account_a": row["account_a"], "account_b": row["account_b"],
                    "score": row["score"], "p_value": row["p_value"], "rests_on": row["rests_on"],
                    "n_words_a": row["n_words_a"], "n_words_b": row["n_words_b"],
                    "shared_sequences": [{"ngram": g, "count_a": ca, "count_b": cb} for _, g, ca, cb in shared[:12]],
                    "habits": row["top_habits"], "passages": passages,
                    "rhythm_similarity": row["rhythm_similarity"], "rhythm_p": row["rhythm_p"]})
    by_acc: dict[str, list[dict[str, Any]]] = {}
    for c in chunks:
        by_acc.setdefault(c["account_id"], []).append(c)
    for h in hands:
        if not h["hands_estimate"] or h["hands_estimate"] <= 1:
            continue
        a = pos[h["account_id"]]
        r0 = tx.rows(a).start
        groups: dict[int, list[str]] = {}
        offs = 0
        for c in by_acc.get(h["account_id"], []):
            ex = groups.setdefault(c["hand"], [])
            if len(ex) < 2:
                ex.append(tx.text[r0 + offs].as_py())
            offs += c["n_texts"]
        out.append({"kind": "hands", "account_id": h["account_id"], "hands_estimate": h["hands_estimate"],
                    "p_value": h["p_value"], "chunks": by_acc.get(h["account_id"], []),
                    "examples": {str(k): v for k, v in sorted(groups.items())},
                    "rests_on": "style of the account's texts in time order, against the input's other accounts"})
    return out
