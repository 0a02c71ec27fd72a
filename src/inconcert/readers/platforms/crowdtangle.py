"""CrowdTangle CSV exports (Facebook pages/groups, Instagram accounts).

Mapping: ``Facebook Id`` (else ``User Name``, ``Page Name``/``Account``) →
account_id; ``URL`` (the post's address) → post_id (else ``<file>:<row>``);
``Post Created`` → ts; ``Message`` (else ``Description``) → text;
``Final Link`` (else ``Link``) → urls, plus links in the message; hashtags
from the message. ``Page Name``/``Account`` and ``User Name`` become the
``account_name`` and ``user_name`` attributes, ``Page Category`` →
``page_category``. Platform: ``instagram`` when the post URL is on
instagram.com, else ``facebook``.

Time zones: CrowdTangle writes local times of the dashboard's zone, e.g.
``2021-01-05 14:03:12 EST``. The zone may be a suffix (abbreviation such as
EST/CEST, an offset like ``+0100``, or ``UTC``) or a separate column whose
name contains "time zone"/"timezone" holding an IANA name
(``Europe/Berlin``), an abbreviation or an offset. A time with no zone at
all is taken as UTC. Unknown zone names are rejected with the reason.

>>> to_utc_us("2021-01-05 14:03:12 EST") == to_utc_us("2021-01-05 19:03:12 UTC")
True
>>> to_utc_us("2021-07-01 12:00:00", "Europe/Berlin") == to_utc_us("2021-07-01 10:00:00")
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader, RecordError
from inconcert.readers.csvtools import column_lookup, csv_header, iter_csv
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records
from inconcert.readers.timeparse import to_us

__all__ = ["CrowdTangleReader", "to_utc_us"]

#: Common zone abbreviations (fixed offsets, hours). Ambiguous ones follow US usage.
ABBREVIATIONS: dict[str, float] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 1,
    "BST": 1,
    "IST": 5.5,
    "CET": 1,
    "CEST": 2,
    "MET": 1,
    "MEST": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AST": -4,
    "ADT": -3,
    "NST": -3.5,
    "NDT": -2.5,
    "JST": 9,
    "KST": 9,
    "HKT": 8,
    "SGT": 8,
    "AEST": 10,
    "AEDT": 11,
    "ACST": 9.5,
    "ACDT": 10.5,
    "AWST": 8,
    "NZST": 12,
    "NZDT": 13,
    "SAST": 2,
    "WAT": 1,
    "CAT": 2,
    "EAT": 3,
    "PKT": 5,
    "ICT": 7,
    "WIB": 7,
    "PHT": 8,
    "BRT": -3,
    "ART": -3,
    "TRT": 3,
}
_SUFFIX = re.compile(
    r"^(?P<t>\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<z>[A-Za-z][A-Za-z/_+-]*|[+-]\d{2}:?\d{2})?$"
)
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$")
_URL = re.compile(r"https?://[^\s<>\"']+")
_TAG = re.compile(r"(?<!\w)#(\w+)")


def _zone(name: str) -> dt.tzinfo:
    z = name.strip()
    if z.upper() in ABBREVIATIONS:
        return dt.timezone(dt.timedelta(hours=ABBREVIATIONS[z.upper()]))
    m = _OFFSET.match(z)
    if m:
        sign = -1 if m.group(1) == "-" else 1
        return dt.timezone(sign * dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))
    try:
        return ZoneInfo(z)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecordError(f"unknown time zone {z[:40]!r}; give an offset like +0100") from None


def to_utc_us(value: str | None, zone: str | None = None) -> int:
    """Microseconds since 1970 UTC from a CrowdTangle local time and its zone."""
    s = (value or "").strip()
    if not s:
        raise RecordError("missing Post Created time")
    m = _SUFFIX.match(s)
    if not m:
        return to_us(s)  # ISO with offset, unix time, …
    local = dt.datetime.fromisoformat(m.group("t").replace("T", " "))
    z = m.group("z") or (zone or "").strip()
    if z:
        tz = _zone(z)
        if isinstance(tz, ZoneInfo):
            local = local.replace(tzinfo=tz)
            return to_us(local.astimezone(dt.UTC).isoformat())
        local = local.replace(tzinfo=tz)
    return to_us(local.isoformat())


class CrowdTangleReader(Reader):
    """CrowdTangle historical-data CSV (Facebook or Instagram)."""

    name = "crowdtangle"
    description = "CrowdTangle CSV export (Facebook pages/groups, Instagram)"
    platform = "facebook"

    def sniff(self, path: Path, head: bytes) -> float:
        cols = {c.lower() for c in csv_header(head)}
        if "post created" in cols and cols & {"facebook id", "user name", "page name", "account"}:
            return 0.9
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        accounts = Accounts(["account_name", "user_name", "page_category"])
        rows = Rows(ctx.source, self.platform)
        cols: dict[str, str] = {}
        tz_col: list[str | None] = [None]

        def get(r: dict[str, str], *names: str) -> str | None:
            if not cols:
                cols.update(column_lookup(list(r)))
                tz_col[0] = next(
                    (c for k, c in cols.items() if "timezone" in k.replace(" ", "")), None
                )
            for n in names:
                c = cols.get(n)
                if c is not None and (r.get(c) or "").strip():
                    return r[c].strip()
            return None

        def convert(row: int, r: dict[str, str], out: Rows) -> None:
            aid = get(r, "facebook id", "user name", "page name", "account", "name")
            if aid is None:
                raise RecordError("missing account (Facebook Id / User Name / Page Name)")
            if aid.endswith(".0") and aid[:-2].isdigit():
                aid = aid[:-2]
            zone = r.get(tz_col[0]) if tz_col[0] else None
            ts = to_utc_us(get(r, "post created"), zone)
            url = get(r, "url")
            text = get(r, "message") or get(r, "description")
            link = get(r, "final link") or get(r, "link")
            urls = ([link] if link else []) + (_URL.findall(text) if text else [])
            tags = _TAG.findall(text) if text else []
            platform = "instagram" if url and "instagram.com" in url else "facebook"
            out.add(
                row,
                url or f"{path.name}:{row}",
                aid,
                ts,
                text,
                dedupe(urls),
                None,
                None,
                dedupe(tags),
                [],
                platform=platform,
            )
            accounts.add(
                aid,
                account_name=get(r, "page name", "account", "name"),
                user_name=get(r, "user name"),
                page_category=get(r, "page category"),
            )

        yield from read_records(iter_csv(path, ctx), convert, rows, ctx)
        accounts.emit(ctx)
