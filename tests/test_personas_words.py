"""Personas: the word view (rates of the input's most frequent words, Cosine Delta)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.personas import PersonaConfig, personas_from_actions
from inconcert.personas.space import build_words
from inconcert.personas.synthetic import persona_actions
from inconcert.personas.words import top_words, word_counts, word_rates


def test_tokens_keep_placeholders_and_punctuation_apart():
    style = pa.array(["The cat, the HAT!!", "#Aa the ↗", None, ""])
    assert top_words(style, 3) == ["the", "!", "#aa"]
    c = word_counts(style, ["the", "!", "#aa", ","])
    assert c.tolist() == [[2, 2, 0, 1, 7], [1, 0, 1, 0, 3], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]
    assert word_rates(c[:2].sum(axis=0)).round(3).tolist() == [0.3, 0.2, 0.1, 0.1]


def test_top_words_ties_are_broken_by_the_word():
    assert top_words(pa.array(["b a c", "c a b"]), 2) == ["a", "b"]


def test_word_view_radius_is_the_same_exact_and_hnsw():
    rng = np.random.default_rng(0)
    rates = rng.random((40, 12))
    cfg = PersonaConfig()
    exact, approx = build_words(rates, None, "exact", cfg), build_words(rates, None, "hnsw", cfg)
    assert np.allclose(exact.radius, approx.radius, atol=1e-5)
    assert np.allclose(np.linalg.norm(exact.vecs, axis=1), 1.0, atol=1e-5)


def test_run_reports_the_words_and_zero_turns_the_view_off():
    actions = persona_actions(seed=5)
    on = personas_from_actions(actions, PersonaConfig(evidence_pairs=0, workers=1))
    off = personas_from_actions(
        actions, PersonaConfig(evidence_pairs=0, workers=1, function_words=0)
    )
    words = on.summary["function_words"]
    assert 0 < len(words) <= 100 and abs(np.mean(list(words.values())) - 1.0) < 1e-3
    assert (
        "most frequent words" in on.summary["rests_on"]
        and "frequent words" in on.same_hand[0]["rests_on"]
    )
    assert all(r["word_csls"] is not None for r in on.same_hand)
    assert off.summary["function_words"] == {} and "frequent words" not in off.summary["rests_on"]
    assert all(r["word_csls"] is None for r in off.same_hand)
    for res in (on, off):  # the planted pair either way
        top = res.same_hand[0]
        assert {top["account_a"], top["account_b"]} == {"hand1_a", "hand1_b"}
    same = personas_from_actions(
        actions, PersonaConfig(evidence_pairs=0, workers=1, word_weight=0.0)
    )
    a, b = ["hand1_a", "w2"], ["hand1_b", "w3"]
    assert np.allclose(same.pair_scores(a, b), off.pair_scores(a, b))
    assert not np.allclose(on.pair_scores(a, b), off.pair_scores(a, b))


def test_hands_weights_are_checked_and_used():
    import pytest

    from inconcert.errors import ConfigError

    with pytest.raises(ConfigError, match="hands_weights"):
        PersonaConfig(hands_weights=(0.0, 0.0, 0.0))
    actions = persona_actions(seed=5)
    runs = {
        w: personas_from_actions(
            actions, PersonaConfig(evidence_pairs=0, workers=1, hands_weights=w)
        )
        for w in ((0.5, 1.0, 1.0), (2.0, 1.0, 0.0))
    }
    for res in runs.values():  # the planted byline of two writers either way
        hands = {h["account_id"]: h for h in res.hands}
        assert hands["byline_two_hands"]["hands_estimate"] == 2
    d = [
        {h["account_id"]: h["dispersion"] for h in r.hands}["byline_two_hands"]
        for r in runs.values()
    ]
    assert d[0] != d[1]
