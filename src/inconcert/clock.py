"""Clocks as they are: the timestamp resolution of each input source.

Exports do not all keep seconds. The IRA release gives ``publish_date`` to the
minute; some panels round to the hour or the day. A co-action window shorter
than the clock's tick cannot be measured, and a time difference read off a
coarse clock is only known to within one tick, so detection needs to know the
clock of every source before it compares times.

**Rule.** Per input file (``source``) and ``platform``, count the timestamps
that fall on a whole second, minute, hour and (UTC) day. A source ticks in
minutes when at least ``SHARE`` (99 %) of its timestamps, on at least
``MIN_ROWS`` (20) rows, have ``:00`` seconds (and no fraction); hours and days
likewise, coarsest first. On a second (or finer) clock a timestamp falls on
``:00`` one time in 60, so 99 % of 20 or more rows do so by chance with
probability below 60⁻¹⁹; the 1 % slack lets a few rows from another clock pass.
Sources with fewer than ``MIN_ROWS`` rows, or finer than a second, are counted
as a ``second`` clock. A source with several platforms takes the coarsest of
their clocks. The run's resolution is the :func:`coarsest` of all sources.

**How detection uses it** (:func:`usable_windows`, :func:`raise_window`):

- a ladder of windows skips every window below the resolution (and keeps the
  resolution itself if none is left);
- a fixed ``--window`` below the resolution is raised to it, with a warning;
- Δt on a clock of tick ``r``: two times ``k`` ticks apart happened between
  ``(k-1)·r`` and ``(k+1)·r`` apart (:func:`real_gap`); a 60 s window on a
  minute clock means "same or next clock minute", a real gap of 0–119 s;
- "first share" of an object: every share in the object's first clock tick is
  a first share (:func:`first_tick_sql`), since the clock cannot order them.

>>> import datetime as dt, pyarrow as pa
>>> from inconcert.engines.duckdb_engine import DuckDBEngine
>>> t0 = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
>>> e = DuckDBEngine()
>>> e.register_arrow("actions", pa.table({
...     "source": ["ira.csv"] * 30 + ["api.json"] * 30,
...     "platform": ["twitter"] * 60,
...     "ts": [t0 + dt.timedelta(minutes=7 * i) for i in range(30)]
...         + [t0 + dt.timedelta(seconds=7 * i + 1) for i in range(30)]}))
>>> res = clock_resolution(e)
>>> res
{'api.json': 1.0, 'ira.csv': 60.0}
>>> coarsest(res), clock_name(coarsest(res))
(60.0, 'minute')
>>> raise_window(10.0, 60.0)
(60.0, 'window 10 s is below the clock resolution (minute, 60 s): raised to 60 s')
>>> usable_windows([10, 60, 600, 3600], 60.0)
[60.0, 600.0, 3600.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from inconcert.engines.base import Engine
from inconcert.sql.dialect import Dialect

__all__ = [
    "CLOCKS",
    "SHARE",
    "MIN_ROWS",
    "RULE",
    "clock_sql",
    "clock_resolution",
    "clock_summary",
    "resolution_of",
    "coarsest",
    "clock_name",
    "usable_windows",
    "raise_window",
    "real_gap",
    "first_tick_sql",
]

#: Clock ticks tested, coarsest first: name → seconds.
CLOCKS: dict[str, float] = {"day": 86400.0, "hour": 3600.0, "minute": 60.0, "second": 1.0}
#: Share of a source's timestamps that must fall on whole ticks.
SHARE = 0.99
#: Fewest rows on which a source's clock is judged; smaller sources count as ``second``.
MIN_ROWS = 20
#: The rule in words, as recorded in ``summary.json``.
RULE = (
    f"a source ticks in minutes (hours, days) when ≥ {SHARE:.0%} of its timestamps, "
    f"on ≥ {MIN_ROWS} rows, fall on a whole minute (hour, UTC day); otherwise seconds"
)


def clock_sql(d: Dialect, table: str = "actions") -> str:
    """Per (source, platform): rows and how many timestamps fall on a whole
    second, minute, hour and UTC day.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> "n_minute" in clock_sql(DuckDBDialect())
    True
    """
    us = {name: int(sec * 1_000_000) for name, sec in CLOCKS.items()}
    sums = ",\n           ".join(
        f"sum(CASE WHEN us % {u} = 0 THEN 1 ELSE 0 END) AS n_{name}" for name, u in us.items()
    )
    return f"""SELECT coalesce(source, '') AS source, coalesce(platform, '') AS platform,
           count(*) AS n,
           {sums}
    FROM (SELECT source, platform, {d.epoch_us('ts')} AS us FROM {table} WHERE ts IS NOT NULL) a
    GROUP BY coalesce(source, ''), coalesce(platform, '')
    ORDER BY source, platform"""


def resolution_of(n: int, on_tick: dict[str, int], share: float = SHARE, min_rows: int = MIN_ROWS) -> float:
    """The clock tick in seconds of a set of ``n`` timestamps, of which ``on_tick[name]``
    fall on a whole tick of each clock in :data:`CLOCKS`.

    >>> resolution_of(100, {"day": 0, "hour": 2, "minute": 100, "second": 100})
    60.0
    >>> resolution_of(10, {"day": 0, "hour": 0, "minute": 10, "second": 10})
    1.0
    """
    if n < min_rows:
        return 1.0
    for name, sec in CLOCKS.items():
        if on_tick.get(name, 0) >= share * n:
            return sec
    return 1.0


def clock_summary(engine: Engine, table: str = "actions") -> dict[str, Any]:
    """What ``summary.json`` records under ``clock``: the resolution per source and
    platform (with the row counts it rests on), per source, the coarsest, and the rule."""
    rows = engine.to_arrow(clock_sql(engine.dialect, table)).to_pylist()
    detail = []
    by_source: dict[str, float] = {}
    for r in rows:
        n = int(r["n"])
        res = resolution_of(n, {name: int(r[f"n_{name}"] or 0) for name in CLOCKS})
        detail.append(
            {
                "source": r["source"],
                "platform": r["platform"],
                "rows": n,
                "resolution_s": res,
                "clock": clock_name(res),
                **{f"on_whole_{name}": int(r[f"n_{name}"] or 0) for name in CLOCKS if name != "second"},
            }
        )
        by_source[r["source"]] = max(by_source.get(r["source"], 1.0), res)
    top = coarsest(by_source)
    return {
        "resolution_s": top,
        "clock": clock_name(top),
        "by_source": dict(sorted(by_source.items())),
        "detail": detail,
        "rule": RULE,
    }


def clock_resolution(engine: Engine, table: str = "actions") -> dict[str, float]:
    """Each source's clock tick in seconds (1, 60, 3600 or 86400), from ``table``
    (columns ``source``, ``platform``, ``ts``); see the module docstring for the rule."""
    return dict(clock_summary(engine, table)["by_source"])


def coarsest(resolutions: dict[str, float] | Iterable[float]) -> float:
    """The coarsest tick of several sources (1.0 when there are none).

    >>> coarsest({"a": 1.0, "b": 60.0}), coarsest([])
    (60.0, 1.0)
    """
    vals = resolutions.values() if isinstance(resolutions, dict) else resolutions
    return float(max(vals, default=1.0))


def clock_name(seconds: float) -> str:
    """``second``, ``minute``, ``hour`` or ``day`` for a tick (else ``'<n> s'``).

    >>> clock_name(3600.0), clock_name(5.0)
    ('hour', '5 s')
    """
    for name, sec in CLOCKS.items():
        if seconds == sec:
            return name
    return f"{seconds:g} s"


def usable_windows(windows: Iterable[float], resolution: float) -> list[float]:
    """The windows of a ladder that the clock can measure (≥ ``resolution``), sorted;
    ``[resolution]`` when none is.

    >>> usable_windows([10, 60], 3600.0)
    [3600.0]
    """
    keep = sorted({float(w) for w in windows if float(w) >= resolution})
    return keep or [float(resolution)]


def raise_window(window: float, resolution: float) -> tuple[float, str | None]:
    """A fixed window raised to the clock resolution if below it, with the warning to show.

    >>> raise_window(120.0, 60.0)
    (120.0, None)
    """
    if float(window) >= resolution:
        return float(window), None
    return float(resolution), (
        f"window {window:g} s is below the clock resolution ({clock_name(resolution)}, "
        f"{resolution:g} s): raised to {resolution:g} s"
    )


def real_gap(dt: float, resolution: float) -> tuple[float, float]:
    """The real time between two events whose clock times are ``dt`` seconds apart on a
    clock of tick ``resolution``: from ``max(0, dt - r)`` to ``dt + r`` (exclusive).

    >>> real_gap(60.0, 60.0)
    (0.0, 120.0)
    >>> real_gap(5.0, 1.0)
    (4.0, 6.0)
    """
    return max(0.0, float(dt) - resolution), float(dt) + resolution


def first_tick_sql(t: str, t0: str, resolution: float) -> str:
    """A SQL condition: microsecond time ``t`` lies in the first clock tick after the
    object's first share ``t0`` (every share the clock cannot tell from the first one).

    >>> first_tick_sql("tr.t", "f.t0", 60.0)
    '(tr.t - f.t0 < 60000000)'
    """
    return f"({t} - {t0} < {int(round(resolution * 1_000_000))})"
