"""Each stage of the pipeline runs alone on a tiny actions table, with its table names passed in."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from inconcert.actions import conform
from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.pipeline import run_detection
from inconcert.pipeline.stages import (
    LinksResult,
    TracesResult,
    groups_stage,
    links_stage,
    pairs_stage,
    scoring_stage,
    traces_stage,
    verdicts_stage,
)
from inconcert.sql.dialect import DuckDBDialect, SparkDialect
from inconcert.sql.selection import passing_links_sql, weight_quantile_sql
from inconcert.tables import CONTRACT

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# a and b repost four posts seconds apart; c reposts one an hour later; d and e one each
ROWS = [
    ("a", 0, "x1"), ("b", 5, "x1"), ("a", 100, "x2"), ("b", 103, "x2"),
    ("a", 200, "x3"), ("b", 201, "x3"), ("a", 300, "x4"), ("b", 310, "x4"),
    ("c", 3600, "x1"), ("c", 7200, "x9"), ("d", 50, "x5"), ("e", 900, "x5"),
]


def _engine() -> DuckDBEngine:
    t = conform(pa.table({
        "post_id": [f"p{i}" for i in range(len(ROWS))],
        "account_id": [r[0] for r in ROWS],
        "ts": [T0 + dt.timedelta(seconds=r[1]) for r in ROWS],
        "repost_of": [r[2] for r in ROWS],
    }))
    e = DuckDBEngine()
    e.register_arrow("actions", t.append_column("seq", pa.array(range(t.num_rows), pa.int64())))
    return e


CFG = DetectConfig(window=60, behaviours=["repost"], min_weight=2, keep_insignificant=True)


def test_traces_stage_alone():
    e = _engine()
    tr = traces_stage(e, CFG, out="my_traces")
    assert tr == TracesResult(["repost"], 60.0, len(ROWS), {}, "my_traces", (60.0,), tr.clock, [])
    assert tr.clock["clock"] == "second" and tr.clock["resolution_s"] == 1.0
    assert e.count("my_traces") == len(ROWS)
    assert e.count("ic_objects") == 6 and e.count("ic_accounts") == 5


def test_traces_stage_estimates_auto_window_without_touching_config():
    e = _engine()
    cfg = DetectConfig(behaviours=["repost"], window="auto")
    tr = traces_stage(e, cfg)
    assert tr.window_used >= 1.0 and cfg.window == "auto"


def test_pairs_stage_alone_on_named_tables():
    e = _engine()
    tr = traces_stage(e, CFG, out="t2")
    p = pairs_stage(e, CFG, tr, out="my_pairs")
    assert p.pairs == 4 and p.table == "my_pairs"  # a-b four times; c is an hour late, d-e 14 min apart
    wide = pairs_stage(e, DetectConfig(behaviours=["repost"], min_participation=1), TracesResult(["repost"], 900.0, 0, {}, "t2"), out="wide")
    assert wide.pairs == 5  # d-e within 15 minutes


def test_links_stage_alone_on_hand_made_pairs():
    e = DuckDBEngine()
    e.register_arrow("objs", pa.table({"behaviour": ["repost"] * 2, "object": [1, 2], "name": ["x", "y"]}))
    e.register_arrow("pp", pa.table({
        "behaviour": ["repost"] * 3, "object": [1, 2, 2], "account_a": [2, 1, 1], "account_b": [1, 2, 3],
        "t_a": [0, 10, 10], "t_b": [5, 12, 20],
    }))
    r = links_stage(e, ["repost"], pairs="pp", objects="objs", out="ll")
    assert r == LinksResult(2, "ll")
    rows = e.to_arrow("SELECT account_a, account_b, weight, n_repost FROM ll ORDER BY account_b").to_pylist()
    assert rows == [{"account_a": 1, "account_b": 2, "weight": 2, "n_repost": 2},
                    {"account_a": 1, "account_b": 3, "weight": 1, "n_repost": 1}]


def test_scoring_groups_verdicts_stages_in_turn():
    e = _engine()
    tr = traces_stage(e, CFG)
    pairs_stage(e, CFG, tr)
    links_stage(e, tr.behaviours, n_windows=len(tr.windows))
    sc = scoring_stage(e, CFG, windows=tr.windows)
    assert sc.scored and "p_value" in e.columns("links")
    g = groups_stage(e, CFG, sc)
    assert (g.links_passing, g.groups, g.accounts_in_groups) == (1, 1, 2)
    v = verdicts_stage(e, CFG, sc)
    assert sum(v.groups_by_verdict.values()) == 1
    assert "verdict" in e.columns("groups")


def test_groups_stage_unscored_needs_no_verdicts():
    e = _engine()
    cfg = DetectConfig(behaviours=["repost"], coortweet_compatible=True)
    tr = traces_stage(e, cfg)
    pairs_stage(e, cfg, tr)
    links_stage(e, tr.behaviours)
    sc = scoring_stage(e, cfg)
    assert not sc.scored
    assert groups_stage(e, cfg, sc).groups == 1
    assert verdicts_stage(e, cfg, sc).groups_by_verdict is None


def test_run_detection_leaves_the_contract_tables():
    e = _engine()
    run = run_detection(e, CFG)
    assert run.counts.pairs == 4 and run.window_used == 60.0
    for t in ("pairs", "links", "glinks", "membership", "groups", "accounts_out"):
        assert t in CONTRACT and e.count(t) >= 1


def test_outputs_read_the_kept_tables_as_they_would_the_pairs():
    """objects.csv and posts.parquet from the tables the stages keep (the pairs inside
    groups, the posts in pairs) are those made from all the pairs again."""
    from inconcert.sql.objects import objects_out_sql
    from inconcert.sql.summaries import posts_out_sql
    from inconcert.tables import GROUP_PAIRS, PAIRED_POSTS

    e = _engine()
    run_detection(e, DetectConfig(behaviours=["repost"], min_weight=2, keep_insignificant=True))
    d = e.dialect
    objs = e.to_arrow(objects_out_sql(d, group_pairs=GROUP_PAIRS)).to_pylist()
    assert objs and objs == e.to_arrow(objects_out_sql(d)).to_pylist()
    posts = e.to_arrow(posts_out_sql(paired_posts=PAIRED_POSTS)).to_pylist()
    assert posts and posts == e.to_arrow(posts_out_sql()).to_pylist()


@pytest.mark.parametrize("d, fn", [(DuckDBDialect(), "quantile_cont"), (SparkDialect(), "percentile")])
def test_quantile_is_a_dialect_method(d, fn):
    assert weight_quantile_sql(d, 0.9, "lk") == f"SELECT {fn}(weight, 0.9) AS q FROM lk"
    assert passing_links_sql(2, 3.5, False, "lk") == "SELECT * FROM lk WHERE weight >= 2 AND weight >= 3.5"
