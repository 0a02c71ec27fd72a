"""Known answers for the null model, BH and the conditional Poisson tail."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.scoring import bh_qvalues, conditional_poisson_logsf, score_links, simes
from inconcert.scoring.nullmodel import fdr_of
from inconcert.scoring.stats import two_part_logp

S = 1_000_000  # microseconds per second


def _engine(
    traces: list[tuple[str, str, float]],
    pairs: list[tuple[str, str, str]],
    links: list[tuple[str, str, int]],
) -> DuckDBEngine:
    e = DuckDBEngine()
    e.register_arrow(
        "traces",
        pa.table(
            {
                "behaviour": ["object"] * len(traces),
                "object": [o for o, _, _ in traces],
                "account_id": [a for _, a, _ in traces],
                "post_id": [f"p{i}" for i in range(len(traces))],
                "seq": list(range(len(traces))),
                "t": [int(t * S) for _, _, t in traces],
            }
        ),
    )
    first: dict[tuple[str, str], int] = {}  # seq of each account's first share of an object
    for i, (o, a, _) in enumerate(traces):
        first.setdefault((o, a), i)
    e.register_arrow(
        "pairs",
        pa.table(
            {
                "behaviour": ["object"] * len(pairs),
                "object": [o for o, _, _ in pairs],
                "account_a": [a for _, a, _ in pairs],
                "account_b": [b for _, _, b in pairs],
                "seq_a": [first[(o, a)] for o, a, _ in pairs],
                "seq_b": [first[(o, b)] for o, _, b in pairs],
            }
        ),
    )
    e.register_arrow(
        "links",
        pa.table(
            {
                "account_a": [a for a, _, _ in links],
                "account_b": [b for _, b, _ in links],
                "weight": pa.array([w for _, _, w in links], pa.int64()),
            }
        ),
    )
    return e


def _cond_p(w: int, e: float) -> float:
    if w <= 1:
        return 1.0
    tail = 1.0 - sum(math.exp(-e) * e**k / math.factorial(k) for k in range(w))
    return tail / (1.0 - math.exp(-e))


def test_hand_computed_expected_and_p_value():
    # P is popular (3 sharers): a@0, b@10, c@1000 -> 1 of 3 cross pairs within 60 s: q = 1/3.
    # x (a@0, b@5), y (a@0, c@30) and z (b, c a day apart) are small: x and y have
    # c = 2 P'/n = 1 partner per sharer, z none. So A_a = 2, A_b = 1, A_c = 1 and the
    # small objects shared: d_a = d_b = d_c = 2, M = 6.
    traces = [
        ("P", "a", 0),
        ("P", "b", 10),
        ("P", "c", 1000),
        ("x", "a", 0),
        ("x", "b", 5),
        ("y", "a", 0),
        ("y", "c", 30),
        ("z", "b", 0),
        ("z", "c", 1e6),
    ]
    pairs = [("P", "a", "b"), ("x", "a", "b"), ("y", "a", "c")]
    links = [("a", "b", 2), ("a", "c", 1)]
    e = _engine(traces, pairs, links)
    cfg = DetectConfig(min_participation=1, null_popular_sharers=3)
    score_links(e, cfg)
    got = {
        (r["account_a"], r["account_b"]): r for r in e.to_arrow("SELECT * FROM links").to_pylist()
    }
    # E_small = ½ (A_a d_b / (M - d_a) + A_b d_a / (M - d_b)) = ½ (2·2/4 + 1·2/4) = 0.75
    # E_popular = 1 - (1 - 1/3)^(1·1); the one-co-action link a-c is not tested
    assert got[("a", "b")]["expected"] == pytest.approx(1 / 3 + 0.75)
    assert got[("a", "c")]["expected"] is None
    assert got[("a", "c")]["q_value"] == 1.0
    # two parts, one co-action each (x small, P popular): Bonferroni over the two
    # Poisson tails, conditional on the link existing
    p_small, p_pop = 1 - math.exp(-0.75), 1 - math.exp(-1 / 3)
    want = min(1.0, 2 * min(p_small, p_pop) / (1 - math.exp(-(0.75 + 1 / 3))))
    assert want < 1
    assert got[("a", "b")]["p_value"] == pytest.approx(want)
    assert got[("a", "c")]["p_value"] == 1.0  # one co-action is never evidence
    # BH over the two links
    q = bh_qvalues(np.array([got[("a", "b")]["p_value"], 1.0]))
    assert got[("a", "b")]["q_value"] == pytest.approx(q[0])
    assert got[("a", "b")]["significant"] is False


def test_repeated_shares_of_popular_object_raise_expectation():
    # a shares P twice, b once: r = 1 - (1 - q)^(2*1); q = 2 within-window pairs of 2 cross pairs
    # plus c far away: cross pairs = (4^2 - (4 + 1 + 1)) / 2 = 5, within window 2 -> q = 0.4
    traces = [("P", "a", 0), ("P", "a", 20), ("P", "b", 10), ("P", "c", 5000)]
    pairs = [("P", "a", "b"), ("P", "b", "a"), ("Q", "a", "b")]
    traces += [("Q", "a", 100), ("Q", "b", 101)]  # small object: A = 1, d = 1 each, M = 2
    links = [("a", "b", 2)]
    e = _engine(traces, pairs, links)
    score_links(e, DetectConfig(min_participation=1, null_popular_sharers=3))
    r = e.to_arrow("SELECT expected FROM links").to_pylist()[0]
    assert r["expected"] == pytest.approx(1 - (1 - 0.4) ** 2 + 0.5 * (1 * 1 / 1 + 1 * 1 / 1))


def test_slow_objects_are_more_surprising_than_bursty_ones():
    """Same weight; the pair whose objects are bursty for everyone expects more."""
    traces, pairs = [], []
    # bursty small objects: a, b and 4 others all within a minute
    for i in range(3):
        o = f"burst{i}"
        accs = ["a", "b", "c1", "c2", "c3", "c4"]
        for j, acc in enumerate(accs):
            traces.append((o, acc, 1000 * i + j))
        for x in range(len(accs)):
            for y in range(x + 1, len(accs)):
                pairs.append((o, accs[x], accs[y]))
    # slow objects: u and v co-act once each, the other sharers are days apart
    for i in range(3):
        o = f"slow{i}"
        traces += [(o, "u", 50_000 * i), (o, "v", 50_000 * i + 3)]
        traces += [(o, f"s{j}", 50_000 * i + 86_400 * (j + 1)) for j in range(4)]
        pairs.append((o, "u", "v"))
    links = [("a", "b", 3), ("u", "v", 3)]
    e = _engine(traces, pairs, links)
    score_links(e, DetectConfig(min_participation=1))
    got = {r["account_a"]: r for r in e.to_arrow("SELECT * FROM links").to_pylist()}
    assert got["u"]["expected"] < got["a"]["expected"]
    assert got["u"]["p_value"] < got["a"]["p_value"]


def test_bh_matches_direct_definition():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(size=300), rng.uniform(0, 1e-4, size=20), [0.5, 0.5, 0.5]])
    q = bh_qvalues(p)
    m = len(p)
    direct = np.array(
        [
            min(1.0, min(p[j] * m / (np.sum(p <= p[j])) for j in range(m) if p[j] >= p[i]))
            for i in range(m)
        ]
    )
    np.testing.assert_allclose(q, direct, rtol=1e-12)
    # rejections equal the step-up rule
    alpha = 0.05
    order = np.sort(p)
    k = max([i + 1 for i in range(m) if order[i] <= alpha * (i + 1) / m], default=0)
    assert int((q <= alpha).sum()) == k


def test_conditional_poisson_matches_scipy():
    w = np.array([1, 2, 3, 5, 10, 40])
    e = np.array([0.3, 0.3, 2.0, 1.0, 0.5, 3.0])
    got = np.exp(conditional_poisson_logsf(w, e))
    want = stats.poisson.sf(w - 1, e) / (1 - np.exp(-e))
    want[w <= 1] = 1.0
    np.testing.assert_allclose(got, want, rtol=1e-9)
    hand = [_cond_p(int(a), float(b)) for a, b in zip(w[:4], e[:4], strict=True)]
    np.testing.assert_allclose(got[:4], hand, rtol=1e-9)
    assert got[0] == 1.0
    # tiny p-values stay finite in log space
    assert np.isfinite(conditional_poisson_logsf(np.array([500]), np.array([0.01]))).all()


def test_simes_and_fdr_setting():
    assert simes([0.01, 0.02, 0.5]) == pytest.approx(0.03)
    assert simes([]) == 1.0
    assert fdr_of(DetectConfig()) == 0.01
    assert fdr_of(DetectConfig(fdr=0.2)) == 0.2


def test_two_part_p_value():
    # small part 4 co-actions vs 0.2 expected, popular part 1 vs 2.0 expected
    got = float(
        np.exp(two_part_logp(np.array([4]), np.array([0.2]), np.array([1]), np.array([2.0]))[0])
    )
    p_small = stats.poisson.sf(3, 0.2)
    p_pop = stats.poisson.sf(0, 2.0)
    assert got == pytest.approx(2 * min(p_small, p_pop) / (1 - math.exp(-2.2)))
    # no popular objects shared: one part, no Bonferroni factor
    got1 = float(
        np.exp(two_part_logp(np.array([4]), np.array([0.2]), np.array([0]), np.array([0.0]))[0])
    )
    assert got1 == pytest.approx(_cond_p(4, 0.2))
    # a single co-action is never evidence
    assert two_part_logp(np.array([1]), np.array([1e-9]), np.array([0]), np.array([0.0]))[0] == 0.0
