"""Timestamps of every format to microseconds since 1970 UTC.

One parser for the Python-side readers (the generic reader parses inside
DuckDB with the same rules, :func:`inconcert.readers.columns.ts_expr`).

>>> to_us("Wed Oct 10 20:19:24 +0000 2018")
1539202764000000
>>> to_us("2018-10-10T22:19:24+02:00") == to_us(1539202764)
True
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from inconcert.readers.base import RecordError

__all__ = ["EPOCH", "MIN_US", "MAX_US", "to_us", "epoch_us", "check_time_formats", "slash_day_first", "slash_ambiguous",
           "EXTRA_FORMATS"]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: Times outside 1900-01-01 … 2199-12-31 UTC are rejected ("timestamp out of range"):
#: no social-media export holds them, and a 20-digit number must not overflow int64.
MIN_US = -2_208_988_800_000_000
MAX_US = 7_258_118_399_999_999
_US = dt.timedelta(microseconds=1)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_SLASH_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/\d{2,4}\b")

#: Day-first and month-name forms tried after ISO 8601, Twitter's and M/D/YYYY (Python and
#: DuckDB alike). The ambiguity rule: dots are day-first (``01.02.2024`` is 1 February);
#: slashes are month-first (``1/2/2024`` is 2 January) unless a first field above 12 in
#: the file's first 64 KiB proves them day-first — decided per file, never per row
#: (:func:`slash_day_first`, generic reader).
EXTRA_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%b %d %Y %H:%M:%S",
    "%b %d %Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %H:%M",
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%B %d %Y %H:%M",
    "%B %d, %Y %H:%M",
    "%d %B %Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)


def check_time_formats(formats: tuple[str, ...] | list[str]) -> None:
    """Reject a ``--time-format`` that is not a strftime pattern with a date or time in it.

    >>> check_time_formats(["%d.%m.%Y %H:%M"])
    >>> check_time_formats(["dd.mm.yyyy"])
    Traceback (most recent call last):
    ...
    inconcert.errors.ConfigError: --time-format dd.mm.yyyy: not a strftime pattern; write e.g. '%d.%m.%Y %H:%M:%S' (%d day, %m month, %Y year, %H hour, %M minute, %S second, %b month name, %I %p 12-hour clock)
    """
    from inconcert.errors import ConfigError

    for f in formats:
        if not any(d in f for d in ("%Y", "%y", "%d", "%H", "%s", "%m", "%b", "%B", "%j")):
            raise ConfigError(
                f"--time-format {f}: not a strftime pattern; write e.g. '%d.%m.%Y %H:%M:%S' (%d day, "
                "%m month, %Y year, %H hour, %M minute, %S second, %b month name, %I %p 12-hour clock)"
            )


def _slash_fields(values: list[str]) -> tuple[int, int]:
    """The largest first and second fields of the slashed dates in ``values`` (0, 0: none)."""
    first = second = 0
    for v in values:
        m = _SLASH_DATE.match(v or "")
        if m:
            first, second = max(first, int(m.group(1))), max(second, int(m.group(2)))
    return first, second


def slash_ambiguous(values: list[str]) -> bool:
    """Whether ``values`` hold slashed dates whose order no field decides (both ≤ 12).

    >>> slash_ambiguous(["1/4/2023 10:00", "5/4/2023 11:00"]), slash_ambiguous(["1/2/2024", "2/13/2024"])
    (True, False)
    """
    first, second = _slash_fields(values)
    return 0 < first <= 12 and 0 < second <= 12


def slash_day_first(values: list[str]) -> bool:
    """Whether slashed dates in ``values`` are day-first: some first field is above 12.

    >>> slash_day_first(["1/2/2024 10:00", "13/2/2024 10:00"]), slash_day_first(["1/2/2024", "2/13/2024"])
    (True, False)
    """
    first, second = _slash_fields(values)
    return first > 12 >= second


def _strptime_any(s: str) -> dt.datetime:
    for f in EXTRA_FORMATS:
        try:
            return dt.datetime.strptime(s, f)
        except ValueError:
            continue
    raise ValueError(s)


def _aware_us(d: dt.datetime) -> int:
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return (d - EPOCH) // _US


def epoch_us(x: float) -> int:
    """Unix time in seconds, milliseconds or microseconds (told apart by size) → µs."""
    a = abs(x)
    if a >= 1e14:
        return int(x)
    if a >= 1e11:
        return int(round(x * 1000))
    return int(round(x * 1_000_000))


def to_us(value: Any, tz: dt.tzinfo | None = None) -> int:
    """Parse a timestamp to microseconds since 1970 UTC; raise :class:`RecordError`.

    Accepts unix seconds/ms/µs (number or digits), ISO 8601 (``Z``, offsets,
    fractions), Twitter v1.1's ``Wed Oct 10 20:19:24 +0000 2018`` and
    ``M/D/YYYY H:MM[:SS]``. A time without zone is read in ``tz`` (default UTC).
    NaN, infinities and times outside :data:`MIN_US` … :data:`MAX_US` are rejected.

    >>> to_us("2021-01-01T00:00:00.000Z")
    1609459200000000
    >>> to_us("1/1/2021 01:00", tz=dt.timezone(dt.timedelta(hours=1)))
    1609459200000000
    >>> to_us("99999999999999999999")
    Traceback (most recent call last):
    ...
    inconcert.readers.base.RecordError: timestamp out of range: '99999999999999999999'
    """
    us = _parse_us(value, tz)
    if not MIN_US <= us <= MAX_US:
        raise RecordError(f"timestamp out of range: {str(value)[:60]!r}")
    return us


def _parse_us(value: Any, tz: dt.tzinfo | None) -> int:
    if value is None or isinstance(value, bool):
        raise RecordError("missing timestamp")
    try:
        if isinstance(value, (int, float)):
            if value != value or abs(value) > 1e17:
                raise RecordError(f"unparseable timestamp: {value!r}")
            return epoch_us(value)
        if not isinstance(value, str):
            raise RecordError(f"unparseable timestamp: {str(value)[:60]!r}")
        s = value.strip()
        if not s:
            raise RecordError("missing timestamp")
        if s.lstrip("-").replace(".", "", 1).isdigit():
            return epoch_us(float(s))
        parts = s.split()
        if len(parts) == 6 and parts[1] in _MONTHS and len(parts[4]) == 5:
            # Twitter v1.1: Wed Oct 10 20:19:24 +0000 2018
            h, m, sec = (int(x) for x in parts[3].split(":"))
            off = parts[4]
            sign = -1 if off[0] == "-" else 1
            offset = dt.timedelta(hours=int(off[1:3]), minutes=int(off[3:5])) * sign
            d = dt.datetime(
                int(parts[5]),
                _MONTHS[parts[1]],
                int(parts[2]),
                h,
                m,
                sec,
                tzinfo=dt.timezone(offset),
            )
            return _aware_us(d)
        m_ = _SLASH.match(s)
        if m_:
            mo, day, yr, hh, mi, ss = m_.groups()
            d = dt.datetime(int(yr), int(mo), int(day), int(hh), int(mi), int(ss or 0))
        else:
            try:
                d = dt.datetime.fromisoformat(s)
            except ValueError:
                d = _strptime_any(s)
        if d.tzinfo is None and tz is not None:
            d = d.replace(tzinfo=tz)
        return _aware_us(d)
    except RecordError:
        raise
    except (ValueError, OverflowError, TypeError, IndexError):
        raise RecordError(f"unparseable timestamp: {str(value)[:60]!r}") from None


