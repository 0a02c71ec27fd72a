"""FiveThirtyEight's IRA troll tweets CSV (Clemson University release).

Columns: ``author, content, publish_date, post_type, retweet,
account_category, …`` (optionally ``tweet_id``, ``external_author_id``,
``account_type``, ``hashtags``, ``mentions``, ``urls``). ``publish_date`` has
minute resolution (``YYYY-MM-DD HH:MM:SS`` or the original ``M/D/YYYY H:MM``)
and is taken as UTC.

Mapping: author → account_id, ``tweet_id`` (else ``<file name>:<row>``) →
post_id, content → text, urls/hashtags/mentions columns (space separated;
extracted from the text when the columns are absent). A retweet
(``retweet = 1`` or post_type ``RETWEET``/``R``) has no source id in the
release; it gets ``repost_of = text:<hash of content>`` so that retweets of
the same tweet share one object (quote tweets, ``Q``/``QUOTE_TWEET``, do not). Account attributes: ``account_category``,
``account_type``, ``external_author_id``, ``region``.

>>> r = FiveThirtyEightReader()
>>> r.sniff(__import__("pathlib").Path("x.csv"), b"author,content,publish_date,account_category\\n")
0.9
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader
from inconcert.readers.csvtools import csv_header, iter_csv
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, text_repost_id
from inconcert.readers.timeparse import to_us

__all__ = ["FiveThirtyEightReader"]

_URL = re.compile(r"https?://\S+")
_TAG = re.compile(r"(?<!\w)#(\w+)")
_MENTION = re.compile(r"(?<!\w)@(\w+)")
_REPOST_TYPES = {"RETWEET", "R"}
_QUOTE_TYPES = {"QUOTE_TWEET", "Q"}


class FiveThirtyEightReader(Reader):
    """FiveThirtyEight / Clemson IRA troll tweets CSV."""

    name = "fivethirtyeight"
    description = "FiveThirtyEight IRA troll tweets CSV (author, content, publish_date, …)"
    platform = "twitter"

    def sniff(self, path: Path, head: bytes) -> float:
        cols = {c.lower() for c in csv_header(head)}
        if {"author", "content", "publish_date"} <= cols and (
            "account_category" in cols or "post_type" in cols
        ):
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(["account_category", "account_type", "external_author_id", "region"])
        rows = Rows(ctx.source, self.platform)
        stem = path.name

        def convert(row: int, r: dict[str, str], out: Rows) -> None:
            aid = (r.get("author") or "").strip()
            ts = to_us(r.get("publish_date"))
            text = r.get("content") or ""
            pid = (r.get("tweet_id") or "").strip() or f"{stem}:{row}"
            urls = r["urls"].split() if "urls" in r else _URL.findall(text)
            tags = r["hashtags"].split() if "hashtags" in r else _TAG.findall(text)
            ments = r["mentions"].split() if "mentions" in r else _MENTION.findall(text)
            ptype = (r.get("post_type") or "").strip().upper()
            is_rt = ptype in _REPOST_TYPES or (
                (r.get("retweet") or "").strip() == "1" and ptype not in _QUOTE_TYPES
            )
            out.add(
                row,
                pid,
                aid,
                ts,
                text or None,
                dedupe(urls),
                text_repost_id(text) if is_rt and text else None,
                None,
                dedupe([t.lstrip("#") for t in tags]),
                dedupe([m.lstrip("@") for m in ments]),
            )
            accounts.add(
                aid,
                account_category=r.get("account_category"),
                account_type=r.get("account_type"),
                external_author_id=r.get("external_author_id"),
                region=r.get("region"),
            )

        yield from read_records(iter_csv(path, ctx), convert, rows, ctx)
        accounts.emit(ctx)
