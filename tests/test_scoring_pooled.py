"""Pooled evidence: known answers, a planted weak member, the off switch."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.outputs.options import OutputOptions
from inconcert.pipeline import detect
from inconcert.scoring.pooled import pooled_enabled, pooled_logp

START = 1_704_067_200


def test_group_expectation_counts_each_object_once():
    """E(a, G) = Σ_o p_ao min(1, c_o Σ_b p_bo): hand-checked on one object class,
    and far below the sum of the pair expectations for a big group."""
    from inconcert.scoring.bicm import fit_bicm
    from inconcert.scoring.nullmodel import NullModel

    fit = fit_bicm(np.array([4.0]), np.array([50.0]), np.array([10.0]), np.array([20.0]))
    c = np.array([0.5])  # every object: two given sharers co-act with chance 0.5
    null = NullModel({1: (fit, np.column_stack([c * 20, [20.0]]))}, [60.0])
    null.c_bins[1] = (np.array([0]), np.array([0]), np.array([20.0]), np.array([20 * 0.5]))
    p = fit.x[0] * fit.y[0] / (1 + fit.x[0] * fit.y[0])
    for size in (1, 3, 30):
        got = null.group_expected(1, np.array([4.0]), np.full(size, 4.0))[0, 0]
        assert got == pytest.approx(20 * p * min(1.0, 0.5 * size * p), rel=1e-9)
    pair_sum = 30 * 20 * p * p * 0.5
    assert null.group_expected(1, np.array([4.0]), np.full(30, 4.0))[0, 0] < pair_sum / 2.5


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
    for a in range(300):  # an organic population sharing a common pool of links at random times
        for _ in range(int(rng.integers(5, 30))):
            add(f"org{a:03d}", rng.uniform(0, 7 * 86400), f"https://org.example/{int(rng.integers(0, 600))}")
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
    # every link written (--all-evidence), so that w's weak links can be read back
    on = detect([d / "posts.csv"], d / "on", DetectConfig(window=60), outputs=OutputOptions(all_evidence=True))
    off = detect([d / "posts.csv"], d / "off", DetectConfig(window=60, pooled=False))
    return d, on, off


def test_weak_member_joins_on_pooled_evidence_and_a_coincidence_does_not(planted):
    d, on, _ = planted
    links = {(r["account_a"], r["account_b"]): r for r in on.table("links").to_pylist()}
    w_links = [r for k, r in links.items() if "w" in k]
    assert len(w_links) == 5 and all(r["weight"] == 1 and not r["significant"] for r in w_links)
    # by default links on one object are counted, not written: w's links are not in links.parquet
    stored = pq.read_table(d / "off" / "links.parquet").to_pylist()
    assert stored and not [r for r in stored if "w" in (r["account_a"], r["account_b"])]
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
        rs = detect([d / "posts.csv"], tmp_path / "spark", DetectConfig(window=60), engine=e,
                    outputs=OutputOptions(all_evidence=True))
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


def _class_rows_by_dict(t, deg):
    """The per-row dictionary walk ``_class_rows`` replaced (the reference)."""
    dmap = {}
    for a, c, d in zip(deg.column("account_id").to_pylist(), deg.column("cls").to_pylist(),
                       deg.column("d").to_pylist(), strict=True):
        dmap.setdefault(a, []).append((int(c), float(d)))
    grp = np.asarray(t.column("group_id").to_pylist())
    info = [(i, c, d) for i, a in enumerate(t.column("account_id").to_pylist()) for c, d in dmap.get(a, [(0, 1.0)])]
    r = np.array([x[0] for x in info], np.int64)
    return r, grp[r], np.array([x[1] for x in info], np.int64), np.array([x[2] for x in info], np.float64)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("key", ["int", "str"])
def test_class_rows_vectorised_equal_the_dictionary_walk(seed, key):
    """Accounts with one, several or no classes (class 0, degree 1), repeated rows,
    integer or string keys, an empty degree table: the same entries in the same order."""
    from inconcert.scoring.pooled import _blocks, _class_rows

    rng = np.random.default_rng(seed)
    accounts = np.sort(rng.choice(60, size=int(rng.integers(0, 40)), replace=False))
    rows = [(a, c, float(rng.integers(1, 50))) for a in accounts
            for c in np.sort(rng.choice(4, size=int(rng.integers(1, 4)), replace=False)) + 1]
    conv = (lambda v: f"a{v:03d}") if key == "str" else int
    deg = pa.table({"account_id": [conv(a) for a, _, _ in rows], "cls": [int(c) for _, c, _ in rows],
                    "d": [d for _, _, d in rows]},
                   schema=pa.schema([("account_id", pa.string() if key == "str" else pa.int64()),
                                     ("cls", pa.int64()), ("d", pa.float64())]))
    n = int(rng.integers(0, 80))
    t = pa.table({"account_id": pa.array([conv(int(a)) for a in rng.integers(0, 70, n)],
                                         pa.string() if key == "str" else pa.int32()),
                  "group_id": pa.array(rng.integers(0, 5, n), pa.int64())})
    got, want = _class_rows(t, deg), _class_rows_by_dict(t, deg)
    for g, w in zip(got, want, strict=True):
        assert g.tolist() == w.tolist()
    r, grp, cls, _ = got
    for (gg, c), sel in _blocks(grp, cls).items():
        assert sel.tolist() == np.flatnonzero((grp == gg) & (cls == c)).tolist()
