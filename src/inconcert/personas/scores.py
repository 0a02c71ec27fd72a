"""Same-hand scores for pairs of accounts.

Three style views, each turned into a similarity and standardised against the
input's background of random pairs, then averaged with weights:

* **char**: centered cosine of the character n-gram profiles, hubness-corrected
  by CSLS: ``2·cos(a,b) − r_a − r_b`` where ``r_a`` is the mean similarity of
  ``a`` to its ``hubness_k`` nearest neighbours. Accounts that are close to
  everyone (a bland register) stop crowding every list; a pair counts when
  each is unusually close to the other *for them* — a soft form of the
  mutual-rank rule.
* **habits**: minus Burrows' Delta over z-scored habit vectors, each habit
  weighted by how well an account keeps it (learned from the input itself).
* **words**: the cosine of the weighted z-scored rates of the input's most
  frequent words (Cosine Delta, :mod:`inconcert.personas.words`), hubness-corrected
  like the char view.

``score`` is the weighted mean of the standardised views (higher = more
likely one hand; 0 = a typical pair of this input). The posting rhythm is a
separate, named signal and never enters ``score``.

References: G. Lample et al., "Word translation without parallel data", ICLR
2018 (CSLS); S. Kumar et al., "An army of me: sockpuppets in online discussion
communities", WWW 2017 (sockpuppet pairs share writing habits).

>>> v = StyleViews(char=np.array([1.0, 0.0]), habit=np.array([-0.5, -2.0]))
>>> std = Standardiser(char=(0.0, 1.0), habit=(-1.0, 0.5))
>>> std.score(v, 2.0, 1.0).round(3).tolist()
[1.0, -0.667]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["StyleViews", "Standardiser", "csls"]


@dataclass
class StyleViews:
    """The style similarities of some pairs (``words`` None when the word view is off)."""

    char: np.ndarray
    habit: np.ndarray
    words: np.ndarray | None = None


@dataclass
class Standardiser:
    """(mean, sd) of each view over the background pairs."""

    char: tuple[float, float]
    habit: tuple[float, float]
    words: tuple[float, float] = (0.0, 1.0)

    @classmethod
    def fit(cls, v: StyleViews) -> Standardiser:
        def ms(x: np.ndarray) -> tuple[float, float]:
            return (float(np.mean(x)), float(np.std(x)) or 1.0) if len(x) else (0.0, 1.0)

        return cls(ms(v.char), ms(v.habit), ms(v.words) if v.words is not None else (0.0, 1.0))

    def score(
        self, v: StyleViews, char_weight: float, habit_weight: float, word_weight: float = 0.0
    ) -> np.ndarray:
        zc = (v.char - self.char[0]) / self.char[1]
        zh = (v.habit - self.habit[0]) / self.habit[1]
        if v.words is None or word_weight <= 0:
            return (char_weight * zc + habit_weight * zh) / (char_weight + habit_weight)
        zw = (v.words - self.words[0]) / self.words[1]
        total = char_weight + habit_weight + word_weight
        return (char_weight * zc + habit_weight * zh + word_weight * zw) / total


def csls(sim: np.ndarray, r_a: np.ndarray, r_b: np.ndarray) -> np.ndarray:
    """Hubness-corrected similarity ``2·sim − r_a − r_b``.

    >>> csls(np.array([0.5]), np.array([0.4]), np.array([0.2])).round(3).tolist()
    [0.4]
    """
    return 2.0 * sim - r_a - r_b
