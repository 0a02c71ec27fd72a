"""Twitter API v2 reader (twarc2 responses and flattened tweets)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa

from inconcert.actions import ACTIONS_SCHEMA
from inconcert.readers import detect_format, get_reader
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers"
UTC = dt.UTC


def read(path: Path, name: str | None = None) -> tuple[pa.Table, ReadContext]:
    reader = get_reader(name) if name else detect_format(path)
    ctx = ReadContext(path)
    tables = list(reader.read(path, ctx))
    ctx.flush_rejects()
    t = pa.concat_tables(tables) if tables else ACTIONS_SCHEMA.empty_table()
    return t, ctx


def by_id(t: pa.Table) -> dict[str, dict]:
    return {r["post_id"]: r for r in t.to_pylist()}


def rejects(ctx: ReadContext) -> list[tuple[int, str]]:
    return [(r["row"], r["reason"]) for t in ctx.rejects for r in t.to_pylist()]


def test_responses_are_detected_and_mapped():
    path = FIX / "twitter_v2_responses.jsonl"
    assert detect_format(path).name == "twitter_v2"
    t, ctx = read(path)
    assert t.schema == ACTIONS_SCHEMA
    rows = by_id(t)
    assert sorted(rows) == ["1001", "1002", "1003", "1004"]
    a = rows["1001"]
    assert a["account_id"] == "100"
    assert a["urls"] == ["https://example.com/story"]  # unwound_url preferred
    assert a["hashtags"] == ["News"] and a["mentions"] == ["bob"]
    assert rows["1002"]["repost_of"] == "1001"
    assert rows["1002"]["urls"] == ["https://example.com/story"]  # from the retweeted original
    assert rows["1003"]["reply_to"] == "1001"
    assert rows["1004"]["urls"] == ["https://twitter.com/i/web/status/999"]  # quote
    assert {r["platform"] for r in rows.values()} == {"twitter"}
    assert rows["1004"]["row"] == 3  # line number


def test_timestamps_are_utc():
    t, _ = read(FIX / "twitter_v2_responses.jsonl")
    rows = by_id(t)
    assert rows["1001"]["ts"] == dt.datetime(2022, 3, 1, 10, 0, tzinfo=UTC)
    # "2022-03-01T12:30:00+02:00" is 10:30 UTC
    assert rows["1003"]["ts"] == dt.datetime(2022, 3, 1, 10, 30, tzinfo=UTC)
    assert t.schema.field("ts").type == pa.timestamp("us", tz="UTC")


def test_rejects_add_up():
    t, ctx = read(FIX / "twitter_v2_responses.jsonl")
    assert rejects(ctx) == [
        (2, "invalid JSON"),
        (3, "missing timestamp"),
        (4, "API response without data (errors only)"),
    ]
    assert ctx.records_read == t.num_rows + ctx.n_rejected == 7


def test_handles_from_includes_users():
    _, ctx = read(FIX / "twitter_v2_responses.jsonl")
    acc = pa.concat_tables(ctx.accounts).to_pylist()
    assert {a["account_id"]: a["account_name"] for a in acc} == {"100": "alice", "200": "bob"}


def test_flattened_tweets():
    path = FIX / "twitter_v2_flat.jsonl"
    assert detect_format(path).name == "twitter_v2"
    t, ctx = read(path)
    rows = by_id(t)
    assert rows["1002"]["repost_of"] == "1001"
    assert rows["1002"]["hashtags"] == ["News"]  # merged from referenced_tweets[].tweet
    assert ctx.n_rejected == 0
    acc = pa.concat_tables(ctx.accounts).to_pylist()
    assert {a["account_name"] for a in acc} == {"alice", "bob"}


def test_json_array_of_tweets(tmp_path):
    tweets = [json.loads(x) for x in (FIX / "twitter_v2_flat.jsonl").read_text().splitlines()]
    p = tmp_path / "tweets.json"
    p.write_text(json.dumps(tweets, indent=2))
    assert detect_format(p).name == "twitter_v2"
    t, ctx = read(p)
    assert t.num_rows == 2 and ctx.n_rejected == 0
    assert t.column("row").to_pylist() == [1, 2]


def test_gzip_and_long_lines(tmp_path):
    import gzip

    data = [
        {
            "id": str(i),
            "author_id": "1",
            "created_at": "2022-01-01T00:00:00Z",
            "text": "x" * 500,
            "edit_history_tweet_ids": [str(i)],
        }
        for i in range(300)
    ]
    p = tmp_path / "big.jsonl.gz"
    with gzip.open(p, "wt") as fh:
        fh.write(json.dumps({"data": data, "includes": {"users": []}}) + "\n")
    assert detect_format(p).name == "twitter_v2"  # the first line is longer than the sniffed head
    t, ctx = read(p)
    assert t.num_rows == 300 and ctx.n_rejected == 0


def test_small_chunks_stream(tmp_path):
    path = FIX / "twitter_v2_responses.jsonl"
    ctx = ReadContext(path, chunk_rows=1)
    batches = list(get_reader("twitter_v2").read(path, ctx))
    assert [b.num_rows for b in batches] == [1, 1, 1, 1]


def test_a_flattened_retweet_keeps_the_original_links(tmp_path: Path):
    """``twarc2 flatten`` merges the original tweet's fields into its ``referenced_tweets``
    entry (not under ``tweet``): its links must come along, as from the API responses
    (a blind formats test found every flattened retweet with no URLs)."""
    rt = {"id": "2", "author_id": "20", "created_at": "2022-03-01T00:11:00.000Z", "text": "RT @a: war https://t.co/x",
          "author": {"id": "20", "username": "b"},
          "referenced_tweets": [{"type": "retweeted", "id": "1", "text": "war https://t.co/x", "author_id": "10",
                                 "entities": {"urls": [{"url": "https://t.co/x", "expanded_url": "https://blog.example/p/0",
                                                        "unwound_url": "https://blog.example/p/0"}],
                                              "hashtags": [{"tag": "truth"}]}}]}
    path = tmp_path / "flat.jsonl"
    path.write_text(json.dumps(rt) + "\n")
    t, _ = read(path, "twitter_v2")
    r = by_id(t)["2"]
    assert r["repost_of"] == "1"
    assert r["urls"] == ["https://blog.example/p/0"] and r["hashtags"] == ["truth"]
