"""CooRTweet multi-column export reader, on a fixture and on german_elections.csv."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from inconcert.readers import detect_format
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers"
GERMAN = Path(__file__).parents[1] / ".." / "shared" / "data" / "coortweet" / "german_elections.csv"


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_fixture_each_id_column_has_a_place():
    path = FIX / "coortweet_multi.csv"
    assert detect_format(path).name == "coortweet_multi"
    t, ctx = read(path)
    rows = t.to_pylist()
    assert (
        rows[0]["urls"] == ["u10"]
        and rows[0]["object"] == "d5"
        and rows[0]["platform"] == "facebook"
    )
    assert rows[1]["hashtags"] == ["h3"] and rows[1]["platform"] == "twitter"
    assert rows[2]["image"] == "ph7" and rows[2]["urls"] == []
    assert rows[0]["ts"] == dt.datetime(2021, 8, 21, 23, 50, 36, tzinfo=dt.UTC)  # unix seconds, UTC
    assert [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()] == [
        (5, "missing timestamp")
    ]


@pytest.mark.skipif(not GERMAN.exists(), reason="shared CooRTweet data not available")
def test_real_german_elections():
    t, ctx = read(GERMAN)
    assert ctx.n_rejected == 0 and t.num_rows == 218_971
    assert pc.count_distinct(t["account_id"]).as_py() == 58_317
    assert t.column("ts")[0].as_py() == dt.datetime(2021, 8, 21, 23, 50, 36, tzinfo=dt.UTC)
    assert set(pc.unique(t["platform"]).to_pylist()) == {"facebook", "twitter"}
    assert t.column("image").null_count < t.num_rows
