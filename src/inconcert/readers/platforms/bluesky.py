"""Bluesky posts and reposts: Jetstream JSON Lines, or post views from the AppView API.

Jetstream lines look like ``{"did": …, "time_us": …, "kind": "commit",
"commit": {"operation": "create", "collection": "app.bsky.feed.post",
"rkey": …, "record": {…}}}``. Post views (``searchPosts``/``getAuthorFeed``
dumps, one per line) look like ``{"uri": "at://…", "author": {"did", "handle"},
"record": {…}}``; feed items ``{"post": …, "reason": {"$type": "…#reasonRepost"}}``
are unwrapped, and saved response pages (``{"feed": […], "cursor": …}``,
``{"posts": […]}``) are read item by item.

Mapping: ``at://<did>/<collection>/<rkey>`` → post_id, did → account_id,
``record.createdAt`` (the client's clock; ``time_us`` if absent) → ts in UTC,
``record.text`` → text, link facets and ``embed.external.uri`` → urls, tag
facets and ``record.tags`` → hashtags, mention facets (dids) → mentions,
``reply.parent.uri`` → reply_to, ``app.bsky.feed.repost`` ``subject.uri`` →
repost_of, a quoted post (``embed.record``) → its bsky.app URL in urls.
Other events (likes, follows, deletes, identity/account events) are rejected
with the reason, recording only their first 300 characters.

>>> at_to_url("at://did:plc:abc/app.bsky.feed.post/3k")
'https://bsky.app/profile/did:plc:abc/post/3k'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader, RecordError, head_text, safe_head
from inconcert.readers.jsonstream import has_keys, iter_json_objects
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, s_or_none
from inconcert.readers.timeparse import to_us

__all__ = ["BlueskyReader", "at_to_url"]

POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"


def at_to_url(uri: str) -> str:
    """The web address of an ``at://`` post URI (other URIs are returned unchanged)."""
    if uri.startswith("at://"):
        parts = uri[5:].split("/")
        if len(parts) == 3 and parts[1] == POST:
            return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return uri


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _page_items(ev: Any) -> list[Any] | None:
    """The items of an AppView response page (``feed`` or ``posts``), None for anything else.

    >>> _page_items({"feed": [{"post": {}}], "cursor": "x"}), _page_items({"uri": "at://a"})
    ([{'post': {}}], None)
    """
    if not isinstance(ev, dict) or "uri" in ev or "post" in ev or "commit" in ev:
        return None
    for key in ("feed", "posts"):
        if isinstance(ev.get(key), list):
            return ev[key]
    return None


class _Skip(RecordError):
    """Not a post or repost."""


class BlueskyReader(Reader):
    """Bluesky Jetstream events or AppView post views (JSON Lines)."""

    name = "bluesky"
    description = "Bluesky Jetstream JSON Lines (or AppView post views)"
    platform = "bluesky"

    def sniff(self, path: Path, head: bytes) -> float:
        text = head_text(head)
        if not text or text[0] not in "{[":
            return 0.0
        if has_keys(text, "did") and (has_keys(text, "commit") or has_keys(text, "time_us")):
            return 0.9
        if has_keys(text, "uri", "record") and "at://" in text and "app.bsky" in text:
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(["account_name", "display_name"])
        rows = Rows(ctx.source, self.platform)
        head = safe_head(path)

        def convert(row: int, ev: dict[str, Any], out: Rows) -> None:
            if "commit" in ev or "kind" in ev:
                did = s_or_none(ev.get("did"))
                kind = ev.get("kind", "commit")
                c = _d(ev.get("commit"))
                coll = c.get("collection")
                op = c.get("operation", "create")
                if kind != "commit" or op != "create" or coll not in (POST, REPOST):
                    what = f"{coll} {op}" if kind == "commit" else f"{kind} event"
                    raise _Skip(f"not a post or repost: {str(what)[:60]}")
                rec = _d(c.get("record"))
                rkey = s_or_none(c.get("rkey"))
                if did is None or rkey is None:
                    raise RecordError("missing did or rkey")
                uri = f"at://{did}/{coll}/{rkey}"
                fallback_t = ev.get("time_us")
            else:
                post = _d(ev.get("post")) or ev
                reason = _d(ev.get("reason"))
                author = _d(post.get("author"))
                did = s_or_none(author.get("did"))
                uri = s_or_none(post.get("uri"))
                rec = _d(post.get("record"))
                if did is None or uri is None:
                    raise RecordError("missing author.did or uri")
                accounts.add(
                    did, account_name=author.get("handle"), display_name=author.get("displayName")
                )
                fallback_t = post.get("indexedAt")
                if "reasonRepost" in str(reason.get("$type", "")):
                    rby = _d(reason.get("by"))
                    rdid = s_or_none(rby.get("did"))
                    if rdid is None:
                        raise RecordError("repost without reason.by.did")
                    t = to_us(reason.get("indexedAt"))
                    out.add(row, f"repost:{rdid}:{uri}", rdid, t, None, [], uri)
                    accounts.add(rdid, account_name=rby.get("handle"))
                    return
                coll = POST
            created = rec.get("createdAt")
            ts = to_us(created if created not in (None, "") else fallback_t)
            if coll == REPOST:
                subject = s_or_none(_d(rec.get("subject")).get("uri"))
                if subject is None:
                    raise RecordError("repost without subject.uri")
                out.add(row, uri, did, ts, None, [], subject)
                return
            urls: list[str] = []
            tags = [str(t) for t in _l(rec.get("tags")) if isinstance(t, str)]
            ments: list[str] = []
            for facet in _l(rec.get("facets")):
                for f in _l(_d(facet).get("features")):
                    f = _d(f)
                    kind = str(f.get("$type", ""))
                    if kind.endswith("#link") and isinstance(f.get("uri"), str):
                        urls.append(f["uri"])
                    elif kind.endswith("#tag") and isinstance(f.get("tag"), str):
                        tags.append(f["tag"])
                    elif kind.endswith("#mention") and isinstance(f.get("did"), str):
                        ments.append(f["did"])
            embed = _d(rec.get("embed"))
            ext = s_or_none(_d(embed.get("external")).get("uri"))
            if ext:
                urls.append(ext)
            quoted = _d(embed.get("record"))
            quoted = _d(quoted.get("record")) or quoted  # recordWithMedia nests once more
            q = s_or_none(quoted.get("uri"))
            if q:
                urls.append(at_to_url(q))
            ext2 = s_or_none(_d(_d(embed.get("media")).get("external")).get("uri"))
            if ext2:
                urls.append(ext2)
            reply = s_or_none(_d(_d(rec.get("reply")).get("parent")).get("uri"))
            text = rec.get("text")
            out.add(
                row,
                uri,
                did,
                ts,
                text if isinstance(text, str) else None,
                dedupe(urls),
                None,
                reply,
                dedupe([t.lstrip("#") for t in tags]),
                dedupe(ments),
            )

        def records() -> Iterator[tuple[int, Any]]:
            # a saved API response page (getAuthorFeed, getTimeline: {"feed": [...]}; searchPosts:
            # {"posts": [...]}) is its items, each a record of the page's line
            for row, ev in iter_json_objects(path, ctx, head):
                items = _page_items(ev)
                if items is None:
                    yield row, ev
                else:
                    for item in items:
                        yield row, item

        # Non-post events are rejected with a short record (firehose dumps are mostly likes).
        def convert_short(row: int, ev: dict[str, Any], out: Rows) -> None:
            try:
                convert(row, ev, out)
            except _Skip as e:
                ctx.reject(row, str(e), json.dumps(ev, ensure_ascii=False, default=str)[:300])

        yield from read_records(records(), convert_short, rows, ctx)
        accounts.emit(ctx)
