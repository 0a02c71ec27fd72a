"""The outputs stage: every file of the contract, written atomically.

``groups.csv``, ``accounts.csv``, ``links.parquet`` (all links) and
``links.csv`` (links reaching ``min_weight``), ``evidence.parquet`` (share
pairs), ``posts.parquet`` (the posts of grouped accounts in pairs),
``graph.gexf``/``graph.graphml`` and ``rejects.csv``. The SQL is in
:mod:`inconcert.sql.summaries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from inconcert.behaviours import get_behaviour
from inconcert.engines.base import Engine
from inconcert.outputs.atomic import atomic_path
from inconcert.outputs.graph import write_graphs
from inconcert.sql.summaries import (
    ACCOUNTS_ORDER,
    accounts_with_attrs_sql,
    evidence_out_sql,
    links_out_sql,
    posts_out_sql,
    rounded_select_sql,
)
from inconcert.tables import (
    ACCOUNT_KEYS,
    ACCOUNTS_OUT,
    ACTIONS,
    GROUPS,
    LINKS,
    MEMBERSHIP,
    OBJECT_KEYS,
    PAIRS,
    PASSING_LINKS,
)

__all__ = ["write_outputs"]


def _write_csv(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pacsv.write_csv(table, tmp)


def _engine_parquet(engine: Engine, sql: str, path: Path) -> None:
    with atomic_path(path) as tmp:
        engine.write_parquet(sql, tmp)


def _float_columns(engine: Engine, table: str) -> dict[str, bool]:
    """Each column of ``table`` → whether it is floating point."""
    schema = engine.to_arrow(f"SELECT * FROM {table} LIMIT 0").schema
    return {f.name: pa.types.is_floating(f.type) for f in schema}


def write_outputs(
    engine: Engine,
    outdir: Path,
    accounts_attrs: pa.Table | None,
    rejects: pa.Table,
    min_weight: int = 1,
    behaviours: Sequence[str] = (),
) -> None:
    """Write every output file of the contract into ``outdir`` (atomically).

    Reads ``groups``, ``accounts_out``, ``links``, ``glinks``, ``pairs``,
    ``membership`` and ``actions``, and the pair-similarity table of any of
    ``behaviours`` that declares one. Consumes the engine's tables: each big
    table is dropped once its files are written (links, then the share pairs),
    so later writes have the memory.
    """
    d = engine.dialect
    outdir.mkdir(parents=True, exist_ok=True)
    groups = engine.to_arrow(rounded_select_sql(d, _float_columns(engine, GROUPS), GROUPS, "ORDER BY group_id"))
    _write_csv(groups, outdir / "groups.csv")
    accounts_table = ACCOUNTS_OUT
    if accounts_attrs is not None and accounts_attrs.num_rows:
        engine.register_arrow("account_attrs", accounts_attrs)
        have = engine.columns(ACCOUNTS_OUT)
        extra = [c for c in accounts_attrs.column_names if c != "account_id" and c not in have]
        if extra:
            engine.create_table("accounts_attrs_out", accounts_with_attrs_sql(extra, ACCOUNTS_OUT, "account_attrs"))
            accounts_table = "accounts_attrs_out"
    accounts = engine.to_arrow(
        rounded_select_sql(d, _float_columns(engine, accounts_table), accounts_table, ACCOUNTS_ORDER)
    )
    _write_csv(accounts, outdir / "accounts.csv")
    link_cols = engine.columns(LINKS)
    keys = {"passing": PASSING_LINKS, "membership": MEMBERSHIP, "accounts": ACCOUNT_KEYS}
    passing = engine.to_arrow(links_out_sql(d, link_cols, PASSING_LINKS, **keys))
    _engine_parquet(engine, links_out_sql(d, link_cols, LINKS, **keys), outdir / "links.parquet")
    with atomic_path(outdir / "links.csv") as tmp:  # for spreadsheets: links that reach min_weight
        engine.write_csv(links_out_sql(d, link_cols, LINKS, f"l.weight >= {int(min_weight)}", **keys), tmp)
    for t in (LINKS, PASSING_LINKS):
        engine.drop(t)
    # the one behaviour (near_text today) whose after_pairs measured its pairs' similarity
    similar = next((b for b in (get_behaviour(n) for n in behaviours) if b.pair_similarity), None)
    in_pairs = "post_a" in engine.columns(PAIRS)
    evidence = evidence_out_sql(
        d,
        similar.pair_similarity if similar else None,
        in_pairs,
        similar.name if similar else "",
        PAIRS,
        MEMBERSHIP,
        ACTIONS,
        ACCOUNT_KEYS,
        OBJECT_KEYS,
    )
    _engine_parquet(engine, evidence, outdir / "evidence.parquet")
    _engine_parquet(engine, posts_out_sql(ACTIONS, PAIRS, MEMBERSHIP), outdir / "posts.parquet")
    engine.drop(PAIRS)
    write_graphs(passing, accounts, outdir / "graph.gexf", outdir / "graph.graphml")
    _write_csv(rejects, outdir / "rejects.csv")

