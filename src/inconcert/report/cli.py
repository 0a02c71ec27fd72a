"""``inconcert report OUTDIR -o report.html``: the CLI face of :func:`build_report`.

>>> report_command.name
'report'
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from inconcert.errors import InconcertError

__all__ = ["report_command"]


@click.command("report")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML file to write (default: OUTDIR/report.html).",
)
@click.option(
    "--personas",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="An `inconcert personas` output folder: show, in each group's section, the accounts "
    "that share a hand with its members (default: OUTDIR/personas when present).",
)
def report_command(outdir: Path, output: Path | None, personas: Path | None) -> None:
    """Write the offline HTML evidence report for the detect output directory OUTDIR.

    The file is self-contained (no network needed to open it) and lists every
    group with its receipts: who acted on which object, and when. OUTDIR may also
    be a personas output folder (its own page).
    """
    from inconcert.report import build_report

    try:
        path = build_report(outdir, output, personas=personas)
    except InconcertError as e:  # same convention as the other commands: one line, exit 2
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except OSError as e:
        click.echo(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)
    click.echo(f"report written to {path}")
