"""CooRTweet's multi-column export (``account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp``).

Each id column becomes a behaviour: ``url_id`` → urls (url behaviour; ids pass
the URL normaliser unchanged), ``hashtag_id`` → hashtags, ``phash_id`` →
image, ``domain_id`` → object (the generic ``object`` behaviour: co-sharing a
domain). ``timestamp`` is unix seconds (UTC). Platform is taken from the
account prefix (``fb_`` → facebook, ``tw_`` → twitter), else ``coortweet``.

>>> r = CoorTweetMultiReader()
>>> r.sniff(__import__("pathlib").Path("x.csv"), b"account_id,post_id,url_id,hashtag_id,timestamp\\n")
0.9
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader
from inconcert.readers.csvtools import csv_header, iter_csv
from inconcert.readers.rows import Rows, read_records
from inconcert.readers.timeparse import to_us

__all__ = ["CoorTweetMultiReader"]

ID_COLUMNS = ("url_id", "hashtag_id", "domain_id", "phash_id")
_PREFIX = {"fb_": "facebook", "tw_": "twitter", "ig_": "instagram", "tg_": "telegram"}


def _v(r: dict[str, str], k: str) -> str | None:
    s = (r.get(k) or "").strip()
    if s.lower() in ("", "na", "nan", "null", "none"):
        return None
    return s


class CoorTweetMultiReader(Reader):
    """CooRTweet multi-column export: url/hashtag/domain/phash ids per post."""

    name = "coortweet_multi"
    description = "CooRTweet multi-column export (account_id, post_id, url_id, hashtag_id, domain_id, phash_id, timestamp)"
    platform = "coortweet"

    def sniff(self, path: Path, head: bytes) -> float:
        cols = {c.lower() for c in csv_header(head)}
        if {"account_id", "timestamp"} <= cols and len(cols & set(ID_COLUMNS)) >= 2:
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        rows = Rows(ctx.source, self.platform)

        def convert(row: int, r: dict[str, str], out: Rows) -> None:
            aid = _v(r, "account_id") or ""
            ts = to_us(_v(r, "timestamp"))
            pid = _v(r, "post_id") or f"{path.name}:{row}"
            url, tag = _v(r, "url_id"), _v(r, "hashtag_id")
            platform = next((p for k, p in _PREFIX.items() if aid.startswith(k)), None)
            out.add(
                row,
                pid,
                aid,
                ts,
                None,
                [url] if url else [],
                None,
                None,
                [tag] if tag else [],
                [],
                _v(r, "phash_id"),
                _v(r, "domain_id"),
                platform=platform,
            )

        yield from read_records(iter_csv(path, ctx), convert, rows, ctx)
