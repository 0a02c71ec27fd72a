"""Twitter information-operations archive CSV reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from inconcert.readers import READERS, detect_format
from inconcert.readers.base import ReadContext, read_head

FIX = Path(__file__).parent / "fixtures" / "readers"
PATH = FIX / "io_archive.csv"
HASHED = "Hk3vQ1x2a9+8eGm0nW7RzQ0b3kqZ1TAbcdEfGhIjKlM="


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_detected_over_generic():
    assert detect_format(PATH).name == "io_archive"
    head = read_head(PATH)
    assert READERS["io_archive"].sniff(PATH, head) > READERS["generic"].sniff(PATH, head)


def test_mapping_lists_and_hashed_ids():
    t, ctx = read(PATH)
    rows = {r["post_id"]: r for r in t.to_pylist()}
    assert rows["900001"]["account_id"] == HASHED
    assert rows["900001"]["hashtags"] == ["MAGA", "News"]
    assert rows["900001"]["urls"] == ["https://story.example/1"]
    assert rows["900002"]["repost_of"] == "900001"
    assert rows["900002"]["urls"] == ["https://story.example/1"]  # ['quoted'] list form
    assert rows["900002"]["mentions"] == [HASHED]
    assert rows["900003"]["reply_to"] == "900001"  # "900001.0" written by pandas
    assert rows["900003"]["urls"] == ["https://twitter.com/i/web/status/900000"]  # quote
    acc = {a["account_id"]: a for a in pa.concat_tables(ctx.accounts).to_pylist()}
    assert acc[HASHED]["account_name"] == "patriot_news"


def test_tweet_time_is_utc():
    t, _ = read(PATH)
    assert t.column("ts")[0].as_py() == dt.datetime(2016, 10, 1, 12, 0, tzinfo=dt.UTC)


def test_rejects():
    t, ctx = read(PATH)
    got = [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()]
    assert got == [(4, "missing timestamp"), (5, "expected 31 fields, found 3")]
    assert ctx.records_read == t.num_rows + ctx.n_rejected == 5
