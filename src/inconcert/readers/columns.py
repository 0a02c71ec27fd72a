"""Column-name aliases and SQL expressions shared by table-shaped readers.

>>> auto_map(["tweetid", "userid", "tweet_time", "tweet_text"])["account_id"]
'userid'
"""

from __future__ import annotations

__all__ = ["ALIASES", "MAP_OPTIONS", "check_map", "auto_map", "list_expr", "ts_expr", "in_range", "quote_ident"]

#: Canonical field -> accepted column names, first match wins (case-insensitive).
ALIASES: dict[str, list[str]] = {
    "post_id": ["post_id", "id", "tweetid", "tweet_id", "content_id", "status_id", "message_id"],
    "account_id": [
        "account_id", "user_id", "userid", "author_id", "author", "account",
        "user_screen_name", "screen_name", "username", "user",
    ],
    "ts": [
        "ts", "created_at", "timestamp", "tweet_time", "date", "timestamp_share",
        "publish_date", "datetime", "time",
    ],
    "text": ["text", "content", "tweet_text", "full_text", "message", "body"],
    "urls": ["urls", "url", "links", "expanded_urls", "url_id"],
    "repost_of": ["repost_of", "retweet_of", "retweet_tweetid", "retweeted_status_id", "retweet_id"],
    "reply_to": ["reply_to", "in_reply_to_tweetid", "in_reply_to_status_id", "in_reply_to_id"],
    "hashtags": ["hashtags", "hashtag"],
    "mentions": ["mentions", "user_mentions"],
    "image": ["image", "image_hash", "phash", "phash_id"],
    "object": ["object_id", "object"],
    "platform": ["platform"],
}
LIST_FIELDS = ("urls", "hashtags", "mentions")
REQUIRED = ("account_id", "ts")
#: ``--map`` keys that are reader options rather than fields (Telegram's local time zone).
MAP_OPTIONS = ("tz",)


def check_map(column_map: dict[str, str]) -> None:
    """Reject unknown ``--map`` fields, naming the closest known one (all problems at once).

    >>> check_map({"acount_id": "who"})
    Traceback (most recent call last):
    ...
    inconcert.errors.ConfigError: --map acount_id=who: no field 'acount_id' (did you mean 'account_id'?); fields: account_id, ts, post_id, text, urls, repost_of, reply_to, hashtags, mentions, image, object, platform, tz
    """
    import difflib

    from inconcert.errors import ConfigError

    known = [*REQUIRED, *(f for f in ALIASES if f not in REQUIRED), *MAP_OPTIONS]
    problems = []
    for field, col in column_map.items():
        if field not in known:
            close = difflib.get_close_matches(field, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"--map {field}={col}: no field '{field}'{hint}")
    if problems:
        raise ConfigError("; ".join(problems) + f"; fields: {', '.join(known)}")


def auto_map(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Map canonical fields to the file's columns by alias; ``overrides`` win."""
    lower = {c.lower(): c for c in columns}
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for name in (overrides or {}):
        used.add(overrides[name])  # type: ignore[index]
    for field, aliases in ALIASES.items():
        if overrides and field in overrides:
            mapping[field] = overrides[field]
            continue
        for alias in aliases:
            col = lower.get(alias)
            if col is not None and col not in used:
                mapping[field] = col
                used.add(col)
                break
    return mapping


def quote_ident(name: str) -> str:
    """Quote an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def list_expr(v: str) -> str:
    """DuckDB expression turning a text cell into a list of strings.

    Accepts a JSON array (``["a","b"]``), a bracketed list (``[a, b]``,
    ``['a', 'b']``) or a comma/whitespace separated string; '#'/'@' prefixes
    are kept (behaviours strip them).
    """
    t = f"trim({v})"
    split = (
        f"string_split_regex(regexp_replace(regexp_replace({t}, '^\\[|\\]$', '', 'g'),"
        f" '[''\"]', '', 'g'), '[\\s,]+')"
    )
    raw = (
        f"CASE WHEN {v} IS NULL OR {t} = '' OR {t} = '[]' THEN []::VARCHAR[] "
        f"WHEN {t} LIKE '[%]' THEN coalesce(try(from_json({t}, '[\"VARCHAR\"]')), {split}) "
        f"ELSE {split} END"
    )
    return f"list_filter({raw}, lambda x: x IS NOT NULL AND trim(x) <> '')"


def ts_expr(v: str, formats: tuple[str, ...] = (), day_first: bool = False) -> str:
    """DuckDB expression parsing a text timestamp to TIMESTAMPTZ (UTC), or NULL.

    Handles ``formats`` first (``--time-format`` strftime patterns), then ISO-8601
    with or without zone (no zone = UTC), ``YYYY-MM-DD HH:MM[:SS]``, Twitter's
    ``Wed Oct 10 20:19:24 +0000 2018``, ``M/D/YYYY H:MM[:SS]`` (``D/M/YYYY`` when
    ``day_first``), the day-first and month-name forms of
    :data:`inconcert.readers.timeparse.EXTRA_FORMATS`, and unix seconds,
    milliseconds or microseconds (told apart by magnitude). Times outside
    1900–2199 (and ``infinity``) are NULL.
    """
    from inconcert.readers.timeparse import EXTRA_FORMATS

    t = f"trim({v})"

    def slash(f: str) -> str:
        return f.replace("%m/%d/", "%d/%m/") if day_first else f

    def fmt_list(fs: tuple[str, ...] | list[str]) -> str:
        return "[" + ", ".join("'" + slash(f).replace("'", "''") + "'" for f in fs) + "]"

    user = f"try_strptime({t}, {fmt_list(formats)})::TIMESTAMPTZ, " if formats else ""
    return in_range(
        f"CASE WHEN regexp_full_match({t}, '-?[0-9]+(\\.[0-9]+)?') THEN "
        f"(CASE WHEN abs(try_cast({t} AS DOUBLE)) >= 1e14 THEN try(to_timestamp(try_cast({t} AS DOUBLE) / 1e6)) "
        f"WHEN abs(try_cast({t} AS DOUBLE)) >= 1e11 THEN try(to_timestamp(try_cast({t} AS DOUBLE) / 1e3)) "
        f"ELSE try(to_timestamp(try_cast({t} AS DOUBLE))) END) "
        f"ELSE coalesce({user}try_cast({t} AS TIMESTAMPTZ), "
        f"try_strptime({t}, '%a %b %d %H:%M:%S %z %Y'), "
        f"try_strptime({t}, '{slash('%m/%d/%Y %H:%M:%S')}'), try_strptime({t}, '{slash('%m/%d/%Y %H:%M')}')::TIMESTAMPTZ, "
        f"try_strptime({t}, {fmt_list(EXTRA_FORMATS)})::TIMESTAMPTZ) END"
    )


def in_range(ts: str) -> str:
    """``ts`` where it lies in 1900–2199 UTC, else NULL (so ``infinity`` and a
    20-digit number are rejected, as :data:`inconcert.readers.timeparse.MIN_US`)."""
    return (
        f"CASE WHEN ({ts}) BETWEEN TIMESTAMPTZ '1900-01-01 00:00:00+00' "
        f"AND TIMESTAMPTZ '2199-12-31 23:59:59.999999+00' THEN ({ts}) END"
    )
