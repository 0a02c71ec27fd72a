"""Choose simulated worlds by name, combine them and write ``posts.csv``/``labels.csv``.

Two families of names:

- the classic scenarios of :mod:`inconcert.simulate.scenarios` (``viral``,
  ``automation``, ``slow_burn``, ``camouflage``; ``all`` means these four), added
  to the base simulator of :mod:`inconcert.simulate.base`;
- the held-out worlds of :mod:`inconcert.simulate.hard_cases` (``big_campaign``,
  ``focused``, ``slow_copypaste``, ``slow_links``, ``feeds``, ``retweets_full``,
  ``duplicates``, ``minute_clock``, ``memes``, ``mixed``; ``held_out`` means all of them),
  each with its own organic population.

When several worlds are chosen, ``n_posts`` is split evenly between them (the
classic scenarios together count as one world) and their tables are stacked.

>>> parse_scenarios("viral, feeds")
('viral', 'feeds')
>>> posts, labels = simulate_scenarios(["slow_links"], n_posts=3000, seed=2, truncate="minute")
>>> {t.second for t in posts.column("created_at").to_pylist()}
{0}
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from inconcert.errors import ConfigError
from inconcert.outputs.atomic import atomic_path
from inconcert.simulate.attacks import ATTACKS, build_attack
from inconcert.simulate.base import simulate
from inconcert.simulate.hard_cases import WORLDS, build_world, truncate_to
from inconcert.simulate.scenarios import SCENARIOS, simulate_extended

__all__ = ["ALL_NAMES", "parse_scenarios", "simulate_scenarios", "simulate_to_dir"]

#: Every name ``--scenarios`` accepts, besides ``all``, ``held_out`` and ``none``.
ALL_NAMES = tuple(SCENARIOS) + tuple(WORLDS) + tuple(ATTACKS)


def parse_scenarios(value: str | Sequence[str]) -> tuple[str, ...]:
    """Scenario names from ``"all"``, ``"held_out"``, ``"attacks"``, ``"none"`` or a comma list
    (or a sequence of names); unknown names raise :class:`ConfigError`."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for raw in items:
        x = raw.strip().lower()
        if x in ("", "none"):
            continue
        named = {"all": SCENARIOS, "held_out": WORLDS, "attacks": ATTACKS}
        names = named.get(x, (x,))
        for n in names:
            if n not in ALL_NAMES:
                raise ConfigError(
                    f"unknown scenario {x!r}; choose from all, held_out, attacks, none, {', '.join(ALL_NAMES)}"
                )
            if n not in out:
                out.append(n)
    return tuple(out)


def _stack(tables: list[pa.Table]) -> pa.Table:
    if len(tables) == 1:
        return tables[0]
    return pa.concat_tables(tables, promote_options="default").combine_chunks()


def _fill(t: pa.Table) -> pa.Table:
    """Columns missing from some stacked worlds become ``""``, not null."""
    for i, f in enumerate(t.schema):
        if pa.types.is_string(f.type) and t.column(i).null_count:
            t = t.set_column(i, f.name, t.column(i).fill_null(""))
    return t


def simulate_scenarios(
    scenarios: str | Sequence[str] = (),
    n_posts: int = 20_000,
    seed: int = 42,
    truncate: str | None = None,
) -> tuple[pa.Table, pa.Table]:
    """``(posts, labels)`` for the named scenarios (none: the base simulator).

    ``truncate`` (``"minute"``, ``"hour"``) floors every timestamp, as a
    minute-resolution export would.
    """
    names = parse_scenarios(scenarios)
    classic = tuple(n for n in names if n in SCENARIOS)
    held = [n for n in names if n in WORLDS or n in ATTACKS]
    n_worlds = (1 if classic or not held else 0) + len(held)
    size = n_posts // max(n_worlds, 1)
    posts: list[pa.Table] = []
    labels: list[pa.Table] = []
    if classic:
        p, lab = simulate_extended(n_posts=size, seed=seed, scenarios=classic)
        posts.append(p)
        labels.append(lab)
    elif not held:
        p, lab = simulate(n_posts=size, seed=seed)
        posts.append(p)
        labels.append(lab)
    for i, name in enumerate(held):
        build = build_world if name in WORLDS else build_attack
        p, lab = build(
            name, n_posts=size, seed=seed, group_base=100_000 * (i + 1) if n_worlds > 1 else 0
        )
        posts.append(p)
        labels.append(lab)
    out_posts = _fill(_stack(posts))
    if truncate:
        out_posts = truncate_to(out_posts, truncate)
    return out_posts, _fill(_stack(labels))


def simulate_to_dir(
    outdir: str | Path,
    n_posts: int = 20_000,
    seed: int = 42,
    scenarios: str | Sequence[str] = (),
    truncate: str | None = None,
    **kw: object,
) -> dict[str, int]:
    """Write ``posts.csv`` and ``labels.csv`` into ``outdir``; return counts.

    ``scenarios``: names as in :func:`parse_scenarios`; ``kw`` go to the base
    simulator when no scenario is named.
    """
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    if kw and not parse_scenarios(scenarios):
        posts, labels = simulate(n_posts=n_posts, seed=seed, **kw)  # type: ignore[arg-type]
        if truncate:
            posts = truncate_to(posts, truncate)
    else:
        posts, labels = simulate_scenarios(scenarios, n_posts=n_posts, seed=seed, truncate=truncate)
    opts = pacsv.WriteOptions(include_header=True)
    with atomic_path(out / "posts.csv") as tmp:
        pacsv.write_csv(posts, tmp, opts)
    with atomic_path(out / "labels.csv") as tmp:
        pacsv.write_csv(labels, tmp, opts)
    kinds = labels.column("label").to_pylist()
    return {
        "posts": posts.num_rows,
        "accounts": labels.num_rows,
        "operation_accounts": kinds.count("operation"),
        "automation_accounts": kinds.count("automation"),
    }
