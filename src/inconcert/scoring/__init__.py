"""Scoring: how unlikely each link is by chance, and how well verdicts match labels.

:func:`score_links` adds ``expected``, ``p_value``, ``surprise``, ``q_value``
and ``significant`` to the ``links`` table (null model in
:mod:`inconcert.scoring.nullmodel`, maths in ``docs/null-model.md``).

>>> from inconcert.scoring import bh_qvalues
>>> bh_qvalues([0.001, 0.5]).tolist()
[0.002, 0.5]
"""

from __future__ import annotations

from inconcert.scoring.evaluate import evaluate_verdicts
from inconcert.scoring.nullmodel import fdr_of, score_links
from inconcert.scoring.stats import bh_qvalues, conditional_poisson_logsf, simes

__all__ = [
    "score_links",
    "fdr_of",
    "bh_qvalues",
    "conditional_poisson_logsf",
    "simes",
    "evaluate_verdicts",
]
