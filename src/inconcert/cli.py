"""The ``inconcert`` command line: a thin layer over the library.

Each command calls one public function; library errors become one-line
messages (exit code 2) that say how to fix the problem.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shlex
import sys
import tempfile
import time
import warnings
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
        except KeyboardInterrupt as e:
            click.echo("interrupted: the output folder keeps its previous complete result set (or none)",
                       err=True)
            sys.exit(128 + getattr(e, "signum", 2))
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
    lines += [f"{Path(i['path']).name}: {w}" for i in summary.get("inputs", []) for w in i.get("warnings", [])]
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


@contextlib.contextmanager
def _steps() -> Iterator[Callable[[str], None]]:
    """The progress display over the pipeline's steps (on stderr): rows done / rows
    total and an estimate for the running step, a line per finished one."""
    from inconcert.cli_progress import rich_steps

    with rich_steps(console) as steps:
        yield steps


def _print_summary(summary: dict[str, Any], outdir: Path) -> None:
    rows = summary["rows"]
    counts = summary["counts"]
    out.print(
        f"[bold]inconcert[/bold] read {rows['read']:,} rows "
        f"({rows['used']:,} used, {rows['rejected']:,} rejected, {rows.get('duplicates', 0):,} duplicates "
        f"dropped) · behaviours: "
        f"{', '.join(summary['behaviours']) or 'none'} · windows "
        f"{', '.join(f'{w:g}' for w in summary.get('windows') or [summary['window_used']])} s"
    )
    clock = summary.get("clock")
    if clock:
        per = {f"{Path(s).name}: {v:g} s" for s, v in clock["by_source"].items()}
        out.print(
            f"clock: timestamps tick in {clock['clock']}s ({clock['resolution_s']:g} s)"
            + (f" · {', '.join(sorted(per))}" if len(per) > 1 else "")
        )
    for w in summary.get("warnings", []):
        out.print(f"[yellow]warning:[/yellow] {w}")
    out.print(
        f"{counts['pairs']:,} co-action pairs → {counts['links']:,} account links "
        f"({counts['links_passing']:,} pass) → "
        + (f"{counts['networks']:,} networks → " if "networks" in counts else "")
        + f"[bold]{counts['groups']:,} groups[/bold] "
        f"with {counts['accounts_in_groups']:,} accounts"
        + (f" ({counts['accounts_joined_pooled']:,} on pooled evidence)" if counts.get("accounts_joined_pooled") else "")
        + (f" ({counts['accounts_joined_amplified']:,} amplified by their group)"
           if counts.get("accounts_joined_amplified") else "")
        + (
            " (" + ", ".join(f"{n} {v}" for v, n in counts["groups_by_verdict"].items()) + ")"
            if counts.get("groups_by_verdict")
            else ""
        )
    )
    groups_csv = outdir / "groups.csv"
    if counts["groups"] and groups_csv.exists():
        from inconcert.outputs.csvfile import read_csv_rows
        from inconcert.report.data.ranking import rank_csv_groups

        groups = rank_csv_groups(list(read_csv_rows(groups_csv)))  # the report's order
        # a file or pipe gets 80 columns from rich unless COLUMNS says otherwise: too narrow to
        # read the objects, so the table takes 120 there (a terminal keeps its own width)
        wide = out.is_terminal or "COLUMNS" in os.environ
        target = out if wide else Console(file=out.file, width=max(out.width, 120))
        print_top_groups(target, groups[:10])
    elif not counts["groups"]:
        for line in nothing_found_hint(summary, outdir):
            out.print(line)
    out.print(f"outputs in [bold]{outdir}[/bold] (groups.csv, accounts.csv, evidence.parquet, graph.gexf …)")


def print_top_groups(target: Console, groups: list[dict[str, str]]) -> None:
    """Print the top groups: the short columns (group, size, p, verdict) never wrap or
    shorten (a verdict cut to "operati…" says nothing); the others fold into the width
    left, and below 100 columns the objects and span columns are left out (they are in
    groups.csv and the report)."""
    from inconcert.format import format_p

    cols = ["group", "size", "p", "verdict", "behaviours", "objects", "span (h)", "top object"]
    if target.width < 100:
        cols = [c for c in cols if c not in ("objects", "span (h)")]
    t = Table(title="Top groups (as in the report: networks by their most significant group, a network's groups together)",
              show_lines=False)
    for col in cols:
        short = col in ("group", "size", "p", "verdict")
        t.add_column(col, no_wrap=short, overflow="ellipsis" if short else "fold")
    for g in groups:
        top = (g.get("top_objects") or "").split(" | ")[0]
        cell = {
            "group": g["group_id"],
            "size": g["size"],
            "p": format_p(g.get("p_value")) or "-",
            "verdict": g.get("verdict") or "-",
            "behaviours": g.get("behaviours", ""),
            "objects": g.get("objects", ""),
            "span (h)": f"{float(g.get('span_s') or 0) / 3600:.1f}",
            "top object": top[:60],
        }
        t.add_row(*(cell[c] for c in cols))
    target.print(t)


def nothing_found_hint(summary: dict[str, Any], outdir: Path) -> list[str]:
    """Why a run found no group, and what to try (printed after a run with 0 groups).

    >>> nothing_found_hint({"counts": {"pairs": 0, "links": 0}, "rows": {"used": 10}}, Path("."))[0]
    'No group: no two accounts acted on the same object within the windows tested.'
    """
    counts, used = summary.get("counts", {}), summary.get("rows", {}).get("used", 0)
    if not used:
        return ["No group: no usable rows (see rejects.csv and the reasons above)."]
    if not counts.get("pairs"):
        return [
            "No group: no two accounts acted on the same object within the windows tested.",
            "Try: check that the columns were mapped (--map FIELD=COLUMN), that the behaviours "
            "you need have data (inconcert behaviours), or a wider --window.",
        ]
    best = None
    links = outdir / "links.parquet"
    if links.exists():
        import pyarrow.parquet as pq

        cols = pq.read_schema(links).names
        if "p_value" in cols:
            t = pq.read_table(links, columns=["p_value", "weight"]).to_pylist()
            best = min(t, key=lambda r: (r["p_value"] if r["p_value"] is not None else 2.0, -r["weight"]), default=None)
    lines = [
        f"No group: {counts.get('links', 0):,} account pairs co-acted, but none often enough to be "
        f"significant at the false discovery rate {summary.get('parameters', {}).get('fdr', 0.01)}."
    ]
    if best is not None and best["p_value"] is not None:
        from inconcert.format import format_p

        lines.append(
            f"The strongest link rests on {best['weight']} co-acted objects (p {format_p(best['p_value'])}): "
            "chance explains that much co-action among accounts this active."
        )
    lines.append(
        "Try: a longer collection (more repeated co-actions), --keep-insignificant to inspect the links "
        "anyway, or a looser --fdr (e.g. 0.05); links.parquet has every link on two objects or more "
        "with its p-value (--all-evidence: every link)."
    )
    return lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="inconcert")
def main() -> None:
    """Find who acts in concert: coordinated accounts and the evidence."""
    # the library's own warnings reach the terminal as the CLI's lines (``summary.json``
    # ``warnings``), not a second time as Python's "file:line: UserWarning" text
    warnings.filterwarnings("ignore", category=UserWarning, module=r"inconcert(\.|$)")


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
    "extract": ("sites", "extract"),
    "workers": ("sites", "workers"),
}


def _setting_value(name: str, value: Any) -> Any:
    if name == "window":
        if value in ("auto", "ladder"):
            return value
        try:
            return float(value)
        except ValueError:
            raise click.BadParameter("give a number of seconds, 'ladder' or 'auto'", param_hint="--window") from None
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
@click.option("--window", default="ladder", show_default=True, help="'ladder': test every window of 10 s, 1 min, 10 min, 1 h, 6 h (each against its own null); a number of seconds fixes one window; 'auto' estimates one.")
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
@click.option("--extract", type=click.Choice(["auto", "fast", "precise", "raw"]), default="auto", show_default=True,
              help="Web pages: how the article body is taken out of its page (fast: resiliparse, precise: trafilatura, raw: no boilerplate removal).")
@click.option("--workers", type=int, default=None, help="Web pages: processes extracting pages (default: one per CPU).")
@click.option("--format", "fmt", default=None, help="Force the input format (see `inconcert formats`).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Name the column for a field, e.g. account_id=user (implies --format generic).")
@click.option("--encoding", default=None, help="Text encoding of the inputs, e.g. cp1252 (default: UTF-8, else detected).")
@click.option("--time-format", "time_formats", multiple=True, metavar="PATTERN", help="strftime pattern of the time column, e.g. '%d.%m.%Y %H:%M' (repeatable; generic tables).")
@click.option("--engine", type=click.Choice(engine_names()), default="duckdb", show_default=True)
@click.option("--memory-limit", default=None, help="The run's memory budget, e.g. 4GB (default): DuckDB gets 75 % and spills to disk beyond.")
@click.option("--spark-master", default=None, help="Spark master URL (with --engine spark), e.g. local[2] or yarn.")
@click.option("--spark-conf", multiple=True, metavar="KEY=VALUE", help="Spark configuration (repeatable).")
@click.option("--report", "with_report", is_flag=True, help="Also write report.html into the output folder.")
@click.option("--excel", is_flag=True, help="Write CSVs as UTF-8 with a byte-order mark, so Excel reads accents, Arabic and emoji.")
@click.option("--raw-csv", is_flag=True, help="Write CSV cells that start with = + - @ as they are (by default they get a leading ').")
@click.option("--pseudonymise", "pseudonymise", default=None, type=click.Path(path_type=Path), metavar="KEYFILE",
              help="Replace account ids, names and handles by keyed hashes (key created if missing; see docs/reliability.md).")
@click.option("--redact-paths", is_flag=True, help="Record only the file names of the inputs, and not the command line.")
@click.option("--all-evidence", is_flag=True, help="Write every share pair to evidence.parquet and every link to links.parquet (default: the pairs behind links that pass and inside groups; the links on two objects or more, the only ones the null model can find significant).")
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
    extract: str,
    workers: int | None,
    fmt: str | None,
    maps: tuple[str, ...],
    encoding: str | None,
    time_formats: tuple[str, ...],
    engine: str,
    memory_limit: str | None,
    spark_master: str | None,
    spark_conf: tuple[str, ...],
    with_report: bool,
    excel: bool,
    raw_csv: bool,
    pseudonymise: Path | None,
    redact_paths: bool,
    all_evidence: bool,
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
    from inconcert.outputs.options import OutputOptions

    options = OutputOptions(raw_csv=raw_csv, bom=excel, report=with_report, redact_paths=redact_paths,
                            pseudonymise=pseudonymise, all_evidence=all_evidence)
    command = "inconcert " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    started = time.perf_counter()

    def go(step: Callable[[str], None] | None) -> Any:
        if replay_file is not None:
            return replay(replay_file, outdir, engine if ctx.get_parameter_source("engine")
                          == click.core.ParameterSource.COMMANDLINE else None,
                          step=step, command=command, engine_options=engine_options, outputs=options)
        return run(list(inputs), outdir, config, engine=engine, format=fmt, column_map=_parse_map(maps),
                   command=command, engine_options=engine_options, step=step, outputs=options)

    from inconcert.ingest import reader_options

    with reader_options(encoding=encoding, time_formats=time_formats):
        if quiet:
            result = go(None)
        else:
            with _steps() as step:
                result = go(step)
    if not quiet:
        _print_summary(result.summary, outdir)
        if with_report:  # written into the result set by detect
            out.print(f"report: [bold]{outdir / 'report.html'}[/bold] (open it in a browser; it works offline)")
        out.print(f"done in {time.perf_counter() - started:.1f}s")
        for line in input_warnings(result.summary):
            console.print(f"[yellow]warning:[/yellow] {line}")


@main.command()
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path))
@click.option("--posts", default=20_000, show_default=True, type=int,
              help="Approximate number of posts: of the base world, to which the `all` scenarios add their own "
                   "(about 2× in all at 20,000, 3× at 200,000); held-out and attack worlds share it, each "
                   "with a floor of about 6,000. The line written says how many.")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--scenarios", default="none", show_default=True,
              help="Worlds to simulate: all (viral, automation, slow_burn, camouflage), held_out (big_campaign, "
                   "focused, slow_copypaste, slow_links, feeds, retweets_full, duplicates, minute_clock, memes, mixed), attacks (camouflage_heavy, tiny_ops, edited_copies, short_copies, daily, fans, organic_bursts), "
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
@click.option("--json", "as_json", is_flag=True, help="Print the measures as JSON (for scripts) instead of in words.")
@_friendly
def evaluate(outdir: Path, labels: Path, as_json: bool) -> None:
    """Compare a detection output folder with known labels: precision, recall, F1,
    false positives, and what the verdicts called each kind of account."""
    from inconcert.evaluate import evaluate as run

    result = run(outdir, labels)
    result["verdicts"] = evaluate_verdicts(outdir, labels)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    for line in _evaluation_lines(result):
        out.print(line, highlight=False)


def _evaluation_lines(r: dict[str, Any]) -> list[str]:
    """:func:`evaluate`'s measures in words, one line each.

    >>> _evaluation_lines({"accounts_labelled": 10, "operation_accounts": 4, "flagged_accounts": 5,
    ...     "true_positives": 4, "false_positives": 1, "false_negatives": 0, "precision": 0.8, "recall": 1.0,
    ...     "f1": 0.8889, "organic_false_positive_rate": 0.1667, "adjusted_rand_index": 0.5,
    ...     "verdicts": {"operation_precision": 1.0, "operation_recall": 1.0, "operation_f1": 1.0,
    ...     "organic_accounts": 6, "organic_flagged": 0, "automation_accounts": 0,
    ...     "automation_called_operation": 0, "automation_called_automation": 0,
    ...     "groups_by_verdict": {"operation": 1, "weak": 1}}})[1]
    'accounts in any group: 5 (4 of planted operations, 1 others, 0 operation accounts missed): precision 0.800, recall 1.000, F1 0.889'
    """
    v = r.get("verdicts") or {}
    by = ", ".join(f"{n:,} {k}" for k, n in sorted((v.get("groups_by_verdict") or {}).items())) or "none"
    ari = r.get("adjusted_rand_index")
    return [
        f"labels: {r['accounts_labelled']:,} accounts, {r['operation_accounts']:,} in planted operations",
        f"accounts in any group: {r['flagged_accounts']:,} ({r['true_positives']:,} of planted operations, "
        f"{r['false_positives']:,} others, {r['false_negatives']:,} operation accounts missed): precision {r['precision']:.3f}, "
        f"recall {r['recall']:.3f}, F1 {r['f1']:.3f}",
        f"organic accounts in any group: {r['organic_false_positive_rate']:.2%}"
        + ("" if ari is None else f"; planted groups recovered, adjusted Rand index {ari:.3f}"),
        f"accounts in groups called operation: precision {v.get('operation_precision', 0):.3f}, "
        f"recall {v.get('operation_recall', 0):.3f}, F1 {v.get('operation_f1', 0):.3f}; organic flagged "
        f"{v.get('organic_flagged', 0):,} of {v.get('organic_accounts', 0):,} (groups not called weak)",
        f"automation accounts: {v.get('automation_accounts', 0):,}, called operation "
        f"{v.get('automation_called_operation', 0):,}, called automation {v.get('automation_called_automation', 0):,}",
        f"groups by verdict: {by}",
        "(--json prints every measure for scripts)",
    ]


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
    from inconcert.config import NEAR_TEXT_MAX_TEXTS
    from inconcert.sites.networks import SITE_BEHAVIOURS

    def flag(name: str, opt_in: bool) -> str:
        if name == "near_text":  # on by default in place of exact `text` (pipeline.stages.near_text_by_default)
            return f" (default instead of text for inputs of at most {NEAR_TEXT_MAX_TEXTS:,} texts)"
        if name in SITE_BEHAVIOURS and opt_in:
            return " (default for pages: HTML, WARC, article tables)"
        return " (opt-in)" if opt_in else ""

    for name, b in BEHAVIOURS.items():
        out.print(f"[bold]{name}[/bold]{flag(name, b.opt_in)}: {b.description}")


main.add_command(report_command, "report")  # the report command lives with the report package
main.add_command(personas_command, "personas")  # the personas command lives with its package
