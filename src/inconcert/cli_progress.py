"""The CLI's progress display: the running step with rows done / rows total and
the time its query has left, and one line per finished step (on stderr).

A step's rows total is the rows of its input table (known when it starts:
the previous step counted them); rows done is the share of source rows the
engine's running query has processed (DuckDB's ``query_progress``) times that
total, and the estimate is ``elapsed × (1 − f) / f`` for that query. A step of
several queries starts the count again with each; Spark shows the total and
the elapsed time only (:mod:`inconcert.pipeline.progress`).

>>> step_line(StepRecord("pairs", 1200, 4500, "traces", "pairs", 3.25, 2**30))
'pairs     1,200 traces → 4,500 pairs in 3.2 s, peak 1,024 MiB'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from inconcert.pipeline.progress import StepEvents, StepRecord, estimate_left

__all__ = ["STEPS", "RichSteps", "step_line", "rows_text", "rich_steps"]

#: The steps of a detection, in order.
STEPS = ("read", "traces", "pairs", "links", "scoring", "groups", "pooled", "verdicts", "outputs")


def rows_text(rec: StepRecord, fraction: float | None) -> str:
    """``rows done / rows total unit`` of a running step (the total alone when the
    engine cannot tell how far its query is).

    >>> rows_text(StepRecord("pairs", 2000, unit_in="traces"), 0.25)
    '500 / 2,000 traces'
    >>> rows_text(StepRecord("read"), None)
    ''
    """
    if rec.rows_in is None:
        return ""
    if fraction is None:
        return f"{rec.rows_in:,} {rec.unit_in}"
    return f"{int(round(fraction * rec.rows_in)):,} / {rec.rows_in:,} {rec.unit_in}"


def step_line(rec: StepRecord) -> str:
    """The line printed when a step is done: rows in → rows out, seconds, peak memory."""
    rows = ""
    if rec.rows_in is not None:
        rows += f"{rec.rows_in:,} {rec.unit_in} → "
    if rec.rows_out is not None:
        rows += f"{rec.rows_out:,} {rec.unit_out} "
    peak = "" if rec.peak_rss is None else f", peak {rec.peak_rss / 2**20:,.0f} MiB"
    return f"{rec.step:<9} {rows}in {rec.seconds:.1f} s{peak}"


class RichSteps(StepEvents):
    """Steps shown on a rich :class:`~rich.progress.Progress` (see the module)."""

    def __init__(self, progress: Progress, console: Console):
        self.progress = progress
        self.console = console
        self.task: TaskID = progress.add_task("read", total=None, rows="", left="", step=f"1/{len(STEPS)}")

    def started(self, rec: StepRecord) -> None:
        n = STEPS.index(rec.step) + 1 if rec.step in STEPS else 0
        self.progress.reset(self.task, total=None, description=rec.step, rows=rows_text(rec, None), left="",
                            step=f"{n}/{len(STEPS)}" if n else "")

    def running(self, rec: StepRecord, fraction: float | None, elapsed: float, rss: int | None) -> None:
        left = estimate_left(fraction, elapsed)
        self.progress.update(
            self.task, total=None if fraction is None else 1.0, completed=fraction or 0.0,
            rows=rows_text(rec, fraction), left="" if left is None else f"~{left:,.0f} s left",
        )

    def finished(self, rec: StepRecord) -> None:
        self.console.print(f"[dim]✓[/dim] {step_line(rec)}", highlight=False)


@contextlib.contextmanager
def rich_steps(console: Console) -> Iterator[RichSteps]:
    """A :class:`RichSteps` on ``console`` for the duration of a run."""
    with Progress(
        TextColumn("[bold]{task.description:<8}"), BarColumn(), TextColumn("{task.fields[rows]}"),
        TextColumn("{task.fields[left]}"), TextColumn("[dim]{task.fields[step]}"), TimeElapsedColumn(),
        console=console, transient=True,
    ) as progress:
        yield RichSteps(progress, console)
