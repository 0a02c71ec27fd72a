"""Personas: habit weights of Burrows' Delta learned from the input's own time halves."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.personas import PersonaConfig, personas_from_actions
from inconcert.personas.habits import HABIT_NAMES, burrows_delta, habit_halves, habit_weights
from inconcert.personas.synthetic import persona_actions


def _kept_and_wandering(
    seed: int = 0, n: int = 40, texts: int = 30
) -> tuple[np.ndarray, np.ndarray]:
    """Habit 0 is each account's own (kept over time); habit 1 is drawn afresh per text."""
    rng = np.random.default_rng(seed)
    own = rng.random(n)
    per_text = np.column_stack(
        [rng.random(n * texts) < np.repeat(own, texts), rng.random(n * texts) < 0.5]
    ).astype(float)
    return per_text, np.full(n, texts)


def test_habit_halves_are_first_and_second_half_means():
    per_text = np.array([[1.0], [3.0], [5.0], [7.0], [2.0]])
    h = habit_halves(per_text, np.array([4, 1]))
    assert h[:, :, 0].tolist() == [[2.0, 6.0], [2.0, 2.0]]


def test_a_kept_habit_outweighs_a_wandering_one():
    per_text, n_texts = _kept_and_wandering()
    halves = habit_halves(per_text, n_texts)
    w = habit_weights(halves.mean(axis=1), halves)
    assert w[0] > 3 * w[1] and np.isclose(w.mean(), 1.0)
    # in the weighted Delta a difference in the kept habit counts more than one in the other
    zero = np.zeros((1, 2))
    assert (
        burrows_delta(np.array([[1.0, 0.0]]), zero, w)[0]
        > 3 * burrows_delta(np.array([[0.0, 1.0]]), zero, w)[0]
    )


def test_too_few_accounts_get_equal_weights():
    per_text, n_texts = _kept_and_wandering(n=4)
    halves = habit_halves(per_text, n_texts)
    assert habit_weights(halves.mean(axis=1), halves).tolist() == [1.0, 1.0]


def test_run_reports_weights_and_equal_is_the_old_delta():
    actions = persona_actions(seed=5)
    learned = personas_from_actions(actions, PersonaConfig(evidence_pairs=0, workers=1))
    equal = personas_from_actions(
        actions, PersonaConfig(evidence_pairs=0, workers=1, habit_weighting="equal")
    )
    w = learned.summary["habit_weights"]
    assert list(w) == HABIT_NAMES and abs(np.mean(list(w.values())) - 1.0) < 1e-3
    assert equal.summary["habit_weights"] is None
    # same planted answer either way; the habit view differs
    for res in (learned, equal):
        top = res.same_hand[0]
        assert {top["account_a"], top["account_b"]} == {"hand1_a", "hand1_b"}
    a, b = ["hand1_a", "w2"], ["hand1_b", "w3"]
    assert not np.allclose(learned.pair_scores(a, b), equal.pair_scores(a, b))


def test_learned_weights_are_deterministic():
    actions = persona_actions(seed=2)
    cfg = PersonaConfig(evidence_pairs=0, workers=1)
    one = personas_from_actions(actions, cfg).summary["habit_weights"]
    two = personas_from_actions(
        actions.take(pa.array(np.arange(actions.num_rows)[::-1])), cfg
    ).summary["habit_weights"]
    assert one == two
