"""``inconcert personas INPUT... -o OUTDIR``: the CLI face of :func:`find_personas`.

>>> personas_command.name
'personas'
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from inconcert.errors import InconcertError

__all__ = ["personas_command"]


@click.command("personas")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for same_hand.csv, hands.csv and the evidence.")
@click.option("--top-k", default=10, show_default=True, type=int, help="Candidates kept per account.")
@click.option("--min-texts", default=20, show_default=True, type=int, help="Texts an account needs for a score.")
@click.option("--min-words", default=200, show_default=True, type=int, help="Words an account needs for a score.")
@click.option("--unit", type=click.Choice(["auto", "account", "byline"]), default="auto", show_default=True,
              help="Profile accounts, or the bylines of pages (auto: bylines when the input is pages).")
@click.option("--keep-topic", is_flag=True, help="Keep hashtags, mentions and URLs in the style signal (not advised).")
@click.option("--neighbours", type=click.Choice(["auto", "exact", "hnsw"]), default="auto", show_default=True,
              help="Compare all pairs, or approximate nearest neighbours (auto: exact up to 5,000 accounts).")
@click.option("--groups", "groups_dir", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="A detect output folder: mark pairs whose accounts are in its co-action groups.")
@click.option("--seed", default=42, show_default=True, type=int)
@click.option("--format", "fmt", default=None, help="Force the input format (see `inconcert formats`).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help="Name the column for a field, e.g. account_id=user.")
def personas_command(inputs: tuple[Path, ...], outdir: Path, top_k: int, min_texts: int, min_words: int,
                     unit: str, keep_topic: bool, neighbours: str, groups_dir: Path | None, seed: int, fmt: str | None, maps: tuple[str, ...]) -> None:
    """Find the same hand behind several accounts and several hands behind one account.

    Reads INPUT... like `detect` (any format it reads), profiles each account's
    own texts (style: character n-grams with topic masked, writing habits) and
    writes same_hand.csv (pairs with score, p-value, text amounts, top features),
    hands.csv (a several-hands test per account), hand_chunks.csv and the
    evidence. Style is a lead, not proof. Then: inconcert report OUTDIR.
    """
    # the CLI's one --map parser, imported late because inconcert.cli imports this module
    from inconcert.cli import _parse_map
    from inconcert.personas import PersonaConfig, find_personas, write_personas

    column_map = _parse_map(maps)
    try:
        cfg = PersonaConfig(top_k=top_k, min_texts=min_texts, min_words=min_words, mask_topic=not keep_topic, unit=unit,  # type: ignore[arg-type]
                            neighbours=neighbours, seed=seed)  # type: ignore[arg-type]
        res = find_personas(list(inputs), cfg, format=fmt, column_map=column_map,
                            progress=lambda s: click.echo(f"  {s} done", err=True))
        if groups_dir is not None:
            from inconcert.personas.join import join_groups, read_groups

            res.summary["pairs_touching_groups"] = join_groups(res.same_hand, read_groups(groups_dir))
        write_personas(res, outdir)
    except InconcertError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except OSError as e:
        click.echo(f"error: {e.strerror or e}: {e.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)
    s = res.summary
    click.echo(f"{s['accounts_scored']:,} of {s['accounts']:,} accounts scored ({s['accounts_below_floor']:,} below "
               f"the text floor), {s['same_hand_rows']:,} candidate pairs, {s['several_hands']:,} accounts with "
               f"several hands; files in {outdir}")
