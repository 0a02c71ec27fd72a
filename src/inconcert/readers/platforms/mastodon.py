"""Mastodon API statuses: a JSON array (one API page or a merged dump) or JSON Lines.

Mapping: ``uri`` (global; else ``id``) → post_id; ``account.acct`` → account_id,
made global as ``user@instance`` when the API gave a local ``user`` (instance
from ``account.url``); ``created_at`` → ts (UTC); ``content`` (HTML) → plain text;
``reblog`` → repost_of (the reblogged status's ``uri``; its URLs and tags
count for the reblog too); ``in_reply_to_id`` → reply_to (an id local to the
instance the data came from); links in the content (not mention/hashtag
links) and ``card.url`` → urls; ``tags[].name`` → hashtags;
``mentions[].acct`` → mentions. Attributes: ``account_name`` (username),
``display_name``.

>>> html_to_text("<p>Hi &amp; <a href='https://x.org'>x.org</a></p><p>two<br>lines</p>")
('Hi & x.org\\n\\ntwo\\nlines', ['https://x.org'])
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader, RecordError, head_text, safe_head
from inconcert.readers.jsonstream import has_keys, iter_json_objects
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, s_or_none
from inconcert.readers.timeparse import to_us

__all__ = ["MastodonReader", "html_to_text"]


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "br":
            self.out.append("\n")
        elif tag == "p" and self.out:
            self.out.append("\n\n")
        elif tag == "a":
            cls = (a.get("class") or "").split()
            href = a.get("href")
            if href and "mention" not in cls and "hashtag" not in cls:
                self.links.append(href)

    def handle_data(self, data: str) -> None:
        self.out.append(data)


def html_to_text(html: str) -> tuple[str, list[str]]:
    """Plain text and outgoing links of a status's HTML ``content``."""
    p = _Html()
    try:
        p.feed(html)
        p.close()
    except (AssertionError, ValueError):  # pragma: no cover - very broken markup
        return html, []
    return "".join(p.out).strip(), p.links


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list[dict[str, Any]]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _acct(account: dict[str, Any]) -> str | None:
    acct = s_or_none(account.get("acct")) or s_or_none(account.get("username"))
    if acct is None:
        return None
    acct = acct.lstrip("@")
    if "@" not in acct:
        url = account.get("url")
        host = urlsplit(url).hostname if isinstance(url, str) else None
        if host:
            acct = f"{acct}@{host}"
    return acct


def _links(st: dict[str, Any]) -> tuple[str | None, list[str], list[str], list[str]]:
    content = st.get("content")
    text, links = html_to_text(content) if isinstance(content, str) else (None, [])
    card = s_or_none(_d(st.get("card")).get("url"))
    if card:
        links.append(card)
    tags = [s_or_none(t.get("name")) for t in _l(st.get("tags"))]
    ments = [s_or_none(m.get("acct")) for m in _l(st.get("mentions"))]
    return text, links, [t for t in tags if t], [m for m in ments if m]


class MastodonReader(Reader):
    """Mastodon statuses (API JSON array or JSON Lines)."""

    name = "mastodon"
    description = "Mastodon API statuses (JSON array or JSON Lines)"
    platform = "mastodon"

    def sniff(self, path: Path, head: bytes) -> float:
        text = head_text(head)
        if not text or text[0] not in "{[":
            return 0.0
        if has_keys(text, "account", "acct", "created_at", "content"):
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(["account_name", "display_name"])
        rows = Rows(ctx.source, self.platform)
        head = safe_head(path)

        def convert(row: int, st: dict[str, Any], out: Rows) -> None:
            account = _d(st.get("account"))
            aid = _acct(account)
            if aid is None:
                raise RecordError("missing account.acct")
            pid = s_or_none(st.get("uri")) or s_or_none(st.get("id"))
            if pid is None:
                raise RecordError("missing status id")
            ts = to_us(st.get("created_at"))
            text, urls, tags, ments = _links(st)
            reblog = _d(st.get("reblog"))
            repost = None
            if reblog:
                repost = s_or_none(reblog.get("uri")) or s_or_none(reblog.get("id"))
                _, u2, t2, _ = _links(reblog)
                urls, tags = urls + u2, tags + t2
            out.add(
                row,
                pid,
                aid,
                ts,
                text or None,
                dedupe(urls),
                repost,
                s_or_none(st.get("in_reply_to_id")),
                dedupe(tags),
                dedupe(ments),
            )
            accounts.add(
                aid, account_name=account.get("username"), display_name=account.get("display_name")
            )

        yield from read_records(iter_json_objects(path, ctx, head), convert, rows, ctx)
        accounts.emit(ctx)
