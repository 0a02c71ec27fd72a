"""Property tests: random and truncated records never crash a platform reader.

Every reader either reads a file (with ``records_read == rows + rejected``, the
actions schema and UTC timestamps) or raises an :class:`InconcertError`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inconcert.actions import ACTIONS_SCHEMA
from inconcert.errors import InconcertError
from inconcert.readers import READERS
from inconcert.readers.base import ReadContext
from inconcert.readers.platforms import PLATFORM_READERS

FIX = Path(__file__).parent / "fixtures" / "readers"
SETTINGS = settings(
    max_examples=int(os.environ.get("INCONCERT_HYPOTHESIS_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KEYS = [
    "id",
    "id_str",
    "author_id",
    "created_at",
    "text",
    "full_text",
    "referenced_tweets",
    "type",
    "entities",
    "urls",
    "hashtags",
    "mentions",
    "expanded_url",
    "unwound_url",
    "tag",
    "username",
    "data",
    "includes",
    "users",
    "tweets",
    "user",
    "retweeted_status",
    "extended_tweet",
    "in_reply_to_status_id_str",
    "quoted_status_id_str",
    "author",
    "note_tweet",
    "errors",
    "meta",
    "did",
    "time_us",
    "kind",
    "commit",
    "collection",
    "operation",
    "rkey",
    "record",
    "createdAt",
    "subject",
    "uri",
    "facets",
    "features",
    "$type",
    "reply",
    "parent",
    "embed",
    "external",
    "account",
    "acct",
    "url",
    "content",
    "reblog",
    "in_reply_to_id",
    "card",
    "name",
    "tweet",
    "messages",
    "from",
    "from_id",
    "date",
    "date_unixtime",
    "forwarded_from",
    "text_entities",
    "reply_to_message_id",
    "href",
    "chats",
    "list",
    "post",
    "reason",
    "by",
    "indexedAt",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "2022-03-01T10:00:00Z",
            "Wed Oct 10 20:19:24 +0000 2018",
            "1645682400",
            "app.bsky.feed.post",
            "app.bsky.feed.repost",
            "retweeted",
            "quoted",
            "replied_to",
            "message",
            "service",
            "create",
            "commit",
            "at://did:plc:x/app.bsky.feed.post/1",
            "",
            "2024-13-45T99:00:00Z",
            "-1e400",
        ]
    )
)
keys = st.sampled_from(KEYS) | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda c: st.lists(c, max_size=4) | st.dictionaries(keys, c, max_size=6),
    max_leaves=25,
)
objects = st.dictionaries(keys, values, max_size=10)


def _fixture_lines(name: str) -> list[str]:
    return [x for x in (FIX / name).read_text().splitlines() if x.strip()]


JSON_LINES = {
    "twitter_v2": _fixture_lines("twitter_v2_responses.jsonl")
    + _fixture_lines("twitter_v2_flat.jsonl"),
    "twitter_v1": _fixture_lines("twitter_v1.jsonl"),
    "bluesky": _fixture_lines("bluesky_jetstream.jsonl"),
    "mastodon": _fixture_lines("mastodon.jsonl"),
}
CSV_FILES = {
    "io_archive": FIX / "io_archive.csv",
    "fivethirtyeight": FIX / "fivethirtyeight.csv",
    "crowdtangle": FIX / "crowdtangle.csv",
    "coortweet_multi": FIX / "coortweet_multi.csv",
}


def check(name: str, path: Path) -> None:
    """Read ``path`` with reader ``name``; only InconcertError may escape."""
    ctx = ReadContext(path, chunk_rows=3)
    n = 0
    try:
        for t in READERS[name].read(path, ctx):
            assert t.schema == ACTIONS_SCHEMA
            assert t.column("ts").null_count == 0
            assert t.column("account_id").null_count == 0
            n += t.num_rows
    except InconcertError:
        return
    ctx.flush_rejects()
    assert ctx.records_read == n + ctx.n_rejected
    for r in ctx.rejects:
        assert r.num_rows == 0 or r.column("reason").null_count == 0


def write(text: str | bytes, suffix: str = ".jsonl") -> Path:
    d = Path(tempfile.mkdtemp())
    p = d / ("result.json" if suffix == "result" else "in" + suffix)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8", errors="surrogatepass")
    return p


def _mutate(obj, data):
    """Replace a random nested value of ``obj`` by a random JSON value."""
    if isinstance(obj, dict) and obj:
        k = data.draw(st.sampled_from(sorted(obj)))
        if data.draw(st.booleans()):
            obj[k] = data.draw(values)
        else:
            obj[k] = _mutate(obj[k], data)
    elif isinstance(obj, list) and obj:
        i = data.draw(st.integers(0, len(obj) - 1))
        obj[i] = _mutate(obj[i], data)
    else:
        return data.draw(values)
    return obj


@SETTINGS
@given(name=st.sampled_from(sorted(JSON_LINES)), recs=st.lists(objects, max_size=6))
def test_random_json_objects(name, recs):
    text = "\n".join(json.dumps(r, default=str) for r in recs)
    check(name, write(text))


@SETTINGS
@given(name=st.sampled_from(sorted(JSON_LINES)), data=st.data())
def test_mutated_and_truncated_real_records(name, data):
    lines = JSON_LINES[name]
    out = []
    for line in data.draw(st.lists(st.sampled_from(lines), min_size=1, max_size=4)):
        how = data.draw(st.sampled_from(["mutate", "truncate", "keep"]))
        if how == "mutate":
            try:
                line = json.dumps(_mutate(json.loads(line), data), default=str)
            except ValueError:  # the fixtures' deliberately broken lines
                pass
        elif how == "truncate":
            line = line[: data.draw(st.integers(0, len(line)))]
        out.append(line)
    as_array = data.draw(st.booleans()) and name != "bluesky"
    text = ("[" + ",".join(out) + "]") if as_array else "\n".join(out)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    check(name, write(text))


@SETTINGS
@given(data=st.data())
def test_telegram_random_and_truncated(data):
    msgs = [
        json.loads(json.dumps(data.draw(objects), default=str))
        for _ in range(data.draw(st.integers(0, 3)))
    ]
    real = json.loads((FIX / "telegram" / "ChatExport_a" / "result.json").read_text())["messages"]
    msgs += [_mutate(dict(m), data) for m in data.draw(st.lists(st.sampled_from(real), max_size=3))]
    doc = json.dumps(
        {"name": "x", "type": "public_channel", "id": 5, "messages": msgs}, default=str
    )
    if data.draw(st.booleans()):
        doc = doc[: data.draw(st.integers(0, len(doc)))]
    check("telegram", write(doc, "result"))


@SETTINGS
@given(data=st.data())
def test_tweet_js_random_and_truncated(data):
    items = [data.draw(objects) for _ in range(data.draw(st.integers(0, 3)))]
    doc = "window.YTD.tweet.part0 = " + json.dumps(items, default=str)
    if data.draw(st.booleans()):
        doc = doc[: data.draw(st.integers(0, len(doc)))]
    check("twitter_v1", write(doc, ".js"))


cells = st.text(max_size=30) | st.sampled_from(
    [
        "",
        "[a, b]",
        "['x', 'y']",
        '["q"]',
        "2016-10-01 12:00",
        "10/1/2016 19:58",
        "2020-11-03 07:00:00 EST",
        "1629589836",
        "True",
        "1",
        "R",
        "NaN",
        "12.0",
        "[",
        "]",
    ]
)


@SETTINGS
@given(name=st.sampled_from(sorted(CSV_FILES)), data=st.data())
def test_csv_random_rows_and_truncation(name, data):
    base = CSV_FILES[name].read_text()
    header = next(csv.reader(io.StringIO(base)))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for _ in range(data.draw(st.integers(0, 4))):
        k = len(header) + data.draw(st.integers(-1, 1))
        w.writerow([data.draw(cells) for _ in range(max(k, 0))])
    text = buf.getvalue() + base.split("\n", 1)[1]
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(0, len(text)))]
    check(name, write(text, ".csv"))


@SETTINGS
@given(name=st.sampled_from([r.name for r in PLATFORM_READERS]), blob=st.binary(max_size=300))
def test_random_bytes_and_broken_gzip(name, blob):
    check(name, write(blob, ".bin"))
    gz = gzip.compress(blob + b"\n" * 10)
    check(name, write(gz[: max(12, len(gz) // 2)], ".gz"))


def test_every_platform_reader_is_covered():
    covered = set(JSON_LINES) | set(CSV_FILES) | {"telegram", "twitter_v1"}
    assert {r.name for r in PLATFORM_READERS} <= covered
    assert pa  # keep the import for type checks
