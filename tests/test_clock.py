"""Clock resolution: second, minute, hour and day clocks, mixed sources, small sources."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pytest

from inconcert.clock import (
    clock_resolution,
    clock_summary,
    coarsest,
    raise_window,
    real_gap,
    usable_windows,
)
from inconcert.engines.duckdb_engine import DuckDBEngine

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)


def _engine(sources: dict[str, list[dt.datetime]], platform: str = "twitter") -> DuckDBEngine:
    e = DuckDBEngine()
    src = [s for s, ts in sources.items() for _ in ts]
    e.register_arrow(
        "actions",
        pa.table(
            {
                "source": src,
                "platform": [platform] * len(src),
                "ts": pa.array([t for ts in sources.values() for t in ts], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
    return e


def _times(n: int, tick: float, seed: int = 1) -> list[dt.datetime]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = rng.uniform(0, 30 * 86400)
        s = s - s % tick if tick >= 1 else s
        out.append(T0 + dt.timedelta(seconds=s))
    return out


@pytest.mark.parametrize(
    "tick, expected", [(0.001, 1.0), (1.0, 1.0), (60.0, 60.0), (3600.0, 3600.0), (86400.0, 86400.0)]
)
def test_each_clock_is_recognised(tick, expected):
    assert clock_resolution(_engine({"f.csv": _times(300, tick)})) == {"f.csv": expected}


def test_sources_are_judged_separately_and_the_run_takes_the_coarsest():
    e = _engine({"api.json": _times(200, 1.0), "ira.csv": _times(200, 60.0, seed=2)})
    res = clock_resolution(e)
    assert res == {"api.json": 1.0, "ira.csv": 60.0}
    assert coarsest(res) == 60.0
    s = clock_summary(e)
    assert s["clock"] == "minute" and "99%" in s["rule"]


def test_a_few_stray_rows_do_not_hide_a_minute_clock_but_many_do():
    assert clock_resolution(_engine({"f": _times(995, 60.0) + _times(5, 1.0, seed=3)}))["f"] == 60.0
    assert clock_resolution(_engine({"f": _times(900, 60.0) + _times(100, 1.0, seed=3)}))["f"] == 1.0


def test_too_few_rows_count_as_seconds():
    assert clock_resolution(_engine({"f": _times(19, 3600.0)}))["f"] == 1.0


def test_windows_follow_the_clock():
    assert usable_windows([10, 60, 600, 3600, 21600], 60.0) == [60.0, 600.0, 3600.0, 21600.0]
    assert usable_windows([10, 60], 86400.0) == [86400.0]
    w, warning = raise_window(10, 60.0)
    assert w == 60.0 and "raised to 60 s" in warning
    assert raise_window(60, 60.0) == (60.0, None)
    assert real_gap(60.0, 60.0) == (0.0, 120.0)  # "same or next clock minute"
