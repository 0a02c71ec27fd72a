"""FiveThirtyEight IRA troll tweets reader, on a fixture and on the real release."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from inconcert.readers import detect_format
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers"
IRA = (
    Path(__file__).parents[1]
    / ".."
    / "shared"
    / "data"
    / "ira"
    / "ira_tweets_en_2016-10-01_2016-11-15.csv.gz"
)


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_fixture_mapping_and_utc():
    path = FIX / "fivethirtyeight.csv"
    assert detect_format(path).name == "fivethirtyeight"
    t, ctx = read(path)
    rows = t.to_pylist()
    assert [r["account_id"] for r in rows] == ["TEN_GOP", "PAMELA_MOORE13", "Hashtag_Player"]
    # original release format "10/1/2016 19:58", taken as UTC
    assert rows[0]["ts"] == dt.datetime(2016, 10, 1, 19, 58, tzinfo=dt.UTC)
    assert rows[0]["hashtags"] == ["MAGA"] and rows[0]["mentions"] == ["realDonaldTrump"]
    assert rows[0]["urls"] == ["https://t.co/AbC"]
    assert rows[0]["repost_of"] is None
    assert rows[1]["repost_of"].startswith("text:")  # RETWEET of the same text
    assert rows[2]["repost_of"] is None
    assert [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()] == [
        (4, "unparseable timestamp: '13/45/2016 9:05'")
    ]
    acc = {a["account_id"]: a for a in pa.concat_tables(ctx.accounts).to_pylist()}
    assert acc["Hashtag_Player"]["account_category"] == "HashtagGamer"


@pytest.mark.skipif(not IRA.exists(), reason="shared IRA data not available")
def test_real_ira_file_loads_with_zero_rejects():
    assert detect_format(IRA).name == "fivethirtyeight"
    t, ctx = read(IRA)
    assert ctx.n_rejected == 0
    assert t.num_rows == ctx.records_read == 128_919
    assert pc.count_distinct(t["account_id"]).as_py() == 341
    assert pc.count_distinct(t["post_id"]).as_py() == 128_919
    assert t.column("ts")[0].as_py() == dt.datetime(2016, 10, 1, tzinfo=dt.UTC)
    assert pc.max(t["ts"]).as_py() == dt.datetime(2016, 11, 15, 23, 58, tzinfo=dt.UTC)
    acc = pa.concat_tables(ctx.accounts)
    assert acc.num_rows == 341
    cats = set(acc.column("account_category").to_pylist())
    assert {"RightTroll", "LeftTroll", "HashtagGamer"} <= cats
    assert t.column("repost_of").null_count == 24_537 + 675  # originals and quote tweets
