"""A detection run: read the inputs, run the stages, write the outputs and ``summary.json``.

:func:`run_detection` is the list of stages (:mod:`inconcert.pipeline.stages`)
on an engine whose ``actions`` table is registered; :func:`detect` adds the
reading and the outputs; :func:`replay` re-runs a detection from the inputs
and settings recorded in its ``summary.json``.
"""

from __future__ import annotations

import json
import platform as _platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from inconcert.config import DetectConfig, read_settings_file
from inconcert.engines import get_engine
from inconcert.engines.base import Engine
from inconcert.errors import ConfigError
from inconcert.ingest import ingest
from inconcert.outputs.atomic import atomic_path
from inconcert.pipeline.outputs import write_outputs
from inconcert.pipeline.stages import (
    groups_stage,
    links_stage,
    pairs_stage,
    scoring_stage,
    traces_stage,
    verdicts_stage,
)
from inconcert.sites.networks import finish_site_run, site_defaults
from inconcert.tables import TRACES

__all__ = ["detect", "replay", "run_detection", "DetectResult", "Detection", "Counts"]

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Counts:
    """Rows at each stage (``summary.json``'s ``counts``)."""

    traces: int
    pairs: int
    links: int
    links_passing: int
    groups: int
    accounts_in_groups: int
    accounts_joined_pooled: int | None = None
    groups_by_verdict: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The counts as in ``summary.json`` (counts that do not apply left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Detection:
    """What :func:`run_detection` found: behaviours used, the window used (seconds),
    counts, seconds per stage and each behaviour's statistics."""

    behaviours: list[str]
    window_used: float
    counts: Counts
    timings: dict[str, float]
    behaviour_stats: dict[str, dict[str, Any]]


@dataclass
class DetectResult:
    """Where the outputs are and what the run found: the window used (seconds),
    the behaviours, the counts, seconds per stage and each behaviour's
    statistics (``summary`` is what summary.json holds)."""

    outdir: Path
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    window_used: float | None = None
    behaviours: list[str] = field(default_factory=list)
    counts: Counts | None = None
    behaviour_stats: dict[str, dict[str, Any]] = field(default_factory=dict)

    def table(self, name: str) -> pa.Table:
        """Load an output table: ``groups``, ``accounts``, ``links`` or ``evidence``."""
        p = self.outdir / f"{name}.parquet"
        if p.exists():
            return pq.read_table(p)
        return pacsv.read_csv(self.outdir / f"{name}.csv")


def run_detection(engine: Engine, config: DetectConfig, step: Progress | None = None) -> Detection:
    """Run the stages on an engine whose ``actions`` table is registered.

    Leaves the tables the outputs need (:mod:`inconcert.tables`); ``config`` is
    only read. Returns a :class:`Detection`.
    """
    say = step or (lambda s: None)
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        say(name)
        t0 = time.perf_counter()
        out = fn()
        timings[name] = time.perf_counter() - t0
        return out

    traces = timed("traces", lambda: traces_stage(engine, config))
    pairs = timed("pairs", lambda: pairs_stage(engine, config, traces))
    links = timed("links", lambda: links_stage(engine, traces.behaviours))
    scored = timed("scoring", lambda: scoring_stage(engine, config))
    groups = timed("groups", lambda: groups_stage(engine, config, scored))
    if groups.pooled_seconds is not None:
        timings["pooled"] = groups.pooled_seconds
        timings["groups"] -= groups.pooled_seconds
    verdicts = timed("verdicts", lambda: verdicts_stage(engine, config, scored))
    engine.drop(TRACES)  # spent: the outputs need the memory
    counts = Counts(
        traces=traces.traces,
        pairs=pairs.pairs,
        links=links.links,
        links_passing=groups.links_passing,
        groups=groups.groups,
        accounts_in_groups=groups.accounts_in_groups,
        accounts_joined_pooled=groups.accounts_joined_pooled,
        groups_by_verdict=verdicts.groups_by_verdict,
    )
    return Detection(traces.behaviours, traces.window_used, counts, timings, traces.behaviour_stats)


def _software() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": _platform.python_version()}
    for pkg in ("inconcert", "duckdb", "pyarrow", "igraph", "leidenalg", "networkx", "pyspark"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def detect(
    inputs: Sequence[str | Path],
    outdir: str | Path,
    config: DetectConfig | None = None,
    engine: str | Engine = "duckdb",
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    step: Progress | None = None,
    command: str = "",
    engine_options: dict[str, Any] | None = None,
) -> DetectResult:
    """Read ``inputs``, detect coordinated groups, write outputs into ``outdir``.

    ``engine`` is ``"duckdb"`` (default), ``"spark"`` or an Engine instance.
    Returns a :class:`DetectResult`; the same inputs and seed give identical files.
    ``summary.json`` records the inputs, ``format``, ``column_map`` and every
    setting, so :func:`replay` can run the detection again.
    """
    config = config or DetectConfig()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    say = step or (lambda s: None)
    timings: dict[str, float] = {}
    work = Path(tempfile.mkdtemp(prefix="inconcert-"))
    own_engine = not isinstance(engine, Engine)
    eng: Engine | None = None
    try:
        t0 = time.perf_counter()
        say("read")
        ing = ingest(list(inputs), work, format=format, column_map=column_map)
        timings["read"] = time.perf_counter() - t0
        eng = get_engine(engine, **(engine_options or {})) if own_engine else engine  # type: ignore[arg-type]
        eng.register_parquet("actions", ing.actions_path)
        for name, path in ing.side.items():  # e.g. the site readers' site_pages, site_ids
            eng.register_parquet(name, path)
        site_run: dict[str, Any] | None = None
        if "site_pages" in ing.side:  # pages in: sites as actors, site behaviours, a window of days
            config, chosen = site_defaults(config)
            site_run = {"defaults_chosen": chosen}
        if ing.rows_used == 0:
            say("no usable rows")
        run = run_detection(eng, config, step)
        timings.update(run.timings)
        if site_run is not None:
            site_run["counts"] = finish_site_run(eng, config, outdir)
        t0 = time.perf_counter()
        say("outputs")
        write_outputs(eng, outdir, ing.accounts, ing.rejects, config.min_weight, run.behaviours)
        timings["outputs"] = time.perf_counter() - t0
        summary: dict[str, Any] = {
            "software": _software(),
            "command": command,
            "engine": eng.name,
            "inputs": [dict(i) for i in ing.inputs],
            "read_options": {"format": format, "column_map": dict(column_map or {})},
            "rows": {"read": ing.rows_read, "used": ing.rows_used, "rejected": ing.rows_rejected},
            "parameters": config.to_dict(),
            "window_used": run.window_used,
            "behaviours": run.behaviours,
            "counts": run.counts.to_dict(),
            "timings": {k: round(v, 3) for k, v in timings.items()},
        }
        if site_run is not None:
            summary["site_run"] = site_run
        if run.behaviour_stats:
            summary["behaviour_stats"] = run.behaviour_stats
        with atomic_path(outdir / "summary.json") as tmp:
            tmp.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
        return DetectResult(
            outdir, summary, timings, run.window_used, run.behaviours, run.counts, run.behaviour_stats
        )
    finally:
        if own_engine and eng is not None:
            eng.close()
        shutil.rmtree(work, ignore_errors=True)


def replay(
    summary: str | Path,
    outdir: str | Path,
    engine: str | Engine | None = None,
    step: Progress | None = None,
    command: str = "",
    engine_options: dict[str, Any] | None = None,
) -> DetectResult:
    """Run again the detection a ``summary.json`` records: the same inputs, read
    options and settings (and engine, unless ``engine`` is given) give the same files.
    """
    p = Path(summary)
    s = read_settings_file(p, "json")
    if not isinstance(s, dict) or "parameters" not in s or not s.get("inputs"):
        raise ConfigError(f"{p}: not a summary.json of a detection (no parameters or inputs)")
    opts = s.get("read_options") or {}
    return detect(
        [i["path"] for i in s["inputs"]],
        outdir,
        DetectConfig.from_dict(s["parameters"]),
        engine=engine or s.get("engine", "duckdb"),
        format=opts.get("format"),
        column_map=opts.get("column_map") or None,
        step=step,
        command=command,
        engine_options=engine_options,
    )
