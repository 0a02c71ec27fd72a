"""The links table keeps the links on two objects or more (the only ones the
null model tests); the rest are counted, in the account families and the
groups' Simes tests, and written only with --all-evidence."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from inconcert import detect
from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.outputs.options import OutputOptions
from inconcert.pipeline.run import stores_all_links
from inconcert.pipeline.stages import LinksResult, links_stage
from inconcert.simulate import simulate


def _pairs_engine() -> DuckDBEngine:
    e = DuckDBEngine()
    e.register_arrow("objs", pa.table({"behaviour": ["url"] * 3, "object": [1, 2, 3], "name": ["x", "y", "z"]}))
    # 1-2 meet on objects 1 and 2 (three post pairs); 1-3 twice on object 3; 2-3 once
    e.register_arrow("pp", pa.table({
        "behaviour": ["url"] * 6, "object": [1, 2, 2, 3, 3, 3],
        "account_a": [2, 1, 2, 1, 3, 3], "account_b": [1, 2, 1, 3, 1, 2],
        "t_a": [0, 10, 30, 50, 70, 90], "t_b": [5, 12, 31, 55, 72, 99], "lvl": [0] * 6,
    }))
    return e


def test_links_stage_keeps_links_on_two_objects_and_counts_the_rest():
    e = _pairs_engine()
    r = links_stage(e, ["url"], pairs="pp", objects="objs", out="ll", n_windows=1, all_links=False)
    assert r == LinksResult(3, "ll", 1)
    assert e.to_arrow("SELECT account_a, account_b, w0, pairs FROM ll").to_pylist() == [
        {"account_a": 1, "account_b": 2, "w0": 2, "pairs": 3}]
    fam = dict(e.to_arrow("SELECT account_id, k FROM ic_link_family ORDER BY account_id").to_pylist()[i].values()
               for i in range(3))
    assert fam == {1: 2, 2: 2, 3: 2}
    e2 = _pairs_engine()
    everything = links_stage(e2, ["url"], pairs="pp", objects="objs", out="ll", n_windows=1)
    assert everything == LinksResult(3, "ll") and e2.count("ll") == 3
    assert e2.to_arrow("SELECT * FROM ll WHERE w0 >= 2").to_pylist() == e.to_arrow("SELECT * FROM ll").to_pylist()


def test_settings_that_select_untested_links_keep_every_link():
    assert not stores_all_links(DetectConfig())
    assert stores_all_links(DetectConfig(), all_evidence=True)
    assert stores_all_links(DetectConfig(weight_percentile=90))
    assert stores_all_links(DetectConfig(keep_insignificant=True, min_weight=1))
    assert not stores_all_links(DetectConfig(keep_insignificant=True, min_weight=2))
    assert stores_all_links(DetectConfig(coortweet_compatible=True))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    posts, _ = simulate(n_posts=20_000, seed=3)
    base = tmp_path_factory.mktemp("links")
    short = detect(posts, base / "default")
    full = detect(posts, base / "all", outputs=OutputOptions(all_evidence=True))
    return short, full


def test_storing_fewer_links_changes_no_score_group_or_verdict(two_runs):
    short, full = two_runs
    for name in ("groups.csv", "accounts.csv", "links.csv", "objects.csv", "graph.gexf"):
        assert (short.outdir / name).read_bytes() == (full.outdir / name).read_bytes(), name
    a = pq.read_table(short.outdir / "links.parquet")
    b = pq.read_table(full.outdir / "links.parquet")
    assert 0 < a.num_rows < b.num_rows
    # the stored links are exactly the links on two objects or more, with the same scores
    on_two = b.filter(_on_two(b))
    assert on_two.num_rows == a.num_rows
    assert on_two.to_pylist() == a.to_pylist()
    sc, fc = short.summary["counts"], full.summary["counts"]
    assert sc["links"] == fc["links"] == b.num_rows
    assert sc["links_stored"] == a.num_rows and "links_stored" not in fc
    assert pc.all(pc.greater(b.filter(pc.invert(_on_two(b))).column("p_value"), 0.99)).as_py()


def _on_two(t: pa.Table) -> pa.Array:
    """Links on two distinct objects or more: the per-behaviour object counts ``n_*`` add up to them."""
    objects = None
    for c in (c for c in t.column_names if c.startswith("n_")):
        objects = t.column(c) if objects is None else pc.add(objects, t.column(c))
    return pc.greater_equal(objects, 2)
