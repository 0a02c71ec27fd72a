"""Identical reruns when the engine aggregates in parallel (issue 16, item 4).

DuckDB splits a table into row groups of 122,880 rows and aggregates them on
several threads; a ``sum`` over DOUBLE then adds the partial sums in whatever
order the threads finish, and the last bits of the result change from run to
run. The null model's sums of chances, the pooled evidence's binned chances
and the verdicts' cadence are therefore computed from exact (integer or
fixed-point) sums; these tests hold a data set large enough for parallel
aggregation (> 2 row groups of objects) to that.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from inconcert.groups.verdicts import cadence_sql
from inconcert.pipeline import detect
from inconcert.sql.dialect import DuckDBDialect

ROW_GROUP = 122_880  # DuckDB's rows per row group: the unit of parallel work


def many_objects(n_objects: int = 260_000, accounts: int = 800, seed: int = 7) -> pa.Table:
    """Posts sharing ``n_objects`` links (1–4 sharers each, within hours), with a
    planted group of 12 accounts that share 60 links within seconds."""
    rng = np.random.default_rng(seed)
    k = rng.choice([1, 2, 3, 4], n_objects, p=[0.45, 0.35, 0.12, 0.08])
    obj = np.repeat(np.arange(n_objects), k)
    first = np.arange(len(obj)) == np.searchsorted(obj, obj)
    t = rng.integers(0, 20 * 86400, n_objects)[obj] + (rng.exponential(1200, len(obj)) * ~first).astype(np.int64)
    acc = rng.integers(0, accounts, len(obj))
    g_obj = np.repeat(np.arange(n_objects, n_objects + 60), 12)
    g_acc = np.tile(np.arange(accounts, accounts + 12), 60)
    g_t = rng.integers(0, 20 * 86400, 60)[g_obj - n_objects] + rng.integers(0, 20, len(g_obj))
    obj, acc, t = np.concatenate([obj, g_obj]), np.concatenate([acc, g_acc]), np.concatenate([t, g_t])
    ts = np.datetime64("2024-01-01T00:00:00", "s") + t.astype("timedelta64[s]")
    n = len(obj)
    return pa.table({
        "post_id": pa.array([f"p{i}" for i in range(n)]),
        "account_id": pa.array([f"u{a}" for a in acc]),
        "created_at": pa.array(ts.astype("datetime64[us]"), pa.timestamp("us", "UTC")),
        "urls": pa.array([f"http://site{o % 97}.org/a/{o}" for o in obj]),
    })


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and p.name != "summary.json"}


def test_reruns_are_identical_when_aggregation_runs_in_parallel(tmp_path):
    posts = many_objects()
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        detect(posts, out, engine_options={"threads": 4})
        outs.append(out)
    a, b = (json.loads((o / "summary.json").read_text()) for o in outs)
    assert a["counts"]["traces"] > 3 * ROW_GROUP  # > 2 row groups of objects: parallel aggregation
    assert a["counts"]["groups"] >= 1 and a["counts"]["links"] > 100_000
    fa, fb = _files(outs[0]), _files(outs[1])
    assert sorted(fa) == sorted(fb) and len(fa) >= 10
    differ = [name for name in fa if fa[name] != fb[name]]
    assert not differ, f"files differ between two runs of the same input: {differ}"
    assert a["files"] == b["files"]  # the checksums summary.json lists
    for s in (a, b):
        s.pop("timings")
        s["steps"] = {k: (v["rows_in"], v["rows_out"]) for k, v in s["steps"].items()}  # not seconds, memory
    assert a == b


def test_exact_sum_is_order_free_and_correctly_rounded():
    x = np.random.default_rng(1).random(3 * ROW_GROUP + 1000) ** 3
    con = duckdb.connect()
    con.execute("SET threads=4")
    con.register("x_in", pa.table({"x": x, "g": np.zeros(len(x), np.int64)}))
    con.execute("CREATE TABLE xs AS SELECT * FROM x_in")
    s = DuckDBDialect().exact_sum("x")
    got = {con.execute(f"SELECT {s} FROM xs GROUP BY g").fetchall()[0][0] for _ in range(6)}
    shuffled = con.execute(f"SELECT {s} FROM (SELECT * FROM xs ORDER BY x DESC) t").fetchall()[0][0]
    assert got == {math.fsum(x)} and shuffled == math.fsum(x)


@pytest.mark.parametrize("gaps", [[60_000_000] * 50, [1, 2, 3, 10**12, 7]])
def test_cadence_from_exact_sums(gaps):
    t = np.concatenate([[0], np.cumsum(gaps)]).astype(np.int64)
    con = duckdb.connect()
    con.register("actions", pa.table({
        "account_id": ["a"] * len(t),
        "ts": pa.array(t, pa.timestamp("us", "UTC")),
        "urls": pa.array([None] * len(t), pa.list_(pa.string())),
    }))
    con.register("ic_accounts", pa.table({"account_id": [1], "name": ["a"]}))
    con.register("membership", pa.table({"account_id": [1], "group_id": [1]}))
    r = con.sql(cadence_sql(DuckDBDialect())).to_arrow_table().to_pylist()[0]
    assert r["n_gaps"] == len(gaps)
    assert r["mean_gap"] == pytest.approx(np.mean(gaps), rel=1e-15)
    assert r["sd_gap"] == pytest.approx(np.std(gaps, ddof=1), rel=1e-12, abs=0.0)
