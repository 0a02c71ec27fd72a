"""Profiles computed in batches by worker processes give the same answer as one batch in one process."""

from __future__ import annotations

import inconcert.personas.run as run
from inconcert.personas import PersonaConfig, personas_from_actions
from inconcert.personas.synthetic import persona_actions


def test_batches_in_workers_match_one_process(monkeypatch):
    actions = persona_actions(seed=6, texts_per_account=40)
    one = personas_from_actions(actions, PersonaConfig(workers=1, evidence_pairs=0))
    monkeypatch.setattr(run, "_BATCH_TEXTS", 90)  # ~5 batches of accounts
    many = personas_from_actions(actions, PersonaConfig(workers=2, evidence_pairs=0))
    key = ("account_a", "account_b", "score", "p_value")
    assert [tuple(r[k] for k in key) for r in many.same_hand] == [tuple(r[k] for k in key) for r in one.same_hand]
    assert many.hands == one.hands
