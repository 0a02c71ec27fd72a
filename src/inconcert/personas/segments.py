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

import numpy as np

from inconcert.personas.calibrate import background_pairs
from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import burrows_delta
from inconcert.personas.hands import MIN_SCALE, ChunkTest, background_p, cluster_chunks
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


def _radius(vecs: np.ndarray, z: np.ndarray, space: StyleSpace, exclude: int, k: int) -> np.ndarray:
    """Mean similarity of each vector to its ``k`` nearest scored accounts other than ``exclude``."""
    if space.index is not None:
        labels, dist = space.index.knn_query(vecs.astype(np.float32), k=min(k + 1, len(z)))
        sims = np.where(labels == exclude, -np.inf, 1.0 - dist)
        return np.sort(sims, axis=1)[:, ::-1][:, :k].mean(axis=1)
    sims = vecs @ z.T
    if exclude >= 0:
        sims[:, exclude] = -np.inf
    kk = min(k, sims.shape[1] - (1 if exclude >= 0 else 0))
    return np.sort(np.partition(sims, -kk, axis=1)[:, -kk:], axis=1).mean(axis=1)


def score_hands(
    inputs: list[HandsInput], scored_pos: dict[int, int], z: np.ndarray, space: StyleSpace, cfg: PersonaConfig
) -> dict[int, ChunkTest]:
    """Run the hands test of every input account (see :mod:`inconcert.personas.hands`)."""
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
    bg = StyleViews(char=csls(np.einsum("ij,ij->i", z[bi], z[bj]), r_acc[bi], r_acc[bj]),
                    habit=-burrows_delta(space.habit_z[bi], space.habit_z[bj]))
    std = Standardiser.fit(bg)
    disp: dict[int, tuple[float, int]] = {}
    for h in inputs:
        self_pos = scored_pos.get(h.account, -1)
        r = _radius(h.segments, z, space, self_pos, k)
        before, after = h.segments[0::2], h.segments[1::2]
        hz = (h.segment_habits - space.habit_mean) / space.habit_sd
        views = StyleViews(char=csls(np.einsum("ij,ij->i", before, after), r[0::2], r[1::2]),
                           habit=-burrows_delta(hz[0::2], hz[1::2]))
        s = std.score(views, cfg.char_weight, cfg.habit_weight)
        w = int(np.argmin(s))
        disp[h.account] = (-float(s[w]), h.splits[w])
    accounts = sorted(disp)
    d = np.array([disp[a][0] for a in accounts])
    p = background_p(d)
    out: dict[int, ChunkTest] = {}
    by = {h.account: h for h in inputs}
    for a, pa_ in zip(accounts, p, strict=True):
        h = by[a]
        hands, sil, labels = 1, float("nan"), np.zeros(len(h.chunks), dtype=np.int64)
        if pa_ < cfg.alpha:
            hands, sil, labels = cluster_chunks(h.chunks, cfg.max_hands)
        others = np.delete(d, accounts.index(a))
        med = float(np.median(others)) if len(others) else 0.0
        scale = max(1.4826 * float(np.median(np.abs(others - med))), MIN_SCALE) if len(others) else 1.0
        out[a] = ChunkTest(len(h.chunks), disp[a][0], disp[a][1], hands, sil, labels, h.bounds,
                           p_value=float(pa_), z=(disp[a][0] - med) / scale)
    return out
