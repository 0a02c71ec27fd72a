"""Bluesky reader: Jetstream events and AppView post views."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa

from inconcert.readers import detect_format
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers"
A = "at://did:plc:aaa/app.bsky.feed.post/3l3a"


def read(path: Path) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path)
    t = pa.concat_tables(list(detect_format(path).read(path, ctx)))
    ctx.flush_rejects()
    return t, ctx


def test_jetstream_mapping():
    path = FIX / "bluesky_jetstream.jsonl"
    assert detect_format(path).name == "bluesky"
    t, ctx = read(path)
    rows = {r["post_id"]: r for r in t.to_pylist()}
    p = rows[A]
    assert p["account_id"] == "did:plc:aaa"
    assert p["urls"] == ["https://vote.example/", "https://vote.example/info"]
    assert p["hashtags"] == ["extra", "election"] and p["mentions"] == ["did:plc:bbb"]
    rp = rows["at://did:plc:bbb/app.bsky.feed.repost/3l3b"]
    assert rp["repost_of"] == A
    reply = rows["at://did:plc:bbb/app.bsky.feed.post/3l3c"]
    assert reply["reply_to"] == A
    assert reply["urls"] == ["https://bsky.app/profile/did:plc:aaa/post/3l3a"]  # quote
    reasons = [r["reason"] for r in ctx.rejects[0].to_pylist()]
    assert reasons == [
        "not a post or repost: app.bsky.feed.like create",
        "not a post or repost: identity event",
    ]
    assert ctx.records_read == 5


def test_created_at_is_utc():
    t, _ = read(FIX / "bluesky_jetstream.jsonl")
    rows = {r["post_id"]: r for r in t.to_pylist()}
    assert rows[A]["ts"] == dt.datetime(2024, 9, 9, 19, 46, 2, 102000, tzinfo=dt.UTC)
    # "2024-09-09T21:46:10+02:00"
    assert rows["at://did:plc:bbb/app.bsky.feed.repost/3l3b"]["ts"] == dt.datetime(
        2024, 9, 9, 19, 46, 10, tzinfo=dt.UTC
    )


def test_post_views(tmp_path):
    view = {
        "uri": A,
        "cid": "c1",
        "author": {"did": "did:plc:aaa", "handle": "a.bsky.social"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "hi",
            "createdAt": "2024-09-09T19:46:02Z",
        },
        "indexedAt": "2024-09-09T19:46:03Z",
    }
    item = {
        "post": view,
        "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": {"did": "did:plc:ccc", "handle": "c.bsky.social"},
            "indexedAt": "2024-09-09T20:00:00Z",
        },
    }
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps(view) + "\n" + json.dumps(item) + "\n")
    assert detect_format(p).name == "bluesky"
    t, ctx = read(p)
    rows = t.to_pylist()
    assert rows[0]["post_id"] == A and rows[0]["text"] == "hi"
    assert rows[1]["account_id"] == "did:plc:ccc" and rows[1]["repost_of"] == A
    acc = {a["account_id"]: a["account_name"] for a in pa.concat_tables(ctx.accounts).to_pylist()}
    assert acc["did:plc:aaa"] == "a.bsky.social"


def test_saved_response_pages_are_read_item_by_item(tmp_path: Path):
    """A getAuthorFeed / searchPosts response saved as it came (a blind formats test found
    every such page rejected as "missing author.did or uri")."""
    def view(i: int) -> dict:
        return {"uri": f"at://did:plc:a{i}/app.bsky.feed.post/3k{i}", "author": {"did": f"did:plc:a{i}", "handle": f"a{i}"},
                "record": {"createdAt": "2024-09-13T06:48:11.117+09:00", "text": f"post {i} https://x.example/{i}",
                           "embed": {"external": {"uri": f"https://x.example/{i}"}}}}
    page = {"feed": [{"post": view(i)} for i in range(3)], "cursor": "2024-09-13"}
    search = {"posts": [view(i) for i in range(3, 5)], "cursor": "5"}
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps(page) + "\n" + json.dumps(search) + "\n" + json.dumps({"feed": []}) + "\n")
    assert detect_format(path).name == "bluesky"
    t, ctx = read(path)
    assert sorted(t.column("account_id").to_pylist()) == [f"did:plc:a{i}" for i in range(5)]
    assert ctx.records_read == 5 and ctx.n_rejected == 0
    ts = t.column("ts").to_pylist()[0]
    assert ts == dt.datetime(2024, 9, 12, 21, 48, 11, 117000, tzinfo=dt.UTC)
