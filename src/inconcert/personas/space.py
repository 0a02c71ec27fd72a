"""The style space of one run: profiles of the scored accounts, their
neighbours, the hubness radii, the standardiser and the background, and
scoring of any pair in it.

>>> StyleSpace.__name__
'StyleSpace'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from inconcert.personas.calibrate import Background, background_pairs
from inconcert.personas.config import PersonaConfig
from inconcert.personas.habits import burrows_delta
from inconcert.personas.neighbours import centered_cosine_matrix, centered_cosine_pairs, knn
from inconcert.personas.scores import Standardiser, StyleViews, csls

__all__ = ["StyleSpace", "WordSpace", "build_space", "build_words"]


@dataclass
class WordSpace:
    """The word view of the scored accounts: weighted z-scored word rates, unit rows."""

    mean: np.ndarray
    sd: np.ndarray
    scale: np.ndarray  # √(learned weight) of each word
    vecs: np.ndarray  # n × words, float32, unit rows
    radius: np.ndarray  # hubness radius of each account (word view)
    cos: np.ndarray | None = None  # exact: all pairs
    index: Any = None  # hnsw: the index over vecs

    def vectors(self, rates: np.ndarray) -> np.ndarray:
        """Unit rows of any word rates (segments of the hands test) in this space."""
        v = np.asarray(rates, np.float32) - self.mean.astype(np.float32)
        v *= (self.scale / self.sd).astype(np.float32)
        v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return v

    def cosine(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.cos is not None:
            return self.cos[i, j]
        return np.einsum("ij,ij->i", self.vecs[i], self.vecs[j]).astype(np.float64)


def build_words(
    rates: np.ndarray, weights: np.ndarray | None, mode: str, config: PersonaConfig
) -> WordSpace:
    """The word view of ``rates`` (accounts × words): z-scores over the accounts, each word
    scaled by √weight, unit rows; neighbours for the hubness radius exactly or by HNSW."""
    n = len(rates)
    mu, sd = rates.mean(axis=0), rates.std(axis=0)
    scale = np.sqrt(weights) if weights is not None else np.ones(rates.shape[1])
    ws = WordSpace(
        mu, np.where(sd > 0, sd, 1.0), scale, np.zeros((n, rates.shape[1]), np.float32), np.zeros(n)
    )
    ws.vecs = ws.vectors(rates)
    k = max(1, min(config.hubness_k, n - 1))
    if n < 2:
        return ws
    if mode == "exact":
        cos = (ws.vecs @ ws.vecs.T).astype(np.float64)
        np.fill_diagonal(cos, -np.inf)
        ws.radius = np.sort(np.partition(cos, -k, axis=1)[:, -k:], axis=1).mean(axis=1)
        np.fill_diagonal(cos, 1.0)
        ws.cos = cos
    else:
        _, sims, ws.index = knn(ws.vecs, k, seed=config.seed, threads=config.workers or 1)
        ws.radius = sims[:, :k].mean(axis=1)
        # the hands test's segments query it for their radius (10⁵ accounts: 10⁶ queries): ef 32
        # halves the time of 64, the radius of 3 neighbours within 10⁻⁴ on average
        ws.index.set_ef(32)
    return ws


@dataclass
class StyleSpace:
    """Everything needed to score pairs of scored accounts (indices 0..n-1)."""

    mode: str  # "exact" or "hnsw"
    n_words: np.ndarray
    habit_z: np.ndarray
    radius: np.ndarray  # hubness radius r of each account (char view)
    neighbours: np.ndarray  # n × k candidate indices, best char similarity first
    config: PersonaConfig
    x: sp.csr_matrix | None = None  # exact: TF-IDF rows
    mean: np.ndarray | None = None
    z: np.ndarray | None = None  # hnsw: reduced, centered, unit rows
    cos: np.ndarray | None = None  # exact: all-pairs centered cosine
    standardiser: Standardiser | None = None
    background: Background | None = None
    background_scores: np.ndarray | None = None
    index: Any = None  # hnsw: the index over z
    habit_mean: np.ndarray | None = None
    habit_sd: np.ndarray | None = None
    habit_weights: np.ndarray | None = None  # of Burrows' Delta (mean 1); None = equal
    words: WordSpace | None = None  # the word view; None = off

    def char_cosine(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.cos is not None:
            return self.cos[i, j]
        if self.z is not None:
            return np.einsum("ij,ij->i", self.z[i], self.z[j]).astype(np.float64)
        assert self.x is not None and self.mean is not None
        return centered_cosine_pairs(self.x, self.mean, i, j)

    def views(self, i: np.ndarray, j: np.ndarray) -> StyleViews:
        c = csls(self.char_cosine(i, j), self.radius[i], self.radius[j])
        w = None
        if self.words is not None:
            w = csls(self.words.cosine(i, j), self.words.radius[i], self.words.radius[j])
        return StyleViews(
            char=c,
            habit=-burrows_delta(self.habit_z[i], self.habit_z[j], self.habit_weights),
            words=w,
        )

    def score(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Same-hand score of pairs (higher = more likely one hand; 0 ≈ a typical pair)."""
        assert self.standardiser is not None
        cfg = self.config
        return self.standardiser.score(
            self.views(i, j), cfg.char_weight, cfg.habit_weight, cfg.word_weight
        )

    def p_values(self, scores: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        assert self.background is not None
        return self.background.p_values(scores, np.minimum(self.n_words[i], self.n_words[j]))


def build_space(
    x: sp.csr_matrix | None,
    mean: np.ndarray | None,
    z: np.ndarray | None,
    habits: np.ndarray,
    n_words: np.ndarray,
    config: PersonaConfig,
    habit_weights: np.ndarray | None = None,
    word_rates: np.ndarray | None = None,
    word_weights: np.ndarray | None = None,
) -> StyleSpace:
    """Neighbours, radii, standardiser and background for the scored accounts.

    ``x``/``mean`` (exact: used when given) or ``z`` (hnsw) are the char profiles; ``habits`` the raw
    habit matrix of the same accounts; ``habit_weights`` those of Burrows' Delta (None = equal);
    ``word_rates`` (None = no word view) and ``word_weights`` those of the word view."""
    n = len(n_words)
    mu, sd = habits.mean(axis=0), habits.std(axis=0)
    habit_z = (habits - mu) / np.where(sd > 0, sd, 1.0)
    k = max(3 * config.top_k, config.hubness_k + 1)
    k = max(1, min(k, n - 1))
    cos = None
    index = None
    if x is not None:
        assert x is not None and mean is not None
        cos = centered_cosine_matrix(x, mean)
        np.fill_diagonal(cos, -np.inf)
        nbr = np.argsort(-cos, axis=1, kind="stable")[:, :k]
        sims = np.take_along_axis(cos, nbr, axis=1)
        np.fill_diagonal(cos, 1.0)
        mode = "exact"
    else:
        nbr, sims, index = knn(z, k, seed=config.seed, threads=config.workers or 1)
        mode = "hnsw"
    h = min(config.hubness_k, sims.shape[1])
    radius = sims[:, :h].mean(axis=1) if n > 1 else np.zeros(n)
    space = StyleSpace(
        mode, n_words, habit_z, radius, nbr, config, x=x, mean=mean, z=z, cos=cos, index=index
    )
    space.habit_mean, space.habit_sd = mu, np.where(sd > 0, sd, 1.0)
    space.habit_weights = habit_weights
    if word_rates is not None and word_rates.shape[1] and config.word_weight > 0:
        space.words = build_words(word_rates, word_weights, mode, config)
    bi, bj = background_pairs(n, config.background_pairs, config.seed)
    views = space.views(bi, bj)
    space.standardiser = Standardiser.fit(views)
    bg = space.standardiser.score(
        views, config.char_weight, config.habit_weight, config.word_weight
    )
    space.background_scores = bg
    space.background = Background.fit(bg, np.minimum(n_words[bi], n_words[bj]))
    return space
