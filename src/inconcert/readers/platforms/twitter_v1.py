"""Twitter/X API v1.1 JSON (one tweet per line) and the legacy archive ``tweet.js``.

Mapping: ``id_str`` → post_id, ``user.id_str`` → account_id, ``created_at``
(``Wed Oct 10 20:19:24 +0000 2018``) → ts in UTC, ``extended_tweet.full_text``
> ``full_text`` > ``text`` → text, ``retweeted_status.id_str`` → repost_of,
``in_reply_to_status_id_str`` → reply_to, ``quoted_status_id_str`` → a status
URL in urls, ``entities.urls[].expanded_url`` (``unwound.url`` first) → urls,
``entities.hashtags[].text`` → hashtags, ``entities.user_mentions[].screen_name``
→ mentions. For a retweet the original's (untruncated) URLs and hashtags are
added. ``user.screen_name``/``user.name`` become the ``account_name`` and
``display_name`` attributes.

The personal archive's ``data/tweet.js`` (``window.YTD.tweet.part0 = [...]``,
also ``tweets.js``) has no ``user``: the account is read from ``account.js``
next to it, else from ``--map account_id=ID``, else it is the archive folder's
name. Archive retweets carry no source id; ``RT @x: text`` gets
``repost_of = text:<hash of text>`` (same text = same reposted post).

>>> to = __import__("inconcert.readers.timeparse", fromlist=["x"]).to_us
>>> to("Wed Oct 10 20:19:24 +0000 2018")
1539202764000000
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader, RecordError, head_text, open_text, safe_head
from inconcert.readers.jsonstream import (
    has_keys,
    iter_json_items,
    iter_json_objects,
    loads,
    open_json_stream,
)
from inconcert.readers.platforms.twitter_v2 import status_url
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, s_or_none, text_repost_id
from inconcert.readers.timeparse import to_us

__all__ = ["TwitterV1Reader"]

_YTD = re.compile(r"\s*window\.YTD\.[A-Za-z_]+\.part\d+\s*=\s*")
_RT = re.compile(r"^RT @\w+: ?")


def _dicts(v: Any) -> list[dict[str, Any]]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _entities(tw: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    ent = _d(_d(tw.get("extended_tweet")).get("entities")) or _d(tw.get("entities"))
    urls = []
    for u in _dicts(ent.get("urls")):
        urls.append(
            s_or_none(_d(u.get("unwound")).get("url") or u.get("expanded_url") or u.get("url"))
        )
    tags = [s_or_none(h.get("text") or h.get("tag")) for h in _dicts(ent.get("hashtags"))]
    ments = [s_or_none(m.get("screen_name")) for m in _dicts(ent.get("user_mentions"))]
    return [u for u in urls if u], [t for t in tags if t], [m for m in ments if m]


def _archive_account(path: Path) -> tuple[str, str | None] | None:
    acc = path.with_name("account.js")
    if not acc.is_file():
        return None
    try:
        with open_text(acc) as fh:
            text = _YTD.sub("", fh.read(), count=1)
        a = _d(loads(text)[0]).get("account", {})
        aid = s_or_none(a.get("accountId"))
        return (aid, s_or_none(a.get("username"))) if aid else None
    except (ValueError, IndexError, TypeError, AttributeError, OSError):
        return None


#: Streaming API messages that are not tweets (rejected as what they are).
_STREAM_NOTICES = ("delete", "limit", "status_withheld", "user_withheld", "scrub_geo", "disconnect", "warning",
                   "friends", "event")


class TwitterV1Reader(Reader):
    """Twitter/X API v1.1 tweets (JSON Lines) or an archive ``tweet.js``."""

    name = "twitter_v1"
    description = "Twitter/X API v1.1 JSON Lines, or the personal archive's tweet.js"
    platform = "twitter"

    def sniff(self, path: Path, head: bytes) -> float:
        text = head_text(head)
        if _YTD.match(text) and re.match(r"\s*window\.YTD\.tweets?\.", text):
            return 0.95
        if not text or text[0] not in "{[":
            return 0.0
        if has_keys(text, "created_at") and (
            has_keys(text, "id_str") or has_keys(text, "full_text")
        ):
            return 0.9 if has_keys(text, "user") or has_keys(text, "full_text") else 0.6
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        head = safe_head(path)
        archive = bool(_YTD.match(head_text(head)))
        default_account: str | None = None
        accounts = Accounts(["account_name", "display_name"])
        if archive:
            found = _archive_account(path)
            if "account_id" in ctx.column_map:
                default_account = ctx.column_map["account_id"]
            elif found:
                default_account = found[0]
                accounts.add(found[0], account_name=found[1])
            else:
                folder = path.parent.parent if path.parent.name == "data" else path.parent
                default_account = folder.name or "archive"
        rows = Rows(ctx.source, self.platform)

        def records() -> Iterator[tuple[int, Any]]:
            if not archive:
                yield from iter_json_objects(path, ctx, head)
                return
            stream = open_json_stream(path)
            try:
                stream.skip_prefix(_YTD)
                items = (stream.value() for _ in stream.array_items())
                yield from iter_json_items(stream, items, ctx)
            finally:
                stream.fh.close()

        def convert(row: int, tw: Any, out: Rows) -> None:
            if not isinstance(tw, dict):
                raise RecordError("tweet is not a JSON object")
            if isinstance(tw.get("tweet"), dict):
                tw = tw["tweet"]
            tid = s_or_none(tw.get("id_str")) or s_or_none(tw.get("id"))
            if tid is None:
                notice = next((k for k in _STREAM_NOTICES if k in tw), None)
                raise RecordError(f"stream notice ({notice}), not a tweet" if notice else "missing tweet id")
            user = _d(tw.get("user"))
            aid = s_or_none(user.get("id_str")) or s_or_none(user.get("id")) or default_account
            if aid is None:
                raise RecordError("missing user id")
            ts = to_us(tw.get("created_at"))
            text = next(
                (
                    t
                    for t in (
                        _d(tw.get("extended_tweet")).get("full_text"),
                        tw.get("full_text"),
                        tw.get("text"),
                    )
                    if isinstance(t, str) and t.strip()
                ),
                None,
            )
            rt = _d(tw.get("retweeted_status"))
            repost = (s_or_none(rt.get("id_str")) or s_or_none(rt.get("id"))) if rt else None
            if repost is None and archive and text and _RT.match(text):
                repost = text_repost_id(_RT.sub("", text, count=1))
            reply = s_or_none(tw.get("in_reply_to_status_id_str")) or s_or_none(
                tw.get("in_reply_to_status_id")
            )
            quote = s_or_none(tw.get("quoted_status_id_str")) or s_or_none(
                tw.get("quoted_status_id")
            )
            urls, tags, ments = _entities(tw)
            if rt:
                u2, t2, _ = _entities(rt)
                urls, tags = urls + u2, tags + t2
            if quote and not any(quote in u for u in urls):
                urls.append(status_url(quote))
            out.add(
                row, tid, aid, ts, text, dedupe(urls), repost, reply, dedupe(tags), dedupe(ments)
            )
            if user:
                accounts.add(
                    aid, account_name=user.get("screen_name"), display_name=user.get("name")
                )

        yield from read_records(records(), convert, rows, ctx)
        accounts.emit(ctx)
