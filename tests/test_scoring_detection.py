"""Issue 12, second round: organic accounts not accused because an operation is
big, and no group resting on one object family (slow link pushers:
``test_scoring_issue12.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from inconcert.config import DetectConfig
from inconcert.evaluate import evidence_support
from inconcert.pipeline import detect
from inconcert.scoring.bicm import fit_bicm
from inconcert.scoring.nullmodel import object_families
from inconcert.scoring.stats import account_link_qvalues, bh_qvalues

GERMAN = Path(__file__).parents[1] / ".." / "shared" / "data" / "coortweet" / "german_elections.csv"


def test_many_true_links_do_not_carry_weak_organic_ones():
    """BH over links lets an operation's 780 strong links lower the bar for
    everyone; the two-level procedure judges accounts first."""
    rng = np.random.default_rng(0)
    op = [(i, j) for i in range(40) for j in range(i + 1, 40)]  # a clique of strong links
    org = [(100 + 2 * k, 101 + 2 * k) for k in range(100)]  # organic pairs with p = 1e-3
    noise = [(1000 + k, 5000 + k) for k in range(4000)]  # null links
    a = np.array([x for x, _ in op + org + noise])
    b = np.array([y for _, y in op + org + noise])
    p = np.concatenate([np.full(len(op), 1e-8), np.full(len(org), 1e-3), rng.uniform(size=len(noise))])
    per_account = {x: 8 for x, _ in org} | {y: 8 for _, y in org}  # each has 7 more links (p = 1)
    assert (bh_qvalues(p)[len(op):len(op) + len(org)] <= 0.01).all()  # plain BH accuses all 200
    q, acc, q_acc = account_link_qvalues(a, b, p, per_account, fdr=0.01)
    assert (q[: len(op)] <= 0.01).all()
    assert not (q[len(op):] <= 0.01).any()
    assert set(acc[q_acc <= 0.01].tolist()) == set(range(40))


def test_account_level_p_values_are_super_uniform_under_the_null():
    rng = np.random.default_rng(3)
    n = 5000
    a, b = rng.integers(0, 800, n), rng.integers(800, 1600, n)
    q, _, q_acc = account_link_qvalues(a, b, rng.uniform(size=n), fdr=0.05)
    assert (q <= 0.05).sum() == 0 and (q_acc <= 0.05).sum() <= 2


def test_bicm_multiplier_for_an_account_outside_the_fit():
    fit = fit_bicm(np.array([2.0, 5.0]), np.array([50.0, 10.0]), np.array([3.0, 30.0]), np.array([40.0, 5.0]))
    x = fit.x_of(np.array([2.0, 40.0]))
    assert x[0] == fit.x[0]
    z = x[1] * fit.y
    assert float((z / (1 + z)) @ fit.num_o) == pytest.approx(40.0, rel=1e-6)


def test_object_families():
    g = np.array([1, 1, 2, 2, 3, 3, 3, 4])
    beh = ["url", "object", "url", "url", "url", "hashtags", "url", "object"]
    obj = np.array([10, 99, 10, 11, 10, 77, 12, 99])
    sa = np.array([1, 1, 5, 7, 20, 20, 22, 30])
    sb = np.array([2, 3, 6, 8, 21, 23, 24, 31])
    fam = object_families(g, beh, obj, sa, sb)
    assert fam[1] == 1  # a URL and its domain from the same post: one family
    assert fam[2] == 2  # two URLs on different posts
    assert fam[3] == 2  # the hashtag pair shares post 20 with URL 10; URL 12 is another family
    assert fam[4] == 1  # a domain alone
    # an Arrow column of behaviours (dictionary-encoded, no Python strings) gives the same
    assert object_families(g, pa.chunked_array([beh[:3], beh[3:]]), obj, sa, sb) == fam


def test_one_object_groups_checked_a_few_groups_at_a_time(monkeypatch):
    """The check runs over whole groups in slices sized from the budget: one group
    a slice gives what all groups at once give (memory, issue 16 item 5)."""
    import inconcert.scoring.nullmodel as nm
    from inconcert.engines.duckdb_engine import DuckDBEngine

    def run(rows: int) -> list[tuple[int, int]]:
        monkeypatch.setattr(nm, "_FAMILY_ROWS", rows)
        e = DuckDBEngine()
        # group 1: one URL (one family, dropped); group 2: two URLs (kept); group 3: a domain alone (dropped)
        e.register_arrow("pairs", pa.table({
            "account_a": [1, 1, 3, 3, 5], "account_b": [2, 2, 4, 4, 6],
            "behaviour": ["url", "url", "url", "url", "domain"], "object": [10, 10, 11, 12, 7],
            "seq_a": [1, 3, 5, 7, 9], "seq_b": [2, 4, 6, 8, 10]}))
        e.register_arrow("glinks", pa.table({"account_a": [1, 3, 5], "account_b": [2, 4, 6]}))
        e.create_table("membership", "SELECT * FROM (VALUES (1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3)) "
                                     "t(account_id, group_id)")
        nm.drop_one_object_groups(e)
        return [tuple(r) for r in e.to_arrow("SELECT account_id, group_id FROM membership ORDER BY 1")
                .to_pylist() for r in [r.values()]]

    assert run(1) == run(1 << 19) == [(3, 2), (4, 2)]


@pytest.mark.slow
@pytest.mark.skipif(not GERMAN.exists(), reason="needs ../shared/data")
def test_german_elections_no_group_rests_on_one_object(tmp_path):
    detect([GERMAN], tmp_path / "out", DetectConfig())
    s = evidence_support(tmp_path / "out")
    assert s["groups_with_evidence"] > 100
    assert s["groups_one_post_pair"] == 0, s
    assert s["groups_one_object"] == 0, s
