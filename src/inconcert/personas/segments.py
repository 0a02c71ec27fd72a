"""The hands test's scoring step: before/after profiles of each tested account
scored with the same-hand score, against the input's accounts (see
:mod:`inconcert.personas.hands` for the method).

Profiles here live in the reduced space (truncated SVD of the character n-gram
profiles, centered, unit length) so that every account's segments can be kept
in memory and compared with every account (exactly, or through the HNSW index).

>>> seg = HandsInput(0, [2], np.eye(3)[:2], np.zeros((2, 1)), np.eye(3), np.array([0, 1, 2, 3]))
>>> seg.splits
[2]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from inconcert.personas.calibrate import background_pairs
from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import burrows_delta
from inconcert.personas.hands import ChunkTest, background_centre, background_p, cluster_chunks
from inconcert.personas.scores import Standardiser, StyleViews, csls
from inconcert.personas.space import StyleSpace

__all__ = ["HandsInput", "score_hands"]


@dataclass
class HandsInput:
    """What the hands test needs of one account, gathered while profiling."""

    account: int  # index into Texts.accounts
    splits: list[int]
    segments: np.ndarray  # 2·len(splits) reduced profiles: before, after, before, after …
    segment_habits: np.ndarray  # raw habit means of the same segments
    chunks: np.ndarray  # reduced profile of every chunk
    bounds: np.ndarray
    segment_words: np.ndarray | None = None  # word rates of the same segments (word view)


def _radius(vecs: np.ndarray, z: np.ndarray, index: Any, exclude: np.ndarray, k: int,
            block: int = 4096) -> np.ndarray:
    """Mean similarity of each vector to its ``k`` nearest scored accounts (rows of ``z``,
    indexed by ``index`` when not None) other than ``exclude`` (one per vector, −1 = none),
    in one batched query."""
    if index is not None:
        labels, dist = index.knn_query(vecs.astype(np.float32), k=min(k + 1, len(z)))
        sims = np.where(labels == exclude[:, None], -np.inf, 1.0 - dist)
        return np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1)
    out = np.empty(len(vecs))
    for lo in range(0, len(vecs), block):
        sims = vecs[lo: lo + block] @ z.T
        ex = exclude[lo: lo + block]
        has = np.flatnonzero(ex >= 0)
        sims[has, ex[has]] = -np.inf
        kk = min(k, sims.shape[1] - (1 if len(has) else 0))
        out[lo: lo + block] = np.sort(np.partition(sims, -kk, axis=1)[:, -kk:], axis=1).mean(axis=1)
    return out


def score_hands(
    inputs: list[HandsInput], scored_pos: dict[int, int], z: np.ndarray, space: StyleSpace, cfg: PersonaConfig
) -> dict[int, ChunkTest]:
    """Run the hands test of every input account (see :mod:`inconcert.personas.hands`),
    all accounts' segments scored in one batch."""
    if not inputs or len(z) < 2:
        return {}
    k = cfg.hubness_k
    assert space.habit_mean is not None and space.habit_sd is not None
    # the scored accounts' own radii in the reduced space, and a standardiser fitted there
    if space.index is not None:
        r_acc = space.radius
    else:
        g = z @ z.T
        np.fill_diagonal(g, -np.inf)
        kk = min(k, len(z) - 1)
        r_acc = np.sort(np.partition(g, -kk, axis=1)[:, -kk:], axis=1).mean(axis=1)
    bi, bj = background_pairs(len(z), cfg.background_pairs, cfg.seed)
    ws = space.words
    bg_w = None if ws is None else csls(ws.cosine(bi, bj), ws.radius[bi], ws.radius[bj])
    bg = StyleViews(char=csls(np.einsum("ij,ij->i", z[bi], z[bj]), r_acc[bi], r_acc[bj]), words=bg_w,
                    habit=-burrows_delta(space.habit_z[bi], space.habit_z[bj], space.habit_weights))
    std = Standardiser.fit(bg)
    inputs = sorted(inputs, key=lambda h: h.account)
    ref = cfg.hands_reference == "interleaved"
    n_pairs = np.array([len(h.splits) + ref for h in inputs], dtype=np.int64)
    seg = np.vstack([h.segments for h in inputs])
    seg_h = np.vstack([h.segment_habits for h in inputs])
    excl = np.repeat(np.array([scored_pos.get(h.account, -1) for h in inputs], dtype=np.int64), 2 * n_pairs)
    r = _radius(seg, z, space.index, excl, k)
    seg_wv = None
    if ws is not None:
        wv = np.empty((len(seg), ws.vecs.shape[1]), np.float32)
        p0 = 0
        for lo in range(0, len(inputs), 8192):  # in blocks: 10⁶ segments × 100 words at once are 0.8 GB
            part = ws.vectors(np.vstack([h.segment_words for h in inputs[lo: lo + 8192]]))
            wv[p0: p0 + len(part)] = part
            p0 += len(part)
        rw = _radius(wv, ws.vecs, ws.index, excl, k)
        seg_wv = csls(np.einsum("ij,ij->i", wv[0::2], wv[1::2]), rw[0::2], rw[1::2])
    before, after = seg[0::2], seg[1::2]
    hz = (seg_h - space.habit_mean) / space.habit_sd
    views = StyleViews(char=csls(np.einsum("ij,ij->i", before, after), r[0::2], r[1::2]),
                       habit=-burrows_delta(hz[0::2], hz[1::2], space.habit_weights), words=seg_wv)
    s = std.score(views, *cfg.hands_weights)  # the char view drifts most with topic over time
    starts = np.concatenate([[0], np.cumsum(n_pairs)[:-1]])
    d = np.empty(len(inputs))
    split = np.empty(len(inputs), dtype=np.int64)
    for n, (h, s0) in enumerate(zip(inputs, starts, strict=True)):
        w = int(np.argmin(s[s0: s0 + len(h.splits)]))
        d[n], split[n] = -float(s[s0 + w]), h.splits[w]
        if ref:  # against the account's own interleaved halves, not only the input's accounts
            d[n] += float(s[s0 + len(h.splits)])
    p = background_p(d)
    med, scale = background_centre(d)
    out: dict[int, ChunkTest] = {}
    for n, h in enumerate(inputs):
        hands, sil, labels = 1, float("nan"), np.zeros(len(h.chunks), dtype=np.int64)
        if p[n] < cfg.alpha:
            hands, sil, labels = cluster_chunks(h.chunks, cfg.max_hands)
        out[h.account] = ChunkTest(len(h.chunks), float(d[n]), int(split[n]), hands, sil, labels, h.bounds,
                                   p_value=float(p[n]), z=float((d[n] - med[n]) / scale[n]))
    return out
