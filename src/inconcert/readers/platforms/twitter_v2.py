"""Twitter/X API v2 as written by twarc2: response lines or flattened tweets.

Input: JSON Lines where each line is either an API response
(``{"data": [...], "includes": {"users": [...], "tweets": [...]}}``, as
``twarc2 search`` writes) or one tweet (``twarc2 flatten``, with ``author``
embedded); a JSON array of tweets works too.

Mapping: ``id`` → post_id, ``author_id`` → account_id, ``created_at`` → ts,
``note_tweet.text`` or ``text`` → text, ``referenced_tweets`` ``retweeted`` →
repost_of, ``replied_to`` → reply_to, ``quoted`` → a URL
``https://twitter.com/i/web/status/ID`` in urls, ``entities.urls`` →
urls (``unwound_url`` > ``expanded_url`` > ``url``), ``entities.hashtags[].tag``
→ hashtags, ``entities.mentions[].username`` → mentions. ``includes.users`` (or
the flattened ``author``) give the ``account_name`` (handle) and
``display_name`` account attributes.

>>> import tempfile, pathlib, json
>>> from inconcert.readers.base import ReadContext
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.jsonl"
>>> tw = {"id": "2", "author_id": "9", "created_at": "2022-01-01T00:00:00.000Z",
...       "text": "RT @a: hi", "referenced_tweets": [{"type": "retweeted", "id": "1"}]}
>>> _ = p.write_text(json.dumps({"data": [tw], "includes": {"users": [{"id": "9", "username": "bob"}]}}))
>>> t = next(TwitterV2Reader().read(p, ReadContext(p)))
>>> t.column("repost_of").to_pylist(), str(t.column("ts")[0])
(['1'], '2022-01-01 00:00:00+00:00')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader, RecordError, head_text, safe_head
from inconcert.readers.jsonstream import has_keys, iter_json_objects
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, s_or_none
from inconcert.readers.timeparse import to_us

__all__ = ["TwitterV2Reader", "status_url"]

_V2_MARKERS = (
    "edit_history_tweet_ids",
    "__twarc",
    "referenced_tweets",
    "conversation_id",
    "public_metrics",
    "possibly_sensitive",
    "reply_settings",
)


def status_url(tweet_id: str) -> str:
    """The canonical URL of a tweet (how quotes enter ``urls``).

    >>> status_url("20")
    'https://twitter.com/i/web/status/20'
    """
    return f"https://twitter.com/i/web/status/{tweet_id}"


def _dicts(v: Any) -> list[dict[str, Any]]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _entities(ent: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    urls = [
        s_or_none(u.get("unwound_url") or u.get("expanded_url") or u.get("url"))
        for u in _dicts(ent.get("urls"))
    ]
    tags = [s_or_none(h.get("tag")) for h in _dicts(ent.get("hashtags"))]
    ments = [s_or_none(m.get("username")) for m in _dicts(ent.get("mentions"))]
    return [u for u in urls if u], [t for t in tags if t], [m for m in ments if m]


class TwitterV2Reader(Reader):
    """Twitter/X API v2 (twarc2 responses or flattened tweets)."""

    name = "twitter_v2"
    description = "Twitter/X API v2 JSON Lines (twarc2 responses or flattened tweets)"
    platform = "twitter"

    def sniff(self, path: Path, head: bytes) -> float:
        text = head_text(head)
        if not text or text[0] not in "{[":
            return 0.0
        if has_keys(text, "id_str") or has_keys(text, "retweeted_status"):
            return 0.0
        if re.match(r'\[?\s*\{\s*"data"\s*:', text) and has_keys(text, "created_at"):
            return 0.9
        if has_keys(text, "author_id", "created_at") and any(
            has_keys(text, k) for k in _V2_MARKERS
        ):
            return 0.9
        if has_keys(text, "author_id", "created_at", "text"):
            return 0.6
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(["account_name", "display_name"])
        rows = Rows(ctx.source, self.platform)
        head = safe_head(path)

        def tweets() -> Iterator[tuple[int, Any]]:
            for row, obj in iter_json_objects(path, ctx, head):
                if "data" not in obj and "id" not in obj:
                    if "errors" in obj:
                        ctx.reject(row, "API response without data (errors only)", obj)
                    elif not obj.get("meta"):
                        ctx.reject(row, "neither a tweet nor an API response", obj)
                    continue
                if "data" in obj:
                    inc = _d(obj.get("includes"))
                    users = {str(u.get("id")): u for u in _dicts(inc.get("users"))}
                    refs = {str(t.get("id")): t for t in _dicts(inc.get("tweets"))}
                    data = obj["data"]
                    for tw in data if isinstance(data, list) else [data]:
                        yield row, (tw, users, refs)
                else:
                    yield row, (obj, None, None)

        def convert(row: int, rec: tuple[Any, Any, Any], out: Rows) -> None:
            tw, users, refs = rec
            if not isinstance(tw, dict):
                raise RecordError("tweet is not a JSON object")
            author = _d(tw.get("author"))
            tid = s_or_none(tw.get("id"))
            if tid is None:
                raise RecordError("missing tweet id")
            aid = s_or_none(tw.get("author_id")) or s_or_none(author.get("id"))
            if aid is None:
                raise RecordError("missing author_id")
            ts = to_us(tw.get("created_at"))
            repost = reply = quote = None
            orig: dict[str, Any] = {}
            for ref in _dicts(tw.get("referenced_tweets")):
                rid = s_or_none(ref.get("id"))
                kind = ref.get("type")
                if kind == "retweeted":
                    repost = rid
                    # twarc2 flatten merges the original's fields into the reference itself
                    orig = (_d(ref.get("tweet")) or _d((refs or {}).get(str(rid)))
                            or (ref if "entities" in ref or "text" in ref else {}))
                elif kind == "replied_to":
                    reply = rid
                elif kind == "quoted":
                    quote = rid
            urls, tags, ments = _entities(_d(tw.get("entities")))
            if orig:
                u2, t2, _ = _entities(_d(orig.get("entities")))
                urls, tags = dedupe(urls + u2), dedupe(tags + t2)
            if quote and not any(quote in u for u in urls):
                urls.append(status_url(quote))
            text = s_or_none(_d(tw.get("note_tweet")).get("text")) or tw.get("text")
            out.add(
                row,
                tid,
                aid,
                ts,
                text if isinstance(text, str) else None,
                dedupe(urls),
                repost,
                reply,
                dedupe(tags),
                dedupe(ments),
            )
            user = author or _d((users or {}).get(aid))
            if user:
                accounts.add(aid, account_name=user.get("username"), display_name=user.get("name"))

        yield from read_records(tweets(), convert, rows, ctx)
        accounts.emit(ctx)
