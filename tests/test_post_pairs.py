"""The pairs stage's shortcuts give the rows of the plain steps.

A post pair whose posts carry one trace each is its one trace pair, taken as
it is; a post pair of posts with several traces (a retweet, its URL, its
hashtags) is grouped: both give the rows the grouping of every trace pair
gives. The participation filter keeps the same pairs whether it looks up the
accounts that qualify or those that fall short. The band join's pairs, their
``single`` flag and the per-post window agree with a brute-force loop.
"""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pytest

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.sql.coaction import (
    filter_pairs_sql,
    pairs_by_object_window_sql,
    participants_sql,
    post_pairs_sql,
)

BEHAVIOURS = ["url", "repost", "hashtags"]
WINDOWS = [10_000_000, 60_000_000, 600_000_000]


def _tables(seed: int, posts: int = 300) -> tuple[pa.Table, pa.Table]:
    """``eligible`` (posts with one to three traces: a repost, URLs, a hashtag set)
    and ``ic_obj_window`` (a window per object; a few objects left out)."""
    rng = np.random.default_rng(seed)
    rows = []
    for seq in range(posts):
        account, t = int(rng.integers(1, 25)), int(rng.integers(0, 1_800)) * 1_000_000
        kinds = rng.choice(BEHAVIOURS, size=int(rng.integers(1, 4)), replace=False)
        for b in kinds:
            n = int(rng.integers(1, 3)) if b == "url" else 1  # a post may carry two URLs
            for o in rng.choice(12, size=n, replace=False):
                rows.append((str(b), BEHAVIOURS.index(str(b)) * 100 + int(o), account, seq, t))
    eligible = pa.table({
        "behaviour": [r[0] for r in rows], "object": pa.array([r[1] for r in rows], pa.int64()),
        "account_id": pa.array([r[2] for r in rows], pa.int32()), "seq": pa.array([r[3] for r in rows], pa.int64()),
        "t": pa.array([r[4] for r in rows], pa.int64()),
    })
    objects = sorted({(r[0], r[1]) for r in rows})
    kept = [o for o in objects if rng.random() > 0.1]
    windows = pa.table({
        "behaviour": [o[0] for o in kept], "object": pa.array([o[1] for o in kept], pa.int64()),
        "w_us": pa.array([int(rng.choice(WINDOWS)) for _ in kept], pa.int64()),
    })
    return eligible, windows


def _brute_pairs(eligible: pa.Table, windows: pa.Table) -> set[tuple]:
    w = {(b, o): x for b, o, x in zip(*(windows.column(c).to_pylist() for c in ("behaviour", "object", "w_us")),
                                      strict=True)}
    tr = [r for r in eligible.to_pylist() if (r["behaviour"], r["object"]) in w]
    w_post: dict[int, int] = {}
    n_post: dict[int, int] = {}
    for r in tr:
        x = w[(r["behaviour"], r["object"])]
        w_post[r["seq"]] = min(w_post.get(r["seq"], x), x)
        n_post[r["seq"]] = n_post.get(r["seq"], 0) + 1
    out = set()
    for a, b in itertools.permutations(tr, 2):
        if (a["behaviour"], a["object"]) != (b["behaviour"], b["object"]) or a["account_id"] == b["account_id"]:
            continue
        if (a["t"], a["seq"]) >= (b["t"], b["seq"]):
            continue
        dt = b["t"] - a["t"]
        if dt <= min(w[(a["behaviour"], a["object"])], w_post[a["seq"]], w_post[b["seq"]]):
            out.add((a["behaviour"], a["object"], a["account_id"], b["account_id"], a["seq"], b["seq"], a["t"], b["t"],
                     n_post[a["seq"]] == 1 and n_post[b["seq"]] == 1))
    return out


def _engine(seed: int):
    """An engine holding the random ``eligible`` and ``ic_obj_window`` tables of ``seed``."""
    e = DuckDBEngine()
    eligible, windows = _tables(seed)
    e.register_arrow("eligible", eligible)
    e.register_arrow("ic_obj_window", windows)
    return e, eligible, windows


def _rows(e, sql: str) -> list[tuple]:
    return sorted(tuple(r.values()) for r in e.to_arrow(sql).to_pylist())


@pytest.mark.parametrize("seed", range(6))
def test_band_join_pairs_and_single_flag_match_brute_force(seed: int) -> None:
    e, eligible, windows = _engine(seed)
    got = _rows(e, pairs_by_object_window_sql(e.dialect))
    want = _brute_pairs(eligible, windows)
    assert got == sorted(want)
    assert {p[-1] for p in want} == {True, False}  # both kinds of post pair are there


@pytest.mark.parametrize("seed", range(6))
def test_single_trace_post_pairs_skip_the_grouping_and_give_the_same_rows(seed: int) -> None:
    e, eligible, windows = _engine(seed)
    e.create_table("ic_trace_pairs", pairs_by_object_window_sql(e.dialect))
    grouped = _rows(e, post_pairs_sql(e.dialect, WINDOWS, BEHAVIOURS))
    split = _rows(e, post_pairs_sql(e.dialect, WINDOWS, BEHAVIOURS, single="single"))
    assert split == grouped
    # a post pair of several trace pairs is one row, its behaviours all named
    assert any("," in r[8] for r in split) and any("," not in r[8] for r in split)
    n_multi = e.scalar("SELECT count(*) FROM (SELECT seq_a, seq_b FROM ic_trace_pairs WHERE NOT single "
                       "GROUP BY seq_a, seq_b) s")
    assert int(n_multi or 0) > 0


@pytest.mark.parametrize("mp", [1, 2, 3])
def test_filter_on_accounts_below_keeps_the_pairs_of_accounts_that_qualify(mp: int) -> None:
    e = DuckDBEngine()
    eligible, windows = _tables(11, posts=200)
    e.register_arrow("eligible", eligible)
    e.register_arrow("ic_obj_window", windows)
    e.create_table("raw_pairs", pairs_by_object_window_sql(e.dialect))
    e.create_table("ic_pair_ok", participants_sql(mp))
    e.create_table("ic_pair_below", participants_sql(mp, qualifying=False))
    ok = _rows(e, filter_pairs_sql(mp))
    below = _rows(e, filter_pairs_sql(mp, below_table="ic_pair_below"))
    assert below == ok
    if mp == 3:
        assert 0 < len(ok) < e.count("raw_pairs")  # the filter drops some pairs here


def test_shortcuts_run_on_every_engine(engine) -> None:
    eligible, windows = _tables(3, posts=80)
    engine.register_arrow("eligible", eligible)
    engine.register_arrow("ic_obj_window", windows)
    engine.create_table("raw_pairs", pairs_by_object_window_sql(engine.dialect))
    engine.create_table("ic_pair_below", participants_sql(2, qualifying=False))
    engine.create_table("ic_trace_pairs", filter_pairs_sql(2, below_table="ic_pair_below"))
    split = _rows(engine, post_pairs_sql(engine.dialect, WINDOWS, BEHAVIOURS, single="single"))
    d = DuckDBEngine()
    d.register_arrow("eligible", eligible)
    d.register_arrow("ic_obj_window", windows)
    d.create_table("raw_pairs", pairs_by_object_window_sql(d.dialect))
    d.create_table("ic_pair_ok", participants_sql(2))
    d.create_table("ic_trace_pairs", filter_pairs_sql(2))
    assert split == _rows(d, post_pairs_sql(d.dialect, WINDOWS, BEHAVIOURS)) and split


@pytest.mark.parametrize("seed", range(4))
def test_primary_share_from_multi_tables_equals_counting_every_trace_pair(seed: int) -> None:
    from inconcert.scoring.nullmodel import primary_share_sql
    from inconcert.sql.coaction import single_post_pairs_sql

    e = DuckDBEngine()
    eligible, windows = _tables(seed)
    e.register_arrow("eligible", eligible)
    e.register_arrow("ic_obj_window", pa.table({
        **{c: windows.column(c) for c in ("behaviour", "object", "w_us")},
        "n": pa.array([2] * windows.num_rows, pa.int64()), "s": pa.array([3] * windows.num_rows, pa.int64()),
        "cap": pa.array([0] * windows.num_rows, pa.int64()),
        "c0": pa.array([0.5] * windows.num_rows), "q0": pa.array([0.25] * windows.num_rows),
    }))
    e.create_table("raw_pairs", pairs_by_object_window_sql(e.dialect))
    e.create_table("ic_pair_below", participants_sql(2, qualifying=False))
    kept = f"({filter_pairs_sql(2, below_table='ic_pair_below')}) kept"
    # the stage's way: only the multi trace pairs stored, the single ones straight into pairs
    e.create_table("ic_trace_multi", f"SELECT * FROM {kept} WHERE NOT single")
    e.create_table("ic_post_multi", post_pairs_sql(e.dialect, WINDOWS, BEHAVIOURS, "ic_trace_multi"))
    e.create_table("pairs", f"{single_post_pairs_sql(WINDOWS, kept)} UNION ALL SELECT * FROM ic_post_multi")
    # the plain way: every kept trace pair stored and grouped
    e.create_table("ic_trace_pairs", f"SELECT * FROM {kept}")
    e.create_table("pairs_all", post_pairs_sql(e.dialect, WINDOWS, BEHAVIOURS, "ic_trace_pairs"))
    assert _rows(e, "SELECT * FROM pairs") == _rows(e, "SELECT * FROM pairs_all")
    want = _rows(e, primary_share_sql(1, "ic_trace_pairs", "pairs_all"))
    got = _rows(e, primary_share_sql(1, pairs="pairs", multi=("ic_trace_multi", "ic_post_multi")))
    assert got == want
    assert any(r[-1] < 0.25 for r in got)  # some objects count as primary in fewer than all their pairs


def test_pairs_made_in_place_equal_the_copy_on_every_engine(engine) -> None:
    """The stage's way: the trace pairs that are not post pairs as they stand are
    deleted, the grouped ones appended (no second copy of the pairs); the rows
    are those of selecting the single kept pairs and the grouped ones into a new
    table. ``behaviours`` stands apart, for the post pairs of several behaviours."""
    from inconcert.sql.coaction import (
        PAIR_COLUMNS,
        pair_behaviours_sql,
        single_post_pairs_sql,
        unpaired_trace_pairs_sql,
    )

    eligible, windows = _tables(5, posts=300)
    engine.register_arrow("eligible", eligible)
    engine.register_arrow("ic_obj_window", windows)
    engine.create_table("raw_pairs", pairs_by_object_window_sql(engine.dialect, windows_us=WINDOWS))
    engine.create_table("ic_pair_below", participants_sql(3, qualifying=False))
    kept = f"({filter_pairs_sql(3, below_table='ic_pair_below')}) kept"
    engine.create_table("ic_trace_multi", f"SELECT * FROM {kept} WHERE NOT single")
    engine.create_table("ic_post_multi", post_pairs_sql(engine.dialect, WINDOWS, BEHAVIOURS, "ic_trace_multi"))
    cols = ", ".join(PAIR_COLUMNS)
    want = _rows(engine, f"{single_post_pairs_sql(WINDOWS, kept, behaviours=False)} UNION ALL "
                         f"SELECT {cols} FROM ic_post_multi")
    n_raw = engine.count("raw_pairs")
    engine.delete_rows("raw_pairs", unpaired_trace_pairs_sql("ic_pair_below", "raw_pairs"))
    engine.insert_rows("raw_pairs", PAIR_COLUMNS, f"SELECT {cols} FROM ic_post_multi")
    assert _rows(engine, f"SELECT {cols} FROM raw_pairs") == want
    assert 0 < len(want) < n_raw  # the filter dropped pairs, and the multi ones were grouped
    several = _rows(engine, pair_behaviours_sql())
    assert several and all("," in r[2] for r in several)


@pytest.mark.parametrize("seed", range(3))
def test_links_count_the_strata_as_the_null_model_does(seed: int) -> None:
    """The links step's stratum counts (one pass over the pairs) are those of
    :func:`stratum_counts_sql` (a pass of its own), link by link."""
    from inconcert.scoring.nullmodel import stratum_counts_sql
    from inconcert.sql.coaction import event_links_sql

    e, eligible, windows = _engine(seed)
    e.create_table("raw_pairs", pairs_by_object_window_sql(e.dialect, windows_us=WINDOWS))
    e.create_table("pairs", "SELECT * FROM raw_pairs WHERE single")
    rng = np.random.default_rng(seed)
    objs = windows.to_pylist()
    e.register_arrow("ic_null_objects", pa.table({
        "behaviour": [o["behaviour"] for o in objs], "object": pa.array([o["object"] for o in objs], pa.int64()),
        "n": pa.array(rng.integers(2, 40, len(objs)), pa.int64()),
    }))
    strata = [5, 20]
    ranges = {b: (i * 100, i * 100 + 99) for i, b in enumerate(BEHAVIOURS)}
    cells = [f"s{j}_{i}" for j in range(len(strata)) for i in range(len(WINDOWS))]
    got = _rows(e, f"SELECT account_a, account_b, {', '.join(cells)} FROM ("
                   f"{event_links_sql(e.dialect, BEHAVIOURS, len(WINDOWS), ranges, 'pairs', None, strata)}) l")
    want = _rows(e, stratum_counts_sql(strata, len(WINDOWS)))
    assert got == want and any(any(v for v in r[2:]) for r in got)
