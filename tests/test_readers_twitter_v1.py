"""Twitter API v1.1 reader (JSON Lines and the archive tweet.js)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa

from inconcert.actions import ACTIONS_SCHEMA
from inconcert.readers import detect_format, get_reader
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers"
UTC = dt.UTC


def read(path: Path, name: str | None = None, **kw) -> tuple[pa.Table, ReadContext]:
    reader = get_reader(name) if name else detect_format(path)
    ctx = ReadContext(path, **kw)
    tables = list(reader.read(path, ctx))
    ctx.flush_rejects()
    return (pa.concat_tables(tables) if tables else ACTIONS_SCHEMA.empty_table()), ctx


def by_id(t: pa.Table) -> dict[str, dict]:
    return {r["post_id"]: r for r in t.to_pylist()}


def test_v1_lines_mapped():
    path = FIX / "twitter_v1.jsonl"
    assert detect_format(path).name == "twitter_v1"
    t, ctx = read(path)
    rows = by_id(t)
    assert rows["5001"]["text"] == "A long tweet https://t.co/q #Vote"  # extended_tweet.full_text
    assert rows["5001"]["urls"] == ["https://example.org/a"]
    assert rows["5001"]["account_id"] == "300"
    assert rows["5002"]["repost_of"] == "5001"
    assert rows["5002"]["hashtags"] == ["Vote"]  # from the retweeted status
    assert rows["5003"]["reply_to"] == "5001"
    assert rows["5003"]["urls"] == ["https://twitter.com/i/web/status/4000"]
    reasons = [r["reason"] for r in ctx.rejects[0].to_pylist()]
    assert reasons == ["unparseable timestamp: 'yesterday'", "not a JSON object"]
    assert ctx.records_read == 5


def test_v1_created_at_is_utc():
    t, _ = read(FIX / "twitter_v1.jsonl")
    rows = by_id(t)
    assert rows["5001"]["ts"] == dt.datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)
    # "Wed Oct 10 22:19:24 +0200 2018" is the same instant
    assert rows["5002"]["ts"] == rows["5001"]["ts"]


def test_archive_tweet_js_with_account_js():
    path = FIX / "archive" / "data" / "tweet.js"
    assert detect_format(path).name == "twitter_v1"
    t, ctx = read(path)
    rows = by_id(t)
    assert set(rows) == {"7001", "7002"}
    assert {r["account_id"] for r in rows.values()} == {"555"}
    assert rows["7001"]["ts"] == dt.datetime(2021, 1, 4, 9, 15, tzinfo=UTC)
    assert rows["7002"]["repost_of"].startswith("text:")
    assert [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()] == [
        (3, "missing timestamp")
    ]
    assert pa.concat_tables(ctx.accounts).to_pylist()[0]["account_name"] == "erin"


def test_archive_without_account_js(tmp_path):
    d = tmp_path / "twitter-2021-archive" / "data"
    d.mkdir(parents=True)
    shutil.copy(FIX / "archive" / "data" / "tweet.js", d / "tweet.js")
    t, _ = read(d / "tweet.js")
    assert set(t.column("account_id").to_pylist()) == {"twitter-2021-archive"}
    t, _ = read(d / "tweet.js", column_map={"account_id": "12345"})
    assert set(t.column("account_id").to_pylist()) == {"12345"}


def test_truncated_archive_is_rejected_not_crashing(tmp_path):
    text = (FIX / "archive" / "data" / "tweet.js").read_text()
    p = tmp_path / "tweet.js"
    p.write_text(text[: text.index("7003")])  # cut inside the third tweet
    t, ctx = read(p, "twitter_v1")
    assert t.num_rows == 2
    assert "the rest of the file was not read" in ctx.rejects[-1].to_pylist()[-1]["reason"]
    assert ctx.records_read == t.num_rows + ctx.n_rejected


def test_stream_notices_are_rejected_as_what_they_are(tmp_path):
    """Streaming API delete and limit messages are not tweets: their reject says so
    (it said "missing tweet id"; blind formats test)."""
    import json as _json

    path = tmp_path / "stream.jsonl"
    path.write_text(_json.dumps({"delete": {"status": {"id": 1, "id_str": "1"}}}) + "\n"
                    + _json.dumps({"limit": {"track": 42}}) + "\n")
    ctx = ReadContext(path)
    list(get_reader("twitter_v1").read(path, ctx))
    ctx.flush_rejects()
    assert [r["reason"] for r in ctx.rejects[0].to_pylist()] == [
        "stream notice (delete), not a tweet", "stream notice (limit), not a tweet"]
