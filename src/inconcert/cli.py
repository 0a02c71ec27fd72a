"""The ``inconcert`` command line: a thin layer over the library.

Each command calls one public function; library errors become one-line
messages (exit code 2) that say how to fix the problem.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shlex
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from inconcert import __version__
from inconcert.config import DetectConfig
from inconcert.engines.registry import engine_names
from inconcert.errors import ConfigError, InconcertError
from inconcert.evaluate import evaluate_verdicts
from inconcert.personas.cli import personas_command
from inconcert.report.cli import report_command

__all__ = ["main"]

console = Console(stderr=True)
out = Console()


def _friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn library errors into ``error: …`` and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InconcertError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted: no output file was left half-written", err=True)
            sys.exit(130)
        except OSError as e:
            click.echo(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
            sys.exit(2)

    return wrapper


def _parse_map(values: tuple[str, ...]) -> dict[str, str]:
    mapping = {}
    for v in values:
        if "=" not in v:
            raise click.BadParameter(f"'{v}' should look like FIELD=COLUMN, e.g. account_id=user", param_hint="--map")
        k, c = v.split("=", 1)
        mapping[k.strip()] = c.strip()
    return mapping


#: What to try for the commonest reject reasons (matched by prefix).
_REJECT_HINTS = (
    ("unparseable timestamp", "name the time format with --time-format, e.g. --time-format '%d.%m.%Y %H:%M'"),
    ("missing timestamp", "name the time column with --map ts=COLUMN"),
    ("empty account_id", "name the account column with --map account_id=COLUMN"),
    ("malformed CSV line: INVALID ENCODING", "give the file's encoding with --encoding, e.g. --encoding cp1252"),
    ("expected ", "check the delimiter and quoting (a semicolon or tab file is sniffed from its header)"),
    ("invalid JSON", "check that the file is JSON Lines (one object per line) or force --format"),
    ("timestamp out of range", "check the time column: numbers are read as unix seconds, ms or µs"),
)


def input_warnings(summary: dict[str, Any]) -> list[str]:
    """Warnings about the input for the terminal: no rows, most rows rejected, files not read.

    >>> input_warnings({"rows": {"read": 10, "used": 1, "rejected": 9},
    ...                 "inputs": [{"path": "p.csv", "reject_reasons": {"unparseable timestamp: x": 9}}]})[0]
    "9 of 10 rows (90%) were rejected; most often: 'unparseable timestamp: x' (9). Try: name the time format with --time-format, e.g. --time-format '%d.%m.%Y %H:%M'. Details in rejects.csv"
    """
    rows = summary.get("rows", {})
    lines = [f"{i['path']}: not read: {i['error']}" for i in summary.get("inputs", []) if i.get("error")]
    read, rejected = rows.get("read", 0), rows.get("rejected", 0)
    if read == 0:
        lines.append("0 rows: the input holds no records (only a header?)")
    elif rejected * 2 > read:
        reasons: dict[str, int] = {}
        for i in summary.get("inputs", []):
            for r, n in i.get("reject_reasons", {}).items():
                reasons[r] = reasons.get(r, 0) + n
        top = max(reasons, key=lambda r: (reasons[r], r)) if reasons else ""
        hint = next((h for prefix, h in _REJECT_HINTS if top.startswith(prefix)), "")
        lines.append(
            f"{rejected:,} of {read:,} rows ({rejected / read:.0%}) were rejected; most often: "
            f"'{top[:80]}' ({reasons.get(top, 0):,}). " + (f"Try: {hint}. " if hint else "") + "Details in rejects.csv"
        )
    return lines


STEPS = ("read", "traces", "pairs", "links", "scoring", "groups", "verdicts", "outputs")


@contextlib.contextmanager
def _steps() -> Iterator[Callable[[str], None]]:
    """A rich progress bar over the pipeline's named steps (on stderr)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]{task.description:<8}"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as progress:
        task = progress.add_task("read", total=len(STEPS))
        seen: list[str] = []

        def step(name: str) -> None:
            if name in STEPS and name not in seen:
                seen.append(name)
                progress.update(task, description=name, completed=STEPS.index(name))

        yield step
        progress.update(task, completed=len(STEPS))


def _print_summary(summary: dict[str, Any], outdir: Path) -> None:
    rows = summary["rows"]
    counts = summary["counts"]
    out.print(
        f"[bold]inconcert[/bold] read {rows['read']:,} rows "
        f"({rows['used']:,} used, {rows['rejected']:,} rejected) · behaviours: "
        f"{', '.join(summary['behaviours']) or 'none'} · window {summary['window_used']:g}s"
    )
    out.print(
        f"{counts['pairs']:,} co-action pairs → {counts['links']:,} account links "
        f"({counts['links_passing']:,} pass) → [bold]{counts['groups']:,} groups[/bold] "
        f"with {counts['accounts_in_groups']:,} accounts"
        + (f" ({counts['accounts_joined_pooled']:,} on pooled evidence)" if counts.get("accounts_joined_pooled") else "")
        + (
            " (" + ", ".join(f"{n} {v}" for v, n in counts["groups_by_verdict"].items()) + ")"
            if counts.get("groups_by_verdict")
            else ""
        )
    )
    groups_csv = outdir / "groups.csv"
    if counts["groups"] and groups_csv.exists():
        import csv

        with open(groups_csv, newline="", encoding="utf-8") as fh:
            groups = list(csv.DictReader(fh))
        t = Table(title="Top groups", show_lines=False)
        for col in ("group", "size", "verdict", "behaviours", "objects", "span (h)", "top object"):
            t.add_column(col)
        for g in groups[:10]:
            top = (g.get("top_objects") or "").split(" | ")[0]
            t.add_row(
                g["group_id"],
                g["size"],
                g.get("verdict") or "-",
                g.get("behaviours", ""),
                g.get("objects", ""),
                f"{float(g.get('span_s') or 0) / 3600:.1f}",
                top[:60],
            )
        out.print(t)
    out.print(f"outputs in [bold]{outdir}[/bold] (groups.csv, accounts.csv, evidence.parquet, graph.gexf …)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inconcert")
def main() -> None:
    """Find who acts in concert: coordinated accounts and the evidence."""


#: ``detect`` options that are settings: option name → path of the DetectConfig field.
SETTING_FLAGS = {
    "window": ("window",),
    "behaviours": ("behaviours",),
    "min_participation": ("min_participation",),
    "min_weight": ("min_weight",),
    "weight_percentile": ("weight_percentile",),
    "communities": ("communities",),
    "resolution": ("resolution",),
    "seed": ("seed",),
    "fdr": ("fdr",),
    "keep_insignificant": ("keep_insignificant",),
    "no_pooled": ("pooled",),
    "near_text_threshold": ("near_text", "threshold"),
    "semantic_threshold": ("semantic_text", "threshold"),
    "coortweet_compatible": ("coortweet_compatible",),
}


def _setting_value(name: str, value: Any) -> Any:
    if name == "window":
        if value == "auto":
            return "auto"
        try:
            return float(value)
        except ValueError:
            raise click.BadParameter("give a number of seconds or 'auto'", param_hint="--window") from None
    if name == "behaviours":
        return [b.strip() for b in value.split(",") if b.strip()] or None
    if name == "no_pooled":
        return not value
    return value


def _settings(ctx: click.Context, config_file: Path | None) -> DetectConfig:
    """The settings file (if any), overridden by the setting flags given on the command line."""
    settings = DetectConfig.from_file(config_file).to_dict() if config_file else {}
    for name, path in SETTING_FLAGS.items():
        if ctx.get_parameter_source(name) in (None, click.core.ParameterSource.DEFAULT):
            continue
        value = _setting_value(name, ctx.params[name])
        if len(path) == 1:
            settings[path[0]] = value
        else:
            settings.setdefault(path[0], {})[path[1]] = value
    return DetectConfig.from_dict(settings)


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), help="Folder for the outputs.")
@click.option("--window", default="60", show_default=True, help="Seconds within which co-actions count (or 'auto').")
@click.option("--behaviours", default=None, help="Comma-separated behaviours (default: all the input has data for).")
@click.option("--min-participation", default=2, show_default=True, type=int, help="Actions (and co-actions) an account needs.")
@click.option("--min-weight", default=2, show_default=True, type=int, help="Distinct co-acted objects a link needs.")
@click.option("--weight-percentile", default=None, type=float, help="Also require link weight ≥ this percentile (0–100).")
@click.option("--communities", type=click.Choice(["leiden", "components"]), default="leiden", show_default=True)
@click.option("--resolution", default=0.05, show_default=True, type=float, help="Leiden CPM resolution (minimum group density).")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--fdr", default=0.01, show_default=True, type=float, help="False discovery rate for link significance.")
@click.option("--keep-insignificant", is_flag=True, help="Group links even when the null model does not find them significant.")
@click.option("--no-pooled", is_flag=True, help="Do not attach accounts to groups on pooled evidence (links each too weak, significant together).")
@click.option("--near-text-threshold", type=float, default=None, help="Jaccard similarity for near_text (default 0.5).")
@click.option("--semantic-threshold", type=float, default=None, help="Cosine similarity for semantic_text (default 0.7).")
@click.option("--coortweet-compatible", is_flag=True, help="Reproduce CooRTweet 2.1.3 detect_groups share pairs exactly.")
@click.option("--format", "fmt", default=None, help="Force the input format (see `inconcert formats`).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Name the column for a field, e.g. account_id=user (implies --format generic).")
@click.option("--encoding", default=None, help="Text encoding of the inputs, e.g. cp1252 (default: UTF-8, else detected).")
@click.option("--time-format", "time_formats", multiple=True, metavar="PATTERN", help="strftime pattern of the time column, e.g. '%d.%m.%Y %H:%M' (repeatable; generic tables).")
@click.option("--engine", type=click.Choice(engine_names()), default="duckdb", show_default=True)
@click.option("--memory-limit", default=None, help="DuckDB memory limit, e.g. 4GB (spills to disk beyond).")
@click.option("--spark-master", default=None, help="Spark master URL (with --engine spark), e.g. local[2] or yarn.")
@click.option("--spark-conf", multiple=True, metavar="KEY=VALUE", help="Spark configuration (repeatable).")
@click.option("--report", "with_report", is_flag=True, help="Also write report.html into the output folder.")
@click.option("--config", "config_file", default=None, type=click.Path(path_type=Path),
              help="Settings from a TOML file (see docs/settings.md); flags given here override it.")
@click.option("--replay", "replay_file", default=None, type=click.Path(path_type=Path),
              help="Run again the detection an output's summary.json records (same inputs and settings).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.pass_context
@_friendly
def detect(
    ctx: click.Context,
    inputs: tuple[Path, ...],
    outdir: Path,
    window: str,
    behaviours: str | None,
    min_participation: int,
    min_weight: int,
    weight_percentile: float | None,
    communities: str,
    resolution: float,
    seed: int,
    fdr: float,
    keep_insignificant: bool,
    no_pooled: bool,
    near_text_threshold: float | None,
    semantic_threshold: float | None,
    coortweet_compatible: bool,
    fmt: str | None,
    maps: tuple[str, ...],
    encoding: str | None,
    time_formats: tuple[str, ...],
    engine: str,
    memory_limit: str | None,
    spark_master: str | None,
    spark_conf: tuple[str, ...],
    with_report: bool,
    config_file: Path | None,
    replay_file: Path | None,
    quiet: bool,
) -> None:
    """Read INPUTS (posts files in any supported format) and write coordinated
    groups with their evidence into OUTPUT.

    Example: inconcert detect posts.csv -o out/ --window 60
    (or: --config settings.toml; or --replay old_out/summary.json, without INPUTS)
    """
    from inconcert.pipeline import detect as run
    from inconcert.pipeline import replay

    if replay_file is not None:
        flag = {p.name: max(p.opts, key=len) for p in ctx.command.params}
        given = [flag[n] for n in (*SETTING_FLAGS, "config_file", "fmt", "maps", "encoding", "time_formats")
                 if ctx.get_parameter_source(n) not in (None, click.core.ParameterSource.DEFAULT)]
        if inputs or given:
            raise click.UsageError("--replay runs the recorded inputs and settings: give no INPUTS"
                                   + (f" and none of {', '.join(given)}" if given else ""))
    elif not inputs:
        raise click.UsageError("give INPUTS (posts files), or --replay SUMMARY.json")
    config = None if replay_file is not None else _settings(ctx, config_file)
    engine_options: dict[str, Any] = {}
    if engine == "duckdb" and memory_limit:
        from inconcert.engines.duckdb_engine import check_memory_limit

        engine_options["memory_limit"] = check_memory_limit(memory_limit)
    if engine == "spark":
        from inconcert.engines.spark_session import spark_options_from_cli

        engine_options.update(spark_options_from_cli(spark_master, spark_conf))
    command = "inconcert " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    started = time.perf_counter()

    def go(step: Callable[[str], None] | None) -> Any:
        if replay_file is not None:
            return replay(replay_file, outdir, engine if ctx.get_parameter_source("engine")
                          == click.core.ParameterSource.COMMANDLINE else None,
                          step=step, command=command, engine_options=engine_options)
        return run(list(inputs), outdir, config, engine=engine, format=fmt, column_map=_parse_map(maps),
                   command=command, engine_options=engine_options, step=step)

    from inconcert.ingest import reader_options

    with reader_options(encoding=encoding, time_formats=time_formats):
        if quiet:
            result = go(None)
        else:
            with _steps() as step:
                result = go(step)
    if with_report:
        from inconcert.report import build_report

        build_report(outdir, outdir / "report.html")
    if not quiet:
        _print_summary(result.summary, outdir)
        out.print(f"done in {time.perf_counter() - started:.1f}s")
        for line in input_warnings(result.summary):
            console.print(f"[yellow]warning:[/yellow] {line}")


@main.command()
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path))
@click.option("--posts", default=20_000, show_default=True, type=int, help="Approximate number of posts.")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--scenarios", default="none", show_default=True,
              help="Worlds to simulate: all (viral, automation, slow_burn, camouflage), held_out (big_campaign, "
                   "focused, slow_copypaste, slow_links, feeds, retweets_full, duplicates, minute_clock, memes), "
                   "none, or a comma list of names.")
@click.option("--truncate-to", "truncate", type=click.Choice(["minute", "hour"]), default=None,
              help="Floor every timestamp to the minute or hour, as coarse-clock exports do.")
@_friendly
def simulate(outdir: Path, posts: int, seed: int, scenarios: str, truncate: str | None) -> None:
    """Write simulated posts.csv and labels.csv with planted coordinated operations."""
    from inconcert.simulate import simulate_to_dir

    counts = simulate_to_dir(outdir, n_posts=posts, seed=seed, scenarios=_scenarios(scenarios), truncate=truncate)
    out.print(
        f"wrote {counts['posts']:,} posts by {counts['accounts']:,} accounts "
        f"({counts['operation_accounts']:,} in planted operations, {counts['automation_accounts']:,} "
        f"news-feed automation) to {outdir}/posts.csv and labels.csv"
    )


def _scenarios(value: str) -> tuple[str, ...]:
    from inconcert.simulate import parse_scenarios

    try:
        return parse_scenarios(value)
    except ConfigError as e:
        raise click.BadParameter(str(e), param_hint="--scenarios") from e


@main.command()
@click.argument("outdir", type=click.Path(path_type=Path))
@click.option("--labels", required=True, type=click.Path(path_type=Path), help="CSV with account_id,label[,group].")
@_friendly
def evaluate(outdir: Path, labels: Path) -> None:
    """Compare a detection output folder with known labels; prints JSON."""
    from inconcert.evaluate import evaluate as run

    result = run(outdir, labels)
    result["verdicts"] = evaluate_verdicts(outdir, labels)
    click.echo(json.dumps(result, indent=2))


@main.command()
@click.option("--posts", default=20_000, show_default=True, type=int)
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--scenarios", default="all", show_default=True, help="Harder cases to plant (see `inconcert simulate`).")
@click.option("-o", "--output", "outdir", default=None, type=click.Path(path_type=Path), help="Keep the outputs here (default: a temporary folder).")
@_friendly
def demo(posts: int, seed: int, scenarios: str, outdir: Path | None) -> None:
    """Simulate data with planted networks, detect them, and show what was found."""
    from inconcert.pipeline import detect as run
    from inconcert.simulate import simulate_to_dir

    base = outdir or Path(tempfile.mkdtemp(prefix="inconcert-demo-"))
    started = time.perf_counter()
    counts = simulate_to_dir(base / "data", n_posts=posts, seed=seed, scenarios=_scenarios(scenarios))
    out.print(
        f"simulated {counts['posts']:,} posts by {counts['accounts']:,} accounts: "
        f"{counts['operation_accounts']:,} in planted operations, {counts['automation_accounts']:,} "
        f"news-feed automation, the rest organic (with viral bursts shared by thousands)"
    )
    with _steps() as step:
        result = run([base / "data" / "posts.csv"], base / "out", DetectConfig(seed=seed),
                     command=f"inconcert demo --posts {posts} --seed {seed}", step=step)
    _print_summary(result.summary, base / "out")
    v = evaluate_verdicts(base / "out", base / "data" / "labels.csv")
    out.print(
        f"against the planted truth: operations found with precision {v['operation_precision']:.3f}, "
        f"recall {v['operation_recall']:.3f}, F1 {v['operation_f1']:.3f}; organic accounts flagged "
        f"{v['organic_flagged']:,} of {v['organic_accounts']:,}; automation accounts called operation "
        f"{v['automation_called_operation']} of {v['automation_accounts']}"
    )
    try:
        from inconcert.report import build_report

        build_report(base / "out", base / "out" / "report.html")
        out.print(f"report: {base / 'out' / 'report.html'}")
    except Exception as e:  # the report is a bonus in the demo
        console.print(f"(report not written: {e})")
    out.print(f"done in {time.perf_counter() - started:.1f}s · files in {base}")


@main.command()
def formats() -> None:
    """List the input formats inconcert reads."""
    from inconcert.readers import READERS

    for name, r in sorted(READERS.items()):
        out.print(f"[bold]{name}[/bold]: {r.description}")


@main.command()
def behaviours() -> None:
    """List the behaviours inconcert detects."""
    from inconcert.behaviours import BEHAVIOURS

    for name, b in BEHAVIOURS.items():
        flag = " (opt-in)" if b.opt_in else ""
        out.print(f"[bold]{name}[/bold]{flag}: {b.description}")


main.add_command(report_command, "report")  # the report command lives with the report package
main.add_command(personas_command, "personas")  # the personas command lives with its package
