"""Scoring: how unlikely each link is by chance, and how well verdicts match labels.

:func:`score_links` adds ``expected``, ``p_value``, ``surprise``, ``q_value``
and ``significant`` to the ``links`` table (null model in
:mod:`inconcert.scoring.nullmodel`, maths in ``docs/null-model.md``);
:func:`attach_pooled` adds to the groups found the accounts whose links to a
group are each too weak but together beyond chance
(:mod:`inconcert.scoring.pooled`).

>>> from inconcert.scoring import bh_qvalues
>>> bh_qvalues([0.001, 0.5]).tolist()
[0.002, 0.5]
"""

from __future__ import annotations

from inconcert.evaluate import evaluate_verdicts
from inconcert.scoring.nullmodel import (
    drop_one_object_groups,
    fdr_of,
    prepare_null,
    primary_share_sql,
    score_links,
)
from inconcert.scoring.pooled import attach_pooled, pooled_enabled
from inconcert.scoring.stats import bh_qvalues, conditional_poisson_logsf, simes

__all__ = [
    "score_links",
    "prepare_null",
    "primary_share_sql",
    "drop_one_object_groups",
    "fdr_of",
    "attach_pooled",
    "pooled_enabled",
    "bh_qvalues",
    "conditional_poisson_logsf",
    "simes",
    "evaluate_verdicts",
]
