"""A detection run: read the inputs, run the stages, write the outputs and ``summary.json``.

:func:`run_detection` is the list of stages (:mod:`inconcert.pipeline.stages`)
on an engine whose ``actions`` table is registered; :func:`detect` adds the
reading and the outputs; :func:`replay` re-runs a detection from the inputs
and settings recorded in its ``summary.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform as _platform
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.config import DetectConfig, read_settings_file
from inconcert.engines import get_engine
from inconcert.engines.base import Engine
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.engines.spark_read import is_remote, read_remote
from inconcert.errors import ConfigError, DiskFullError, EngineError, OutOfMemoryError, OutputError
from inconcert.ingest import current_reader_options, ingest, reader_options
from inconcert.memory import (
    DEFAULT_BUDGET,
    budget_warning,
    current_budget,
    engine_limit,
    memory_budget,
)
from inconcert.outputs.csvfile import read_csv_table
from inconcert.outputs.options import OutputOptions
from inconcert.outputs.pseudonymise import Pseudonymiser
from inconcert.outputs.resultset import ResultSet, disk_errors
from inconcert.outputs.signals import cleanup, stop_on_signals
from inconcert.pipeline.outputs import write_outputs
from inconcert.pipeline.progress import StepEvents, StepLog, as_events
from inconcert.pipeline.stages import (
    groups_stage,
    links_stage,
    pairs_stage,
    scoring_stage,
    traces_stage,
    verdicts_stage,
)
from inconcert.scoring.nullmodel import NULL_TABLES, sharer_strata
from inconcert.sites.networks import finish_site_run, site_defaults
from inconcert.sql.summaries import verdict_counts_sql
from inconcert.tables import ACTIONS, TRACES

__all__ = ["detect", "replay", "run_detection", "stores_all_links", "resource_errors", "remove_dead_work_dirs", "DetectResult", "Detection", "Counts", "RESULT_TABLES"]

#: A reporter: a function of the step's name, or a :class:`~inconcert.pipeline.progress.StepEvents`.
Progress = Callable[[str], None] | StepEvents


@dataclass(frozen=True)
class Counts:
    """Rows at each stage (``summary.json``'s ``counts``)."""

    traces: int
    pairs: int
    links: int
    links_passing: int
    groups: int
    accounts_in_groups: int
    #: links kept in links.parquet when not every link is (those on two objects or more)
    links_stored: int | None = None
    accounts_joined_pooled: int | None = None
    #: accounts joined to the group that made most of the reposts of their posts
    accounts_joined_amplified: int | None = None
    #: repost feeds moved out of a group into a group of their own
    repost_feeds_split: int | None = None
    groups_by_verdict: dict[str, int] | None = None
    groups_dropped_one_object: int | None = None
    networks: int | None = None
    accounts_in_networks: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The counts as in ``summary.json`` (counts that do not apply left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Detection:
    """What :func:`run_detection` found: behaviours used, the window used (seconds),
    counts, seconds per stage, each behaviour's statistics, the input's clock
    (:mod:`inconcert.clock`) and warnings for the user."""

    behaviours: list[str]
    window_used: float
    counts: Counts
    timings: dict[str, float]
    behaviour_stats: dict[str, dict[str, Any]]
    windows: tuple[float, ...] = ()
    clock: dict[str, Any] = field(default_factory=dict)
    null: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)


#: The tables of a result: name → file in the result set.
RESULT_TABLES = {
    "groups": "groups.csv",
    "accounts": "accounts.csv",
    "links": "links.parquet",
    "evidence": "evidence.parquet",
    "objects": "objects.csv",
    "posts": "posts.parquet",
    "rejects": "rejects.csv",
}


@dataclass
class DetectResult:
    """What a run found and where its files are: the window used (seconds), the
    behaviours, the counts, seconds per stage, each behaviour's statistics
    (``summary`` is what summary.json holds) and the tables as Arrow
    (``result.groups.to_pandas()``): ``groups``, ``accounts``, ``links``,
    ``evidence``, ``objects``, ``posts``, ``rejects``. ``outdir`` is None for a
    run without an output folder (its tables are in memory)."""

    outdir: Path | None
    summary: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    window_used: float | None = None
    behaviours: list[str] = field(default_factory=list)
    counts: Counts | None = None
    behaviour_stats: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, pa.Table] = field(default_factory=dict, repr=False)

    def table(self, name: str) -> pa.Table:
        """One of the result's tables, as Arrow (see :data:`RESULT_TABLES`)."""
        if name not in RESULT_TABLES:
            raise OutputError(f"no table {name!r} in a result; the tables are: {', '.join(RESULT_TABLES)}")
        if name not in self.tables:
            path = self.outdir / RESULT_TABLES[name] if self.outdir is not None else None
            if path is None or not path.exists():
                raise OutputError(f"{path or name}: not there (the result set was moved or replaced); run again")
            self.tables[name] = pq.read_table(path) if path.suffix == ".parquet" else read_csv_table(path)
        return self.tables[name]

    groups = property(lambda self: self.table("groups"), doc="One row per group (``groups.csv``).")
    accounts = property(lambda self: self.table("accounts"), doc="One row per account (``accounts.csv``).")
    links = property(lambda self: self.table("links"), doc="The account links on two objects or more, every one "
                     "with ``all_evidence`` (``links.parquet``).")
    evidence = property(lambda self: self.table("evidence"), doc="The share pairs behind the passing links and inside groups (``evidence.parquet``).")
    objects = property(lambda self: self.table("objects"), doc="Objects groups acted on (``objects.csv``).")
    posts = property(lambda self: self.table("posts"), doc="Posts of grouped accounts (``posts.parquet``).")
    rejects = property(lambda self: self.table("rejects"), doc="Rejected input records (``rejects.csv``).")


def stores_all_links(config: DetectConfig, all_evidence: bool = False) -> bool:
    """Whether the ``links`` table keeps every link rather than those on two
    objects or more (the only ones the null model tests): with ``all_evidence``,
    and whenever the settings can select an untested link (a weight percentile
    over all links, insignificant links of weight 1) or do not score
    (CooRTweet-compatible mode)."""
    return bool(
        all_evidence
        or config.coortweet_compatible
        or config.weight_percentile is not None
        or (config.keep_insignificant and config.min_weight < 2)
    )


def run_detection(
    engine: Engine, config: DetectConfig, step: Progress | None = None, log: StepLog | None = None,
    all_links: bool = False,
) -> Detection:
    """Run the stages on an engine whose ``actions`` table is registered.

    Leaves the tables the outputs need (:mod:`inconcert.tables`); ``config`` is
    only read. The ``links`` table holds the links on two objects or more unless
    ``all_links`` or the settings need every link (:func:`stores_all_links`). Each stage is recorded in ``log`` (rows in, rows out, seconds,
    peak memory: :mod:`inconcert.pipeline.progress`) and reported to ``step``.
    Returns a :class:`Detection`.
    """
    log = log or StepLog(as_events(step), engine.query_progress)
    timings: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any], rows_in: int | None, units: tuple[str, str],
              rows_out: Callable[[Any], int | None]) -> Any:
        with log.step(name, rows_in, *units) as rec, resource_errors(name):
            out = fn()
            rec.rows_out = rows_out(out)
        timings[name] = rec.seconds
        return out

    posts = log.records["read"].rows_out if "read" in log.records else engine.count(ACTIONS)
    traces = timed("traces", lambda: traces_stage(engine, config), posts, ("posts", "traces"), lambda r: r.traces)
    pairs = timed("pairs", lambda: pairs_stage(engine, config, traces), traces.traces, ("traces", "pairs"),
                  lambda r: r.pairs)
    n_windows = None if config.coortweet_compatible else len(traces.windows)
    links = timed("links", lambda: links_stage(
        engine, traces.behaviours, n_windows=n_windows,
        fast_within_s=config.fast_within_s(traces.windows) if traces.windows else None,
        all_links=stores_all_links(config, all_links),
        strata=None if n_windows is None else sharer_strata(engine),
    ), pairs.pairs, ("pairs", "links"), lambda r: r.links)
    scored = timed("scoring", lambda: scoring_stage(engine, config, windows=traces.windows), links.links,
                   ("links", "links"), lambda r: links.links)
    groups = timed("groups", lambda: groups_stage(engine, config, scored, resolution=traces.clock["resolution_s"]),
                   links.links, ("links", "members"),
                   lambda r: r.accounts_in_groups)
    if groups.pooled_seconds is not None:
        timings["pooled"] = groups.pooled_seconds
        timings["groups"] -= groups.pooled_seconds
        log.split("groups", "pooled", groups.pooled_seconds, rows_out=groups.accounts_joined_pooled,
                  unit_out="members")
    verdicts = timed(
        "verdicts", lambda: verdicts_stage(engine, config, scored, resolution=traces.clock["resolution_s"]),
        groups.groups, ("groups", "groups"), lambda r: groups.groups,
    )
    for t in (TRACES, *NULL_TABLES):  # spent: the outputs need the memory (ic_group_pairs: objects.csv)
        engine.drop(t)
    counts = Counts(
        traces=traces.traces,
        pairs=pairs.pairs,
        links=links.links,
        links_stored=links.stored,
        links_passing=groups.links_passing,
        groups=groups.groups,
        accounts_in_groups=groups.accounts_in_groups,
        accounts_joined_pooled=groups.accounts_joined_pooled,
        accounts_joined_amplified=None if groups.accounts_joined_pooled is None else groups.accounts_joined_amplified,
        repost_feeds_split=None if groups.accounts_joined_pooled is None else groups.repost_feeds_split,
        groups_by_verdict=verdicts.groups_by_verdict,
        groups_dropped_one_object=groups.groups_dropped_one_object if scored.scored else None,
        networks=groups.networks,
        accounts_in_networks=groups.accounts_in_networks,
    )
    return Detection(
        traces.behaviours, traces.window_used, counts, timings, traces.behaviour_stats,
        traces.windows, traces.clock, scored.null, traces.warnings,
    )


def _software() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": _platform.python_version()}
    for pkg in ("inconcert", "duckdb", "pyarrow", "igraph", "leidenalg", "networkx", "pyspark"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


@contextlib.contextmanager
def resource_errors(step: str) -> Iterator[None]:
    """Turn the engine running out of memory or disk during ``step`` into an error that says what to do."""
    with disk_errors(f"step '{step}'", tempfile.gettempdir()):
        try:
            yield
        except EngineError as e:
            text = f"{e}\n{e.__cause__ or ''}"
            if "Out of Memory" in text or "OutOfMemory" in type(e.__cause__).__name__:
                raise OutOfMemoryError(step, str(e).split("\n")[0][:200]) from e
            if "No space left on device" in text or "errno\":\"28" in text:
                raise DiskFullError(f"step '{step}'", tempfile.gettempdir()) from e
            raise
        except MemoryError as e:  # the Python side (numpy, Arrow) could not allocate
            raise OutOfMemoryError(step, "Python side: could not allocate memory") from e


def _table_input(x: Any) -> pa.Table | None:
    """``x`` as an Arrow table if it is a pandas, Polars or Arrow table (else None)."""
    if isinstance(x, pa.Table):
        return x
    if isinstance(x, pa.RecordBatch | pa.RecordBatchReader):
        return pa.table(x) if isinstance(x, pa.RecordBatch) else x.read_all()
    module = type(x).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(x, preserve_index=False)
    if module == "polars":
        return x.to_arrow()
    if hasattr(x, "__arrow_c_stream__"):
        return pa.table(x)
    return None


def _inputs(inputs: Any, work: Path) -> tuple[list[Path], dict[str, str]]:
    """Paths to read, writing tables to Parquet in ``work``; and path → label of each table."""
    items = [inputs] if isinstance(inputs, str | Path) or _table_input(inputs) is not None else list(inputs)
    paths: list[Path] = []
    labels: dict[str, str] = {}
    for i, x in enumerate(items):
        t = _table_input(x)
        if t is None:
            paths.append(x if is_remote(x) else Path(x))  # s3a://…, hdfs://…: for Spark's readers
            continue
        p = work / f"table-{i}.parquet"
        pq.write_table(t, p)
        labels[str(p)] = f"<{type(x).__module__.split('.')[0]} table {i}: {t.num_rows} rows>"
        paths.append(p)
    return paths, labels


def _interrupter(engine: Engine) -> Callable[[], None] | None:
    """What stops the engine's running query from another thread, if it has one."""
    con = getattr(engine, "con", None)
    if con is not None and hasattr(con, "interrupt"):
        return con.interrupt
    spark = getattr(engine, "spark", None)
    if spark is not None:
        return spark.sparkContext.cancelAllJobs
    return None


def detect(
    inputs: Any,
    outdir: str | Path | None = None,
    config: DetectConfig | None = None,
    engine: str | Engine = "duckdb",
    format: str | None = None,
    column_map: dict[str, str] | None = None,
    step: Progress | None = None,
    command: str = "",
    engine_options: dict[str, Any] | None = None,
    outputs: OutputOptions | None = None,
    encoding: str | None = None,
    time_formats: Sequence[str] = (),
    **settings: Any,
) -> DetectResult:
    """Read ``inputs``, detect coordinated groups, write the result set into ``outdir``.

    ``inputs``: a path, a list of paths, or a table (pandas, Polars or Arrow;
    columns named as in any supported format, or named with ``column_map``),
    or a list mixing them. ``outdir`` None: the run writes into a temporary
    folder and keeps its tables in memory (``result.groups`` …). Settings
    come from ``config`` and/or keyword arguments (``window=60``). ``engine``
    is ``"duckdb"`` (default), ``"spark"`` or an Engine instance; ``outputs``
    says how files are written (:class:`~inconcert.outputs.options.OutputOptions`).

    The files are staged and moved into place as a whole
    (:mod:`inconcert.outputs.resultset`): a run that fails or is stopped
    leaves the previous result set as it was. The same inputs and seed give
    identical files; ``summary.json`` records the inputs, ``format``,
    ``column_map`` and every setting, so :func:`replay` can run it again.

    >>> import pandas as pd
    >>> posts = pd.DataFrame({"account_id": ["a", "b", "a", "b"], "ts": pd.to_datetime(
    ...     ["2024-01-01 10:00:00", "2024-01-01 10:00:05", "2024-01-02 10:00:00", "2024-01-02 10:00:09"]),
    ...     "urls": [["http://x.org/1"], ["http://x.org/1"], ["http://x.org/2"], ["http://x.org/2"]]})
    >>> r = detect(posts, keep_insignificant=True)
    >>> r.groups.to_pandas()[["group_id", "size"]].values.tolist()
    [[1, 2]]
    """
    if settings:
        config = DetectConfig.from_dict({**(config or DetectConfig()).to_dict(), **settings})
    config = config or DetectConfig()
    engine_options = dict(engine_options or {})
    with stop_on_signals() as on_stop:
        remove_dead_work_dirs()
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-"))
        try:
            with reader_options(encoding=encoding, time_formats=time_formats) if (encoding or time_formats) \
                    else contextlib.nullcontext(), memory_budget(_budget(engine, engine_options)):
                return _detect(inputs, outdir, config, engine, format, column_map, step, command, engine_options,
                               outputs or OutputOptions(), work, on_stop)
        finally:
            cleanup(lambda: shutil.rmtree(work, ignore_errors=True))


def _budget(engine: str | Engine, engine_options: dict[str, Any]) -> str | None:
    """The memory budget of a run: ``engine_options["memory_limit"]``
    (:data:`~inconcert.memory.DEFAULT_BUDGET` when not given), of which DuckDB
    gets :data:`~inconcert.memory.ENGINE_SHARE` (:func:`_engine_options`); an
    engine made by the caller keeps its own limit, which is then the budget;
    None for other engines (:mod:`inconcert.memory`)."""
    if isinstance(engine, DuckDBEngine):
        return engine.memory_limit
    if engine == "duckdb":
        return engine_options.get("memory_limit", DEFAULT_BUDGET)
    return None


def _engine_options(engine: str | Engine, engine_options: dict[str, Any]) -> dict[str, Any]:
    """The keywords the engine is made with: for DuckDB, its ``memory_limit`` is
    its share of the run's budget (:func:`~inconcert.memory.engine_limit`).

    >>> _engine_options("duckdb", {"memory_limit": "4GB"})
    {'memory_limit': '3000MB'}
    """
    if engine != "duckdb":
        return engine_options
    budget = _budget(engine, engine_options)
    return {**engine_options, "memory_limit": engine_limit(budget) if budget else None}


#: Work folders in the temp directory: ``inconcert-<pid>-…`` (the pid lets a later run remove a killed run's).
WORK_PREFIX = "inconcert-"


def remove_dead_work_dirs(tmp: str | Path | None = None) -> list[Path]:
    """Remove the work folders (with their DuckDB spill files) that killed runs left in
    the temp directory; returns them. Folders of running processes are left alone."""
    removed = []
    for p in Path(tmp or tempfile.gettempdir()).glob(f"{WORK_PREFIX}*-*"):
        pid = p.name[len(WORK_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not p.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
            continue
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(p, ignore_errors=True)
        removed.append(p)
    return removed


def _detect(
    inputs: Any,
    outdir: str | Path | None,
    config: DetectConfig,
    engine: str | Engine,
    format: str | None,
    column_map: dict[str, str] | None,
    step: Progress | None,
    command: str,
    engine_options: dict[str, Any],
    opts: OutputOptions,
    work: Path,
    on_stop: Callable[[Callable[[], None]], None],
) -> DetectResult:
    events = as_events(step)
    log = StepLog(events)
    timings: dict[str, float] = {}
    in_memory = outdir is None
    target = work / "result" if outdir is None else Path(outdir)
    own_engine = not isinstance(engine, Engine)
    eng: Engine | None = None
    if own_engine and engine == "duckdb":
        (work / "duckdb-spill").mkdir()
        engine_options.setdefault("temp_directory", str(work / "duckdb-spill"))  # removed with the work folder
    try:
        with ResultSet(target) as rs:
            with log.step("read", None, "records", "rows") as rec, resource_errors("read"):
                paths, labels = _inputs(inputs, work)
                if any(is_remote(p) for p in paths):  # read by Spark on its executors
                    eng = get_engine(engine, **_engine_options(engine, engine_options)) if own_engine else engine  # type: ignore[arg-type]
                    ing = _read_remote(eng, paths, format, column_map, opts)
                else:
                    # a few duplicates are dropped by the engine's view of the file, not by rewriting it
                    ing = ingest(paths, work, format=format, column_map=column_map, sites=config.sites,
                                 defer_duplicates=True)
                if opts.pseudonymise is not None:
                    ps = Pseudonymiser.from_key_file(opts.pseudonymise)
                    ing = ps.ingested(ing, work)
                rec.rows_in, rec.rows_out = ing.rows_read, ing.rows_used
            timings["read"] = rec.seconds
            if eng is None:
                eng = get_engine(engine, **_engine_options(engine, engine_options)) if own_engine else engine  # type: ignore[arg-type]
            log.query_progress = eng.query_progress
            interrupt = _interrupter(eng)
            if interrupt is not None:
                on_stop(interrupt)
            if ing.actions_path is not None:
                eng.register_parquet("actions", ing.actions_path, where=ing.actions_filter)
            for name, path in ing.side.items():  # e.g. the site readers' site_pages, site_ids
                eng.register_parquet(name, path)
            site_run: dict[str, Any] | None = None
            if "site_pages" in ing.side:  # pages in: sites as actors, site behaviours, a window of days
                config, chosen = site_defaults(config)
                site_run = {"defaults_chosen": chosen}
            if ing.rows_used == 0:
                events("no usable rows")
            run = run_detection(eng, config, events, log, all_links=opts.all_evidence)
            timings.update(run.timings)
            if site_run is not None:  # origin and copies, site verdicts, articles/article_copies/trackers.csv
                with resource_errors("outputs"):
                    site_run["counts"] = finish_site_run(eng, config, rs.path, raw_csv=opts.raw_csv, bom=opts.bom)
                    if run.counts.groups_by_verdict is not None:  # the site verdicts replaced the general ones
                        v = eng.to_arrow(verdict_counts_sql("groups")).to_pylist()
                        run = replace(run, counts=replace(run.counts, groups_by_verdict={
                            str(r["verdict"]): int(r["n"]) for r in v}))
            rejects = _redacted_rejects(ing.rejects, labels, opts)
            fast = config.fast_within_s(run.windows or (run.window_used,))
            big = (run.counts.links_stored if run.counts.links_stored is not None else run.counts.links) \
                + run.counts.pairs  # links.parquet and evidence.parquet
            with log.step("outputs", big, "rows", "rows") as rec, resource_errors("outputs"):
                written = write_outputs(eng, rs, ing.accounts, rejects, config.min_weight, run.behaviours,
                                        fast_within_s=fast, raw_csv=opts.raw_csv, bom=opts.bom,
                                        all_evidence=opts.all_evidence or config.coortweet_compatible)
                rec.rows_out = big + sum(t.num_rows for t in (written.groups, written.accounts, written.objects))
            timings["outputs"] = rec.seconds
            inputs_rec = [_input_record(dict(i), labels, opts) for i in ing.inputs]
            summary: dict[str, Any] = {
                "software": _software(),
                **({} if opts.redact_paths else {"command": command}),
                "engine": eng.name,
                "inputs": inputs_rec,
                "read_options": {"format": format, "column_map": dict(column_map or {}), **current_reader_options()},
                "output_options": opts.to_dict(),
                "rows": {
                    "read": ing.rows_read,
                    "used": ing.rows_used,
                    "rejected": ing.rows_rejected,
                    "duplicates": ing.rows_duplicate,
                },
                "parameters": config.to_dict(),
                "window_used": run.window_used,
                "windows": list(run.windows),
                "clock": _shown_clock(run.clock, labels, opts),
                "fast_share_within_s": fast,
                "behaviours": run.behaviours,
                "counts": run.counts.to_dict(),
                "timings": {k: round(v, 3) for k, v in timings.items()},
                "steps": log.to_dict(),
            }
            if opts.pseudonymise is not None:
                summary["pseudonymised"] = ps.record(opts.pseudonymise)
            if site_run is not None:
                summary["site_run"] = site_run
            if run.behaviour_stats:
                summary["behaviour_stats"] = run.behaviour_stats
            if run.null:
                summary["null"] = run.null
            small = budget_warning(current_budget())
            if run.warnings or small:
                summary["warnings"] = [*run.warnings, *([small] if small else [])]
            if opts.report:
                events("report")
                _report_into(rs, summary)
            summary = rs.commit(summary)
            if opts.pseudonymise is not None:
                ps.write_mapping(opts.pseudonymise)
        tables = {"groups": written.groups, "accounts": written.accounts, "objects": written.objects,
                  "rejects": written.rejects}
        if in_memory:
            for name in ("links", "evidence", "posts"):
                tables[name] = pq.read_table(target / RESULT_TABLES[name])
        return DetectResult(
            None if in_memory else target, summary, timings, run.window_used, run.behaviours, run.counts,
            run.behaviour_stats, tables,
        )
    finally:
        if own_engine and eng is not None:
            cleanup(eng.close)


def _read_remote(eng: Engine, paths: list[Any], format: str | None, column_map: dict[str, str] | None,
                 opts: OutputOptions) -> Any:
    """Inputs on object stores or HDFS, read by the Spark engine's own readers
    (:mod:`inconcert.engines.spark_read`)."""
    if eng.name != "spark":
        shown = next(str(p) for p in paths if is_remote(p))
        raise ConfigError(f"{shown}: object-store and HDFS paths are read by --engine spark; "
                          "with DuckDB, copy the file to a local disk first")
    if not all(is_remote(p) for p in paths):
        raise ConfigError("give either local files or object-store/HDFS paths to one run, not both "
                          "(a local file can be named file:///… to be read by Spark too)")
    if opts.pseudonymise is not None:
        raise ConfigError("--pseudonymise reads local files only; run it on local copies")
    return read_remote(eng, [str(p) for p in paths], format, column_map, current_reader_options().get("time_formats", ()))


def _report_into(rs: ResultSet, summary: dict[str, Any]) -> None:
    """Build ``report.html`` from the staged files (it reads a provisional ``summary.json``)."""
    from inconcert.report import build_report

    provisional = rs.staging / "summary.json"
    provisional.write_text(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    try:
        with disk_errors("writing report.html", rs.outdir):
            build_report(rs.staging, rs.path("report.html"))
    finally:
        provisional.unlink(missing_ok=True)


def _shown_path(path: str, labels: dict[str, str], opts: OutputOptions) -> str:
    if path in labels:
        return labels[path]
    return Path(path).name if opts.redact_paths else path


def _input_record(rec: dict[str, Any], labels: dict[str, str], opts: OutputOptions) -> dict[str, Any]:
    """An input as ``summary.json`` records it; a relative path also gets its
    ``resolved`` form, so that ``--replay`` finds it from any folder."""
    path = rec["path"]
    if path in labels:
        rec["table"] = True
    rec["path"] = _shown_path(path, labels, opts)
    if path not in labels and not opts.redact_paths and not Path(path).is_absolute():
        rec["resolved"] = str(Path(path).resolve())
    return rec


def _replay_input(rec: dict[str, Any], summary: Path) -> str:
    """The file a recorded input names: its ``resolved`` path if it is there,
    else its path as given (relative to the current folder)."""
    for candidate in (rec.get("resolved"), rec["path"]):
        if candidate and Path(candidate).exists():
            return str(candidate)
    where = f" (resolved: {rec['resolved']})" if rec.get("resolved") else ""
    raise ConfigError(
        f"{summary}: its input {rec['path']}{where} is not there: move it back, or run --replay from the "
        "folder the detection ran in"
    )


def _redacted_rejects(rejects: pa.Table, labels: dict[str, str], opts: OutputOptions) -> pa.Table:
    """``rejects`` with sources shown as in ``summary.json`` and, when pseudonymised, no raw records."""
    if "source" in rejects.column_names and rejects.num_rows and (labels or opts.redact_paths):
        shown = [None if v is None else _shown_path(v, labels, opts) for v in rejects.column("source").to_pylist()]
        rejects = rejects.set_column(rejects.schema.get_field_index("source"), "source", pa.array(shown, pa.string()))
    if opts.pseudonymise is not None and "record" in rejects.column_names:
        i = rejects.schema.get_field_index("record")
        rejects = rejects.set_column(i, rejects.schema.field(i), pa.nulls(rejects.num_rows, rejects.schema.field(i).type))
    return rejects


def _shown_clock(clock: dict[str, Any], labels: dict[str, str], opts: OutputOptions) -> dict[str, Any]:
    """The clock summary with its sources shown as the inputs are (:func:`_shown_path`:
    a table's label; with ``--redact-paths`` only file names).

    >>> _shown_clock({"by_source": {"/home/x/posts.csv": 1.0}}, {}, OutputOptions(redact_paths=True))["by_source"]
    {'posts.csv': 1.0}
    """
    if not clock:
        return clock
    out = dict(clock)
    if "by_source" in out:
        out["by_source"] = {_shown_path(str(k), labels, opts): v for k, v in out["by_source"].items()}
    if "detail" in out:
        out["detail"] = [{**d, "source": _shown_path(str(d.get("source", "")), labels, opts)} for d in out["detail"]]
    return out


def replay(
    summary: str | Path,
    outdir: str | Path,
    engine: str | Engine | None = None,
    step: Progress | None = None,
    command: str = "",
    engine_options: dict[str, Any] | None = None,
    outputs: OutputOptions | None = None,
) -> DetectResult:
    """Run again the detection a ``summary.json`` records: the same inputs, read
    options and settings (and engine, unless ``engine`` is given) give the same files.
    """
    p = Path(summary)
    s = read_settings_file(p, "json")
    if not isinstance(s, dict) or "parameters" not in s or not s.get("inputs"):
        raise ConfigError(f"{p}: not a summary.json of a detection (no parameters or inputs)")
    if any(i.get("table") for i in s["inputs"]):
        raise ConfigError(f"{p}: this detection read in-memory tables; pass them to detect() again")
    opts = s.get("read_options") or {}
    return detect(
        [_replay_input(i, p) for i in s["inputs"]],
        outdir,
        DetectConfig.from_dict(s["parameters"]),
        engine=engine or s.get("engine", "duckdb"),
        format=opts.get("format"),
        column_map=opts.get("column_map") or None,
        encoding=opts.get("encoding"),
        time_formats=tuple(opts.get("time_formats") or ()),
        step=step,
        command=command,
        engine_options=engine_options,
        outputs=outputs or OutputOptions(**{k: v for k, v in (s.get("output_options") or {}).items()
                                            if k in ("raw_csv", "bom", "report", "redact_paths", "all_evidence")}),
    )
