"""Pooled evidence: known answers, a planted weak member, the off switch."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.pipeline import detect
from inconcert.scoring.pooled import attach_pooled, pooled_candidates, pooled_enabled, pooled_logp

START = 1_704_067_200


def _tiny_engine() -> DuckDBEngine:
    """Group 1 = {g1, g2, g3}; x co-acts with it on o1 (g1), o2 (g1 and g2) and o3
    (g2) with first shares, and on o4 (g3) with a repeat share only; y co-acts once
    (o9, with g1, g2 and g3); filler f only makes M large."""
    e = DuckDBEngine()
    e.register_arrow(
        "ic_null_strength",
        pa.table(
            {
                "account_id": ["g1", "g2", "g3", "x", "y", "f"],
                "a": [1.0, 1.0, 2.0, 0.5, 0.25, 0.0],
                "d": [4, 4, 4, 4, 2, 98],
            }
        ),
    )
    sp = [
        ("o1", "g1", "x", 1),
        ("o2", "g1", "x", 1),
        ("o2", "g2", "x", 1),
        ("o3", "g2", "x", 1),
        ("o4", "g3", "x", 0),
        ("o9", "g1", "y", 1),
        ("o9", "g2", "y", 1),
        ("o9", "g3", "y", 1),
        ("o5", "g1", "g2", 1),
    ]
    e.register_arrow(
        "ic_null_sp",
        pa.table(
            {
                "behaviour": ["url"] * len(sp),
                "object": [r[0] for r in sp],
                "account_a": [r[1] for r in sp],
                "account_b": [r[2] for r in sp],
                "first": pa.array([r[3] for r in sp], pa.int32()),
            }
        ),
    )
    e.register_arrow(
        "membership", pa.table({"account_id": ["g1", "g2", "g3"], "group_id": pa.array([1, 1, 1], pa.int64())})
    )
    return e


def _pois_cond(w: int, e: float) -> float:
    tail = 1.0 - sum(math.exp(-e) * e**k / math.factorial(k) for k in range(w))
    return tail / (1.0 - math.exp(-e))


def test_hand_computed_pooled_p_value():
    e = _tiny_engine()
    members = e.to_arrow("SELECT * FROM membership")
    c = {r["account_id"]: r for r in pooled_candidates(e, members).to_pylist()}
    assert set(c) == {"x", "y"}  # members are not candidates; f never co-acted
    # M = 4+4+4+4+2+98 = 116. E(a, G) = ½(A_a Σd_b/(M − d_a) + d_a Σ A_b/(M − d_b)).
    ex = 0.5 * (0.5 * 12 / 112 + 4 * (1 / 112 + 1 / 112 + 2 / 112))  # = 11/112
    ey = 0.5 * (0.25 * 12 / 114 + 2 * (4 / 112))
    assert c["x"]["expected"] == pytest.approx(11 / 112, rel=1e-12)
    assert c["y"]["expected"] == pytest.approx(ey, rel=1e-12)
    # x: distinct objects o1, o2, o3 (o2 with two members counts once; o4 is a
    # repeat share): w = 3 from 4 member pairs and 2 partners.
    assert (c["x"]["w"], c["x"]["pairs"], c["x"]["partners"]) == (3, 4, 2)
    # p = P(X ≥ 3) / P(X ≥ 1), X ~ Poisson(11/112)
    assert c["x"]["p_value"] == pytest.approx(_pois_cond(3, ex), rel=1e-9)
    assert c["x"]["p_value"] == pytest.approx(0.0015683, rel=1e-4)
    # y: three members, one object: one co-action with the group, p = 1.
    assert (c["y"]["w"], c["y"]["pairs"], c["y"]["p_value"]) == (1, 3, 1.0)
    # BH over the 2 candidates: q_x = 2 p_x = 0.003137, below FDR / 3 rounds at
    # FDR 0.01 (0.00333), above it at FDR 0.009 (0.003).
    info = attach_pooled(e, DetectConfig(fdr=0.01))
    m = {r["account_id"]: r for r in e.to_arrow("SELECT * FROM membership").to_pylist()}
    assert info["attached"] == 1 and m["x"]["group_id"] == 1 and m["x"]["joined_by"] == "pooled"
    assert m["x"]["pooled_p"] == pytest.approx(_pois_cond(3, ex), rel=1e-9)
    assert m["g1"]["joined_by"] == "link" and m["g1"]["pooled_p"] is None and "y" not in m
    left = e.to_arrow("SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE 'ic_%'")
    assert left.column(0)[0].as_py() == 0  # the null-model tables kept for pooling are dropped

    e = _tiny_engine()
    assert attach_pooled(e, DetectConfig(fdr=0.009))["attached"] == 0


def test_pooled_logp_matches_scipy_and_is_one_for_a_single_co_action():
    from scipy import stats

    w = np.array([1, 2, 5, 40])
    e = np.array([0.3, 0.3, 0.3, 0.3])
    p = np.exp(pooled_logp(w, e))
    want = stats.poisson.sf(w - 1, e) / stats.poisson.sf(0, e)
    assert p[0] == 1.0
    np.testing.assert_allclose(p[1:3], want[1:3], rtol=1e-10)
    assert 0 < p[3] < 1e-50  # far tail: finite, tiny


def _planted_posts() -> tuple[pa.Table, dict[str, str]]:
    """5 members co-post 20 objects within seconds; the weak member w co-posts 5
    more objects, each with a single member (five links of weight 1); the organic
    account y happens to share one operation object within the window of all five
    members; 300 organic accounts share their own objects at random times."""
    rng = np.random.default_rng(7)
    acc, ts, urls = [], [], []

    def add(a: str, t: float, u: str) -> None:
        acc.append(a)
        ts.append(t)
        urls.append(u)

    members = [f"m{i}" for i in range(5)]
    for k in range(20):
        t0 = rng.uniform(0, 6 * 86400)
        for m in members:
            add(m, t0 + rng.uniform(0, 10), f"https://op.example/{k}")
        if k == 3:
            add("y", t0 + 30, f"https://op.example/{k}")
    for i in range(5):
        t0 = rng.uniform(0, 6 * 86400)
        add(members[i], t0, f"https://op.example/w{i}")
        add("w", t0 + 20, f"https://op.example/w{i}")
    for j in range(4):
        add("y", rng.uniform(0, 7 * 86400), f"https://y.example/{j}")
    for a in range(300):
        for j in range(int(rng.integers(5, 30))):
            add(f"org{a:03d}", rng.uniform(0, 7 * 86400), f"https://org.example/{a}/{j}")
    order = np.argsort(ts, kind="stable")
    t = (START + np.floor(np.array(ts))).astype("int64")[order]
    posts = pa.table(
        {
            "post_id": [f"p{i}" for i in range(len(acc))],
            "account_id": pa.array(np.array(acc, dtype=object)[order], pa.string()),
            "created_at": pa.array(t * 1_000_000, pa.timestamp("us", tz="UTC")),
            "urls": pa.array(np.array(urls, dtype=object)[order], pa.string()),
        }
    )
    return posts, {a: "operation" for a in [*members, "w"]}


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    d = tmp_path_factory.mktemp("pooled")
    posts, _ = _planted_posts()
    pacsv.write_csv(posts, d / "posts.csv")
    on = detect([d / "posts.csv"], d / "on", DetectConfig(window=60))
    off = detect([d / "posts.csv"], d / "off", DetectConfig(window=60, pooled=False))
    return d, on, off


def test_weak_member_joins_on_pooled_evidence_and_a_coincidence_does_not(planted):
    d, on, _ = planted
    links = {(r["account_a"], r["account_b"]): r for r in on.table("links").to_pylist()}
    w_links = [r for k, r in links.items() if "w" in k]
    assert len(w_links) == 5 and all(r["weight"] == 1 and not r["significant"] for r in w_links)
    acc = {r["account_id"]: r for r in pacsv.read_csv(d / "on" / "accounts.csv").to_pylist()}
    g = acc["m0"]["group_id"]
    assert all(acc[m]["group_id"] == g and acc[m]["joined_by"] == "link" for m in ("m1", "m2", "m3", "m4"))
    assert acc["w"]["group_id"] == g and acc["w"]["joined_by"] == "pooled"
    assert 0 < acc["w"]["pooled_p"] < 1e-4
    # y co-acted with all five members, on one object: w = 1, p = 1
    assert sum("y" in k for k in links) == 5
    assert acc["y"]["group_id"] is None and not acc["y"]["joined_by"]
    assert on.summary["counts"]["accounts_joined_pooled"] == 1
    assert on.summary["counts"]["accounts_in_groups"] == 6
    groups = pacsv.read_csv(d / "on" / "groups.csv").to_pylist()
    assert len(groups) == 1 and groups[0]["size"] == 6 and groups[0]["verdict"] == "operation"
    assert "1 member joined on pooled evidence (pooled p ≤" in groups[0]["reasons"]
    assert "pooled" in on.summary["timings"]


def test_pooled_evidence_can_be_switched_off(planted):
    d, _, off = planted
    assert not pooled_enabled(DetectConfig(pooled=False))
    acc = {r["account_id"]: r for r in pacsv.read_csv(d / "off" / "accounts.csv").to_pylist()}
    assert acc["w"]["group_id"] is None
    assert {r["joined_by"] for r in acc.values() if r["group_id"] is not None} == {"link"}
    assert off.summary["counts"]["accounts_joined_pooled"] == 0
    assert off.summary["counts"]["accounts_in_groups"] == 5
    assert "pooled" not in pacsv.read_csv(d / "off" / "groups.csv").column("reasons")[0].as_py()


def test_no_pooled_cli_flag(planted, tmp_path):
    import json

    from click.testing import CliRunner

    from inconcert.cli import main

    d, _, _ = planted
    r = CliRunner().invoke(main, ["detect", str(d / "posts.csv"), "-o", str(tmp_path / "o"), "-q", "--no-pooled"])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["parameters"]["pooled"] is False
    assert summary["counts"]["accounts_joined_pooled"] == 0


@pytest.mark.spark
def test_pooled_evidence_same_on_spark(planted, tmp_path):
    from inconcert.engines import unavailable_reason

    if unavailable_reason("spark"):  # pyspark or Java missing
        pytest.skip(unavailable_reason("spark"))
    from inconcert.engines.spark_engine import SparkEngine

    d, on, _ = planted
    e = SparkEngine(master="local[2]")
    try:
        rs = detect([d / "posts.csv"], tmp_path / "spark", DetectConfig(window=60), engine=e)
    finally:
        e.close()
    assert rs.summary["counts"] == on.summary["counts"]
    duck = pacsv.read_csv(d / "on" / "accounts.csv").to_pylist()
    spark = pacsv.read_csv(tmp_path / "spark" / "accounts.csv").to_pylist()
    key = lambda r: r["account_id"]  # noqa: E731
    for a, b in zip(sorted(duck, key=key), sorted(spark, key=key), strict=True):
        assert (a["account_id"], a["group_id"], a["joined_by"]) == (b["account_id"], b["group_id"], b["joined_by"])
        assert (a["pooled_p"] is None) == (b["pooled_p"] is None)
        if a["pooled_p"] is not None:
            assert a["pooled_p"] == pytest.approx(b["pooled_p"], rel=1e-9)
