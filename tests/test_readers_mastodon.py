"""Mastodon statuses reader (JSON array and JSON Lines)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from inconcert.readers import detect_format
from inconcert.readers.base import ReadContext
from inconcert.readers.platforms.mastodon import html_to_text

FIX = Path(__file__).parent / "fixtures" / "readers"
M1 = "https://mastodon.social/users/frank/statuses/109000"


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_array_mapping():
    path = FIX / "mastodon.json"
    assert detect_format(path).name == "mastodon"
    t, ctx = read(path)
    rows = {r["post_id"]: r for r in t.to_pylist()}
    a = rows[M1]
    assert a["account_id"] == "frank@mastodon.social"  # local acct made global
    assert a["text"] == "Breaking: news.example/item #Election @gina & more"
    assert a["urls"] == ["https://news.example/item", "https://news.example/item?utm=1"]
    assert a["hashtags"] == ["election"] and a["mentions"] == ["gina@x.y"]
    rb = rows["https://x.y/users/gina/statuses/55/activity"]
    assert rb["repost_of"] == M1 and rb["hashtags"] == ["election"]
    assert rows["109002"]["reply_to"] == "109000" and rows["109002"]["text"] == "ok\nfine"
    assert [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()] == [
        (4, "missing account.acct")
    ]
    assert ctx.records_read == 4


def test_jsonl_gives_same_rows():
    a, _ = read(FIX / "mastodon.json")
    b, ctx = read(FIX / "mastodon.jsonl")
    assert detect_format(FIX / "mastodon.jsonl").name == "mastodon"
    assert a.drop(["source"]).to_pylist() == b.drop(["source"]).to_pylist()
    assert ctx.n_rejected == 0


def test_created_at_is_utc():
    t, _ = read(FIX / "mastodon.json")
    rows = {r["post_id"]: r for r in t.to_pylist()}
    assert rows[M1]["ts"] == dt.datetime(2023, 5, 1, 8, 0, tzinfo=dt.UTC)
    # "2023-05-01T10:00:10+02:00"
    assert rows["https://x.y/users/gina/statuses/55/activity"]["ts"] == dt.datetime(
        2023, 5, 1, 8, 0, 10, tzinfo=dt.UTC
    )


def test_html_to_text_is_inert():
    text, links = html_to_text('<p>&lt;script&gt;x&lt;/script&gt; <a href="https://a.b/">a</a></p>')
    assert text == "<script>x</script> a" and links == ["https://a.b/"]
