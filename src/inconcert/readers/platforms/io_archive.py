"""Twitter's information-operations archive CSV (the state-linked releases).

Columns (``tweetid, userid, user_display_name, user_screen_name, tweet_time,
tweet_text, in_reply_to_tweetid, quoted_tweet_tweetid, is_retweet,
retweet_tweetid, hashtags, urls, user_mentions, …``); ``userid`` and
``user_screen_name`` may be hashed (kept as they are). List columns look like
``[a, b]`` or ``['a', 'b']``. ``tweet_time`` (``YYYY-MM-DD HH:MM``) is UTC.

Mapping: tweetid → post_id, userid → account_id, tweet_time → ts, tweet_text
→ text, urls → urls, hashtags → hashtags, user_mentions → mentions (user ids
in the releases), retweet_tweetid → repost_of, in_reply_to_tweetid →
reply_to, quoted_tweet_tweetid → a status URL in urls. Account attributes:
``account_name`` (user_screen_name), ``display_name``, ``account_language``,
``account_creation_date``, ``user_reported_location``.

>>> IOArchiveReader().sniff(__import__("pathlib").Path("x.csv"), b"tweetid,userid,tweet_time\\n")
0.9
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader
from inconcert.readers.csvtools import csv_header, iter_csv, parse_list
from inconcert.readers.platforms.twitter_v2 import status_url
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records
from inconcert.readers.timeparse import to_us

__all__ = ["IOArchiveReader"]

_NULL_IDS = {"", "0", "nan", "none", "null"}


def _id(v: str | None) -> str | None:
    if v is None:
        return None
    s = v.strip()
    if s.lower() in _NULL_IDS:
        return None
    if s.endswith(".0") and s[:-2].isdigit():  # ids written as floats by pandas
        s = s[:-2]
    return s


class IOArchiveReader(Reader):
    """Twitter information-operations archive CSV (tweetid, userid, tweet_time, …)."""

    name = "io_archive"
    description = "Twitter information-operations archive CSV (state-linked releases)"
    platform = "twitter"

    def sniff(self, path: Path, head: bytes) -> float:
        cols = {c.lower() for c in csv_header(head)}
        if {"tweetid", "userid", "tweet_time"} <= cols:
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(
            [
                "account_name",
                "display_name",
                "account_language",
                "account_creation_date",
                "user_reported_location",
            ]
        )
        rows = Rows(ctx.source, self.platform)

        def convert(row: int, r: dict[str, str], out: Rows) -> None:
            aid = _id(r.get("userid"))
            ts = to_us(r.get("tweet_time"))
            urls = parse_list(r.get("urls"))
            quote = _id(r.get("quoted_tweet_tweetid"))
            if quote and not any(quote in u for u in urls):
                urls.append(status_url(quote))
            repost = _id(r.get("retweet_tweetid"))
            out.add(
                row,
                _id(r.get("tweetid")) or "",
                aid or "",
                ts,
                r.get("tweet_text") or None,
                dedupe(urls),
                repost,
                _id(r.get("in_reply_to_tweetid")),
                dedupe([h.lstrip("#") for h in parse_list(r.get("hashtags"))]),
                dedupe([m.lstrip("@") for m in parse_list(r.get("user_mentions"))]),
            )
            accounts.add(
                aid or "",
                account_name=r.get("user_screen_name"),
                display_name=r.get("user_display_name"),
                account_language=r.get("account_language"),
                account_creation_date=r.get("account_creation_date"),
                user_reported_location=r.get("user_reported_location"),
            )

        yield from read_records(iter_csv(path, ctx), convert, rows, ctx)
        accounts.emit(ctx)
