"""CrowdTangle CSV reader: local times with their zone → UTC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from inconcert.readers import detect_format
from inconcert.readers.base import ReadContext
from inconcert.readers.platforms.crowdtangle import to_utc_us

FIX = Path(__file__).parent / "fixtures" / "readers"
UTC = dt.UTC


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_local_times_with_zone_suffix_become_utc():
    path = FIX / "crowdtangle.csv"
    assert detect_format(path).name == "crowdtangle"
    t, _ = read(path)
    ts = t.column("ts").to_pylist()
    assert ts[0] == dt.datetime(2020, 11, 3, 12, 0, tzinfo=UTC)  # 07:00 EST
    assert ts[1] == dt.datetime(2020, 7, 4, 14, 0, tzinfo=UTC)  # 10:00 EDT
    assert ts[2] == dt.datetime(2020, 11, 3, 12, 0, tzinfo=UTC)  # 13:00 CET


def test_time_zone_column():
    t, ctx = read(FIX / "crowdtangle_tzcol.csv")
    ts = t.column("ts").to_pylist()
    assert ts[0] == dt.datetime(2021, 7, 1, 10, 0, tzinfo=UTC)  # Europe/Berlin, summer
    assert ts[1] == dt.datetime(2021, 1, 15, 4, 0, tzinfo=UTC)  # +05:30
    assert ctx.n_rejected == 0


def test_mapping_and_rejects():
    t, ctx = read(FIX / "crowdtangle.csv")
    rows = t.to_pylist()
    assert rows[0]["account_id"] == "100012345"
    assert rows[0]["post_id"] == "https://www.facebook.com/100012345/posts/1"
    assert rows[0]["urls"][0] == "https://rigged.example/story"  # Final Link first
    assert rows[0]["hashtags"] == ["Election2020"]
    assert rows[1]["urls"] == ["https://rigged.example/story"]
    assert rows[2]["platform"] == "instagram" and rows[2]["account_id"] == "insta_acct"
    assert rows[0]["platform"] == "facebook"
    rej = ctx.rejects[0].to_pylist()
    assert rej[0]["row"] == 4 and "unknown time zone 'XYZT'" in rej[0]["reason"]
    assert ctx.records_read == 4
    acc = {a["account_id"]: a for a in pa.concat_tables(ctx.accounts).to_pylist()}
    assert acc["100012345"]["account_name"] == "Daily Truth"


def test_dst_transition_with_iana_zone():
    # 2021-03-28 03:30 Europe/Berlin is CEST (+2) → 01:30 UTC
    assert to_utc_us("2021-03-28 03:30:00", "Europe/Berlin") == 1616895000000000
