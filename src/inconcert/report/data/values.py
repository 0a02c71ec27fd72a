"""How the report prints values: times, durations, clipped text, table cells.

>>> fmt_time(1_700_000_000_000_000)
'2023-11-14 22:13:20Z'
>>> fmt_duration(3725)
'1h 2m 5s'
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from inconcert.format import format_p

__all__ = ["fmt_time", "fmt_duration", "fmt_ts_text", "clip", "cell", "reason_text", "split_reasons"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fmt_time(us: int | None) -> str:
    """Microseconds since 1970 (UTC) as ``YYYY-MM-DD HH:MM:SS[.ffffff]Z``."""
    if us is None:
        return ""
    dt = _EPOCH + timedelta(microseconds=int(us))
    text = dt.strftime("%Y-%m-%d %H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


def fmt_duration(seconds: float | None) -> str:
    """A duration in seconds as a short human string (``'1h 2m 5s'``, ``'3.5s'``)."""
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    s = float(seconds)
    if s < 60:
        return f"{s:.3g}s" if s != int(s) else f"{int(s)}s"
    s = int(round(s))
    days, s = divmod(s, 86400)
    hours, s = divmod(s, 3600)
    minutes, s = divmod(s, 60)
    parts = [f"{days}d"] if days else []
    parts += [f"{hours}h"] if hours or days else []
    parts += [f"{minutes}m", f"{s}s"]
    return " ".join(parts)


def fmt_ts_text(value: Any) -> str:
    """A timestamp as written in a CSV, shown like :func:`fmt_time` (UTC assumed if no zone).

    >>> fmt_ts_text("2024-01-01 01:18:54.000000"), fmt_ts_text("not a time")
    ('2024-01-01 01:18:54Z', 'not a time')
    """
    if value is None or value == "":
        return ""
    text = str(value).strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return fmt_time((dt - _EPOCH) // timedelta(microseconds=1))


def clip(text: Any, n: int) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


_P_IN_TEXT = re.compile(r"\bp( [≤<=])? (\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?![\w.])")


def split_reasons(text: str | None) -> list[str]:
    """The reasons of a ``reasons`` cell: its parts at the ``;`` that stand outside
    parentheses (a reason's own rule, in parentheses, may hold semicolons).

    >>> split_reasons("weak: not significant (p 0.2; needs p ≤ 0.01); cadence steady")
    ['weak: not significant (p 0.2; needs p ≤ 0.01)', 'cadence steady']
    """
    parts: list[str] = []
    depth = start = 0
    text = text or ""
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(depth - 1, 0)
        elif ch == ";" and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def reason_text(text: str) -> str:
    """A verdict reason with its p-values printed by :func:`inconcert.format.format_p`.

    >>> reason_text("group p 0.0e+00 (Simes); pooled p ≤ 0.0e+00; group p 9.1e-11")
    'group p < 1e-300 (Simes); pooled p < 1e-300; group p 9.1e-11'
    """

    def sub(m: re.Match[str]) -> str:
        shown = format_p(m.group(2))
        if shown.startswith("<"):
            return f"p {shown}"
        return f"p{m.group(1) or ''} {shown}"

    return _P_IN_TEXT.sub(sub, text)
