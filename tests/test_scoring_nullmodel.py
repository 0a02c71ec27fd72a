"""Known answers for the null model: the BiCM, the closed-form pair counts, the
expectations, the tests (negative binomial, Simes, BH) and the conditional tail."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy import stats

from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.scoring import bh_qvalues, conditional_poisson_logsf, simes
from inconcert.scoring.bicm import fit_bicm, pair_expectation
from inconcert.scoring.nullmodel import fdr_of, object_window_pairs_sql, simes_log, window_logp
from inconcert.scoring.stats import gamma_poisson_log_any, gamma_poisson_logsf

S = 1_000_000  # microseconds per second


def _cond_p(w: int, e: float) -> float:
    if w <= 1:
        return 1.0
    tail = 1.0 - sum(math.exp(-e) * e**k / math.factorial(k) for k in range(w))
    return tail / (1.0 - math.exp(-e))


def _bipartite(rng: np.random.Generator, n_acc: int = 300, n_obj: int = 400) -> np.ndarray:
    act = rng.pareto(1.2, n_acc) + 0.2
    pop = rng.pareto(1.1, n_obj) + 0.2
    p = np.minimum(np.outer(act, pop) / 150.0, 1.0)
    return rng.uniform(size=p.shape) < p


def test_bicm_reproduces_degrees_and_never_exceeds_one_for_hubs():
    m = _bipartite(np.random.default_rng(1))
    m = m[m.sum(1) > 0][:, m.sum(0) > 0]
    d, n = m.sum(1), m.sum(0)
    dv, dk = np.unique(d, return_counts=True)
    nv, nk = np.unique(n, return_counts=True)
    fit = fit_bicm(dv, dk, nv, nk)
    ed, en = fit.expected_degrees()
    np.testing.assert_allclose(ed, dv, rtol=5e-3)
    np.testing.assert_allclose(en, nv, rtol=5e-3)
    z = np.outer(fit.x, fit.y)
    p = z / (1 + z)
    assert p.max() < 1.0
    # Chung–Lu would exceed 1 for the biggest hub × the biggest object
    assert dv.max() * nv.max() / d.sum() > 1.0


def test_pair_expectation_is_the_sum_over_objects():
    m = _bipartite(np.random.default_rng(2), 120, 150)
    m = m[m.sum(1) > 0][:, m.sum(0) > 0]
    d, n = m.sum(1), m.sum(0)
    dv, dk = np.unique(d, return_counts=True)
    nv, nk = np.unique(n, return_counts=True)
    fit = fit_bicm(dv, dk, nv, nk)
    c = np.random.default_rng(3).uniform(0, 1, len(n))  # per-object co-action chance
    weights = np.array([c[n == v].sum() for v in nv])
    x = fit.x_of(d)
    y = np.exp(np.interp(np.log(n), np.log(fit.deg_o), np.log(fit.y)))
    pa_ = np.outer(x, y) / (1 + np.outer(x, y))
    brute = (pa_ * c[None, :]) @ pa_.T
    ia, ib = np.triu_indices(len(d), 1)
    got = pair_expectation(fit, weights, d[ia], d[ib])[:, 0]
    np.testing.assert_allclose(got, brute[ia, ib], rtol=1e-6)
    # more accounts' degrees than the grid: interpolated within a few per cent
    got_grid = pair_expectation(fit, weights, d[ia], d[ib], grid=8)[:, 0]
    np.testing.assert_allclose(got_grid, brute[ia, ib], rtol=0.1)


def test_closed_form_window_pairs_equal_brute_force():
    rng = np.random.default_rng(4)
    rows = []
    for o in range(6):
        for _ in range(int(rng.integers(2, 25))):
            rows.append((o, int(rng.integers(0, 6)), int(rng.integers(0, 400)) * S))
    e = DuckDBEngine()
    e.register_arrow("traces", pa.table({
        "behaviour": ["url"] * len(rows), "object": [r[0] for r in rows],
        "account_id": [r[1] for r in rows], "seq": list(range(len(rows))), "t": [r[2] for r in rows]}))
    e.create_table("ic_null_ao", "SELECT behaviour, object, account_id, count(*) AS k FROM traces GROUP BY ALL")
    windows = [10 * S, 60 * S, 300 * S]
    got = {r["object"]: r for r in e.to_arrow(object_window_pairs_sql(windows)).to_pylist()}
    for o in range(6):
        sh = [(a, t) for oo, a, t in rows if oo == o]
        for i, w in enumerate(windows):
            want = sum(1 for x in range(len(sh)) for y in range(x + 1, len(sh))
                       if sh[x][0] != sh[y][0] and abs(sh[x][1] - sh[y][1]) <= w)
            if o in got:
                assert got[o][f"p{i}"] == want
            else:
                assert len({a for a, _ in sh}) < 2


def test_window_p_values_condition_on_the_link_and_never_trust_one_co_action():
    w = np.array([[1, 2, 4]])
    e = np.array([[0.01, 0.05, 0.2]])
    got = np.exp(window_logp(w, e, e[:, -1]))[0]
    assert got[0] == 1.0
    want = stats.poisson.sf(np.array([1, 3]), e[0, 1:]) / (1 - np.exp(-0.2))
    np.testing.assert_allclose(got[1:], want, rtol=1e-9)
    assert np.exp(simes_log(np.log(np.array([[0.01, 0.02, 0.5]]))))[0] == pytest.approx(0.03)


def test_gamma_poisson_is_wider_for_large_expectations_only():
    big = np.exp(gamma_poisson_logsf(np.array([27]), np.array([11.0]), 0.5))[0]
    assert big == pytest.approx(stats.nbinom.sf(26, 4.0, 4.0 / 15.0), rel=1e-9)
    assert big > 100 * stats.poisson.sf(26, 11.0)
    small = np.exp(gamma_poisson_logsf(np.array([4]), np.array([0.1]), 0.5))[0]
    assert small < 5 * stats.poisson.sf(3, 0.1)
    assert np.exp(gamma_poisson_log_any(np.array([0.3]), 0.5))[0] == pytest.approx(1 - (4 / 4.3) ** 4)
    # far tails stay finite
    assert np.isfinite(gamma_poisson_logsf(np.array([5000]), np.array([0.01]), 0.5)).all()


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


