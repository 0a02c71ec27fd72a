"""The run's memory budget (``--memory-limit``), for what DuckDB's own limit does not cover.

DuckDB's ``memory_limit`` caps the engine's buffers, not what the Python side
holds: the batches the readers hand over, the Arrow results brought out of
the engine, the helper DuckDB connections of the readers (each would
otherwise take 80 % of the RAM). A run sets its budget once
(:func:`memory_budget`); the readers and batch loops size themselves from
it with :func:`budget_rows` and give their own DuckDB connections
:func:`side_limit`. Without a budget they keep their defaults.

>>> parse_size("1.5GB"), parse_size("300MB"), parse_size("2GiB")
(1500000000, 300000000, 2147483648)
>>> with memory_budget("1GB"):
...     budget_rows(1_000_000, row_bytes=200)
312500
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import functools
import re
from collections.abc import Callable, Iterator

__all__ = ["parse_size", "memory_budget", "current_budget", "budget_rows", "side_limit", "engine_limit", "release_memory",
           "BATCH_SHARE", "ENGINE_SHARE", "DEFAULT_BUDGET", "MIN_BUDGET", "budget_warning"]

_SIZE = re.compile(r"\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B|[KMGT]|B)\s*", re.IGNORECASE)
_UNITS = {"": 1, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
          "KI": 2**10, "MI": 2**20, "GI": 2**30, "TI": 2**40}

#: The share of the budget one batch of rows may take (a few are alive at once:
#: the one being read, the one being converted, two waiting to be written).
BATCH_SHARE = 1 / 16

#: The share of a run's budget that DuckDB's own ``memory_limit`` gets (it fills
#: its buffer pool up to it and spills beyond); the rest is for the interpreter
#: and its libraries and what the Python side holds (docs/reliability.md, "Memory").
ENGINE_SHARE = 0.75

#: A run's budget when none is given: DuckDB gets 3 GB of it.
DEFAULT_BUDGET = "4GB"

_BUDGET: contextvars.ContextVar[int | None] = contextvars.ContextVar("inconcert_memory_budget", default=None)


def parse_size(value: str | None) -> int | None:
    """Bytes of a size such as ``4GB``, ``500MB``, ``2GiB`` (DuckDB's units); None
    for None or a share of the RAM (``80%``), which has no fixed size here."""
    if value is None:
        return None
    m = _SIZE.fullmatch(str(value))
    if not m:
        return None
    unit = m["unit"].upper().removesuffix("B")
    return int(float(m["n"]) * _UNITS[unit])


@contextlib.contextmanager
def memory_budget(limit: str | int | None) -> Iterator[int | None]:
    """Within the block, the run's budget is ``limit`` (a size or bytes; None: no budget)."""
    n = limit if isinstance(limit, int) else parse_size(limit)
    token = _BUDGET.set(n)
    try:
        yield n
    finally:
        _BUDGET.reset(token)


#: The smallest budget a run can keep (measured: a 20,000-post run peaks at ~330 MB
#: resident whatever DuckDB's limit; the interpreter and its libraries take ~175 MB).
MIN_BUDGET = 500 * 10**6


def budget_warning(limit: str | int | None) -> str | None:
    """What to tell the user when ``limit`` is below :data:`MIN_BUDGET`, else None.

    >>> budget_warning("10MB")[:46]
    'memory limit 10MB is below what any run needs '
    >>> budget_warning("4GB") is None
    True
    """
    n = limit if isinstance(limit, int) else parse_size(limit)
    if n is None or n >= MIN_BUDGET:
        return None
    shown = f"{n / 10**6:g}MB" if isinstance(limit, int) else limit
    return (f"memory limit {shown} is below what any run needs ({MIN_BUDGET // 10**6} MB: Python and its "
            "libraries alone take about 175 MB, a small run about 330 MB); the run went on with DuckDB "
            "spilling almost everything to disk, but no run stays within it. "
            f"Give at least {MIN_BUDGET // 10**6}MB")


def current_budget() -> int | None:
    """The budget of the running detection in bytes, or None."""
    return _BUDGET.get()


def budget_rows(default: int, row_bytes: int, share: float = BATCH_SHARE, minimum: int = 10_000) -> int:
    """Rows per batch: ``default``, or fewer so that a batch of rows of about
    ``row_bytes`` bytes takes at most ``share`` of the budget (never below ``minimum``).

    >>> budget_rows(1_000_000, 200)  # no budget: the default
    1000000
    """
    b = current_budget()
    if b is None:
        return default
    return max(minimum, min(default, int(b * share / max(row_bytes, 1))))


def side_limit(share: float = 0.5) -> str | None:
    """A DuckDB ``memory_limit`` for a helper connection (reader, deduplication):
    ``share`` of the budget, or None without one.

    >>> with memory_budget("1GB"):
    ...     side_limit()
    '500MB'
    """
    b = current_budget()
    return None if b is None else _share(b, share)


def _share(size: int, share: float) -> str:
    """``share`` of ``size`` bytes as a DuckDB size in MB (at least 50MB)."""
    return f"{max(int(size * share / 10**6), 50)}MB"


def engine_limit(budget: str) -> str:
    """DuckDB's ``memory_limit`` for a run whose budget is ``budget``
    (:data:`ENGINE_SHARE` of it; a share of the RAM stays a share).

    >>> engine_limit("4GB"), engine_limit("1GB"), engine_limit("80%")
    ('3000MB', '750MB', '60%')
    """
    text = str(budget).strip()
    if text.endswith("%"):
        return f"{float(text[:-1]) * ENGINE_SHARE:g}%"
    n = parse_size(text)
    return text if n is None else _share(n, ENGINE_SHARE)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    try:
        fn = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return None
    fn.argtypes, fn.restype = [ctypes.c_size_t], ctypes.c_int
    return fn


def release_memory() -> None:
    """Give what the Python side has freed back to the system: Arrow's pool's
    unused memory and the C heap's free pages (glibc ``malloc_trim``). Freed
    arrays of a few MB stay in the heap otherwise (glibc raises its mmap
    threshold after the first large free), so resident memory would keep the
    largest working set of every step; called between steps and rounds.

    >>> release_memory()
    """
    with contextlib.suppress(Exception):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
