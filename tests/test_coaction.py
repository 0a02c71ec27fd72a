"""The bucketed band join finds exactly the pairs a brute-force loop finds.

The property test runs on DuckDB (60 examples); the fixed-answer tests run on
every installed engine through the ``engine`` fixture.
"""

from __future__ import annotations

import itertools
import random

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.sql.coaction import (
    eligible_sql,
    filter_pairs_sql,
    links_sql,
    pairs_sql,
    participants_sql,
)


def _brute(rows, window_us):
    out = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(rows), 2):
        if a[0] != b[0] or a[1] == b[1]:
            continue
        first, second = (a, b) if (a[2], i) < (b[2], j) else (b, a)
        if second[2] - first[2] <= window_us:
            out.add((first[0], first[1], second[1], first[2], second[2]))
    return out


shares = st.lists(
    st.tuples(st.sampled_from("ABC"), st.sampled_from("uvwxyz"), st.integers(0, 400)),
    max_size=40,
)


def _band_join(e, rows, window_s):
    window_us = window_s * 1_000_000
    rows = [(o, a, t * 1_000_000) for o, a, t in rows]
    e.register_arrow(
        "traces",
        pa.table({
            "behaviour": ["object"] * len(rows),
            "object": [r[0] for r in rows],
            "account_id": [r[1] for r in rows],
            "post_id": [f"p{i}" for i in range(len(rows))],
            "seq": list(range(len(rows))),
            "t": [r[2] for r in rows],
        }, schema=pa.schema([("behaviour", pa.string()), ("object", pa.string()), ("account_id", pa.string()),
                              ("post_id", pa.string()), ("seq", pa.int64()), ("t", pa.int64())])),
    )
    e.create_table("eligible", eligible_sql(1))
    e.create_table("raw_pairs", pairs_sql(e.dialect, window_us))
    got = e.to_arrow("SELECT object, account_a, account_b, t_a, t_b FROM raw_pairs").to_pylist()
    got_set = {(r["object"], r["account_a"], r["account_b"], r["t_a"], r["t_b"]) for r in got}
    assert len(got) == len(got_set) or len(rows) != len(set(rows))
    assert got_set == _brute(rows, window_us)


@settings(max_examples=60, deadline=None)
@given(shares, st.integers(0, 120))
def test_band_join_equals_brute_force(rows, window_s):
    _band_join(DuckDBEngine(), rows, window_s)


def test_band_join_equals_brute_force_on_every_engine(engine):
    rng = random.Random(7)
    rows = [(rng.choice("ABC"), rng.choice("uvwxyz"), rng.randint(0, 400)) for _ in range(40)]
    _band_join(engine, rows, 45)


def test_window_is_inclusive_and_links_aggregate(engine):
    e = engine
    e.register_arrow("traces", pa.table({
        "behaviour": ["url"] * 6,
        "object": ["u1", "u1", "u2", "u2", "u3", "u3"],
        "account_id": ["a", "b", "a", "b", "a", "b"],
        "post_id": [f"p{i}" for i in range(6)],
        "seq": pa.array(range(6), pa.int64()),
        "t": pa.array([0, 10_000_000, 100_000_000, 100_000_000, 0, 10_000_001], pa.int64()),
    }))
    e.create_table("eligible", eligible_sql(2))
    e.create_table("raw_pairs", pairs_sql(e.dialect, 10_000_000))
    e.create_table("ic_pair_ok", participants_sql(2))
    e.create_table("pairs", filter_pairs_sql(2))
    assert e.count("pairs") == 2  # u1 at exactly 10 s counts, u3 at 10.000001 s does not
    e.create_table("links", links_sql(e.dialect, ["url"]))
    link = e.to_arrow("SELECT * FROM links").to_pylist()[0]
    assert (link["account_a"], link["account_b"], link["weight"], link["n_url"]) == ("a", "b", 2, 2)
    assert abs(link["mean_dt"] - 5.0) < 1e-9


def test_min_participation_drops_one_off_accounts(engine):
    e = engine
    e.register_arrow("traces", pa.table({
        "behaviour": ["object"] * 3, "object": ["o", "o", "o"], "account_id": ["a", "b", "c"],
        "post_id": ["1", "2", "3"], "seq": pa.array([0, 1, 2], pa.int64()), "t": pa.array([0, 1, 2], pa.int64()),
    }))
    e.create_table("eligible", eligible_sql(2))
    assert e.count("eligible") == 0
    assert DetectConfig().min_participation == 2
