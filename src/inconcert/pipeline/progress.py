"""Progress of a run, step by step: rows in, rows out, seconds and peak memory.

Each step of a detection (``read``, ``traces``, ``pairs``, ``links``,
``scoring``, ``groups``, ``pooled``, ``verdicts``, ``outputs``) is recorded as
a :class:`StepRecord` from counts the pipeline has anyway (the rows of the
table a step reads and of the one it writes: no extra query), the seconds it
took and the process's peak resident memory while it ran. ``summary.json``
holds them as ``steps``; the CLI prints one line per finished step.

While a step runs, a reporter (:class:`StepEvents`) is told how far the
engine's running query is: DuckDB reports the share of its source rows a
query has processed (``query_progress``), which gives *rows done / rows
total* of the current query and an estimate of the time it has left
(elapsed × (1 − f) / f). A step of several queries restarts the count with
each query; an engine that cannot tell (Spark) shows the rows total and the
elapsed time only.

>>> log = StepLog()
>>> with log.step("pairs", rows_in=10, unit_in="traces", unit_out="pairs") as rec:
...     rec.rows_out = 4
>>> log.to_dict()["pairs"]["rows_out"]
4
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from inconcert.memory import release_memory

__all__ = ["StepRecord", "StepEvents", "StepLog", "as_events", "rss_bytes", "estimate_left"]


@dataclass
class StepRecord:
    """One step as it ran: rows it read (``rows_in``, counted in ``unit_in``) and
    wrote (``rows_out``, in ``unit_out``), seconds, peak resident memory (bytes)."""

    step: str
    rows_in: int | None = None
    rows_out: int | None = None
    unit_in: str = "rows"
    unit_out: str = "rows"
    seconds: float = 0.0
    peak_rss: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """As in ``summary.json``'s ``steps`` (memory in MiB)."""
        return {
            "rows_in": self.rows_in, "unit_in": self.unit_in, "rows_out": self.rows_out, "unit_out": self.unit_out,
            "seconds": round(self.seconds, 3),
            "peak_rss_mib": None if self.peak_rss is None else round(self.peak_rss / 2**20, 1),
        }


class StepEvents:
    """What a run tells its reporter; subclass it (the CLI's rich display does).

    Calling it with a step's name is the plain form every reporter understands
    (``detect(step=print)`` works); :meth:`started`, :meth:`running` and
    :meth:`finished` carry the rows.
    """

    def __call__(self, name: str) -> None:  # a step begins
        """A step begins (the plain callback)."""

    def started(self, rec: StepRecord) -> None:
        """A step begins; ``rec.rows_in`` is its input's rows when known."""

    def running(self, rec: StepRecord, fraction: float | None, elapsed: float, rss: int | None) -> None:
        """About twice a second during a step: the running query's share done
        (None when the engine cannot tell), the seconds it has run (since the step
        began when no share is known), memory now."""

    def finished(self, rec: StepRecord) -> None:
        """A step is done; ``rec`` is complete."""


class _Plain(StepEvents):
    def __init__(self, fn: Callable[[str], None]):
        self.fn = fn

    def __call__(self, name: str) -> None:
        self.fn(name)


def as_events(step: Callable[[str], None] | StepEvents | None) -> StepEvents:
    """A reporter from what a caller passed: a :class:`StepEvents`, a function of
    the step's name, or None (nothing reported).

    >>> seen = []
    >>> as_events(seen.append)("pairs"); seen
    ['pairs']
    """
    if isinstance(step, StepEvents):
        return step
    if step is None:
        return StepEvents()
    return _Plain(step)


def rss_bytes() -> int | None:
    """The process's resident memory now (Linux ``/proc``; None elsewhere).

    >>> (rss_bytes() or 1) > 0
    True
    """
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def _max_rss() -> int | None:
    """The process's peak resident memory so far (bytes), exact (the kernel keeps it)."""
    try:
        import resource
    except ImportError:  # not on Windows
        return None
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(kb) * (1 if sys.platform == "darwin" else 1024)


def estimate_left(fraction: float | None, elapsed: float) -> float | None:
    """Seconds a query has left if it goes on at the pace so far (None below 1 %).

    >>> estimate_left(0.25, 10.0)
    30.0
    """
    if fraction is None or fraction < 0.01:
        return None
    return elapsed * (1.0 - min(fraction, 1.0)) / fraction


class StepLog:
    """The records of a run's steps, with a sampler thread (every ``interval`` s)
    that keeps each step's peak memory and tells ``events`` how the running
    query progresses (``query_progress``: a function giving 0–1 or None)."""

    def __init__(self, events: StepEvents | None = None, query_progress: Callable[[], float | None] | None = None,
                 interval: float = 0.5):
        self.events = events or StepEvents()
        self.query_progress = query_progress
        self.interval = interval
        self.records: dict[str, StepRecord] = {}

    @contextlib.contextmanager
    def step(self, name: str, rows_in: int | None = None, unit_in: str = "rows",
             unit_out: str = "rows") -> Iterator[StepRecord]:
        """Record the step run inside the ``with`` block; set ``rows_out`` (or
        ``rows_in``) on the record it yields. Kept only if the block succeeds."""
        rec = StepRecord(name, rows_in, None, unit_in, unit_out)
        self.events(name)
        self.events.started(rec)
        stop = threading.Event()
        peak = [rss_bytes()]
        max_before = _max_rss()
        t0 = time.perf_counter()

        def sample() -> None:
            q0, last = t0, -1.0  # when the running query began (as far as we can tell), its last share
            while not stop.wait(self.interval):
                rss = rss_bytes()
                if rss is not None and (peak[0] is None or rss > peak[0]):
                    peak[0] = rss
                frac = None
                if self.query_progress is not None:
                    with contextlib.suppress(Exception):
                        frac = self.query_progress()
                now = time.perf_counter()
                if frac is None or frac < last:  # no query, or the next query of the step began
                    q0 = now - (0.0 if frac is None else self.interval / 2)
                last = -1.0 if frac is None else frac
                with contextlib.suppress(Exception):
                    self.events.running(rec, frac, now - q0, rss)

        sampler = threading.Thread(target=sample, name=f"inconcert-progress-{name}", daemon=True)
        sampler.start()
        try:
            yield rec
        finally:
            stop.set()
            sampler.join()
            release_memory()
        rss = rss_bytes()
        rec.peak_rss = max(x for x in (peak[0], rss, 0) if x is not None) or None
        max_after = _max_rss()
        if max_after is not None and max_before is not None and max_after > max_before:
            rec.peak_rss = max(rec.peak_rss or 0, max_after)  # the process's peak was reached in this step
        rec.seconds = time.perf_counter() - t0
        self.records[name] = rec
        self.events.finished(rec)

    def split(self, name: str, part: str, seconds: float, rows_out: int | None = None,
              unit_out: str = "rows") -> None:
        """Record ``part`` as a step of its own that took ``seconds`` of step ``name``
        (the pooled evidence, run inside the groups step), placed after it."""
        whole = self.records[name]
        whole.seconds = max(whole.seconds - seconds, 0.0)
        rec = StepRecord(part, None, rows_out, "rows", unit_out, seconds, whole.peak_rss)
        records = {}
        for k, v in self.records.items():
            records[k] = v
            if k == name:
                records[part] = rec
        self.records = records

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """``summary.json``'s ``steps``: step → rows in, rows out, seconds, peak MiB."""
        return {name: r.to_dict() for name, r in self.records.items()}
