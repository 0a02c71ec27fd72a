"""The outputs stage: every file of the contract, into a staged result set.

``groups.csv``, ``accounts.csv``, ``links.parquet`` (all links) and
``links.csv`` (the links that pass: those the groups are made of),
``evidence.parquet`` (the receipts: the share pairs behind the links that pass
and between members of one group, or with ``all_evidence`` every share pair;
``fast`` when Δt is within ``fast_within_s``), ``objects.csv`` (the
objects groups acted on together), ``posts.parquet`` (the posts of grouped
accounts in pairs), ``graph.gexf``/``graph.graphml`` and ``rejects.csv``.
The files go into a :class:`~inconcert.outputs.resultset.ResultSet`, which
moves them into place as a whole; CSVs are written by
:func:`~inconcert.outputs.csvfile.write_csv`. The SQL is in
:mod:`inconcert.sql.summaries` and :mod:`inconcert.sql.objects`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa

from inconcert.behaviours import get_behaviour
from inconcert.engines.base import Engine
from inconcert.outputs.csvfile import tidy_types, write_csv
from inconcert.outputs.graph import write_graphs
from inconcert.outputs.resultset import ResultSet, disk_errors
from inconcert.sql.objects import objects_out_sql
from inconcert.sql.summaries import (
    ACCOUNTS_ORDER,
    accounts_with_attrs_sql,
    evidence_out_sql,
    evidence_post_ids_sql,
    evidence_receipts_sql,
    links_out_sql,
    posts_out_sql,
    rounded_select_sql,
)
from inconcert.tables import (
    ACCOUNT_KEYS,
    ACCOUNTS_OUT,
    ACTIONS,
    GROUP_PAIRS,
    GROUPS,
    LINKS,
    MEMBERSHIP,
    OBJECT_KEYS,
    PAIR_BEHAVIOURS,
    PAIRED_POSTS,
    PAIRS,
    PASSING_LINKS,
    RECEIPTS,
)

__all__ = ["write_outputs", "Written", "OUTPUT_FILES"]

#: The files :func:`write_outputs` writes, in order.
OUTPUT_FILES = (
    "groups.csv", "accounts.csv", "links.parquet", "links.csv", "objects.csv", "evidence.parquet",
    "posts.parquet", "graph.gexf", "graph.graphml", "rejects.csv",
)


@dataclass(frozen=True)
class Written:
    """The small tables of a run, as written (the big ones stay in their Parquet files)."""

    groups: pa.Table
    accounts: pa.Table
    objects: pa.Table
    rejects: pa.Table


def _float_columns(engine: Engine, table: str) -> dict[str, bool]:
    """Each column of ``table`` → whether it is floating point."""
    schema = engine.to_arrow(f"SELECT * FROM {table} LIMIT 0").schema
    return {f.name: pa.types.is_floating(f.type) for f in schema}


def _parquet(engine: Engine, rs: ResultSet, name: str, sql: str) -> None:
    with disk_errors(f"writing {name}", rs.outdir):
        engine.write_parquet(sql, rs.path(name))


def _csv(rs: ResultSet, name: str, data: pa.Table | pa.RecordBatchReader, raw: bool, bom: bool) -> None:
    with disk_errors(f"writing {name}", rs.outdir):
        write_csv(data, rs.path(name), raw=raw, bom=bom)


def write_outputs(
    engine: Engine,
    rs: ResultSet,
    accounts_attrs: pa.Table | None,
    rejects: pa.Table,
    min_weight: int = 1,
    behaviours: Sequence[str] = (),
    fast_within_s: float | None = None,
    raw_csv: bool = False,
    bom: bool = False,
    all_evidence: bool = False,
) -> Written:
    """Write every output file of the contract into the result set ``rs``.

    Reads ``groups``, ``accounts_out``, ``links``, ``glinks``, ``pairs``,
    ``membership`` and ``actions``, and the pair-similarity table of any of
    ``behaviours`` that declares one. Consumes the engine's tables: each big
    table is dropped once its files are written (the share pairs, then the
    links, whose sort for ``links.parquet`` is the widest), so later writes
    have the memory. ``raw_csv`` and ``bom``: see
    :func:`~inconcert.outputs.csvfile.write_csv`. ``min_weight`` is kept for
    callers; the links that pass already reach it.
    """
    d = engine.dialect
    groups = tidy_types(engine.to_arrow(rounded_select_sql(d, _float_columns(engine, GROUPS), GROUPS, "ORDER BY group_id")))
    _csv(rs, "groups.csv", groups, raw_csv, bom)
    accounts_table = ACCOUNTS_OUT
    if accounts_attrs is not None and accounts_attrs.num_rows:
        engine.register_arrow("account_attrs", accounts_attrs)
        have = engine.columns(ACCOUNTS_OUT)
        extra = [c for c in accounts_attrs.column_names if c != "account_id" and c not in have]
        if extra:
            engine.create_table("accounts_attrs_out", accounts_with_attrs_sql(extra, ACCOUNTS_OUT, "account_attrs"))
            accounts_table = "accounts_attrs_out"
    accounts = tidy_types(engine.to_arrow(
        rounded_select_sql(d, _float_columns(engine, accounts_table), accounts_table, ACCOUNTS_ORDER)
    ))
    _csv(rs, "accounts.csv", accounts, raw_csv, bom)
    link_cols = engine.columns(LINKS)
    keys = {"passing": PASSING_LINKS, "membership": MEMBERSHIP, "accounts": ACCOUNT_KEYS}
    passing = tidy_types(engine.to_arrow(links_out_sql(d, link_cols, PASSING_LINKS, **keys)))
    # for spreadsheets: the links that pass (links.parquet has every link stored)
    _csv(rs, "links.csv", passing, raw_csv, bom)
    objects = tidy_types(engine.to_arrow(objects_out_sql(d, PAIRS, MEMBERSHIP, OBJECT_KEYS, GROUP_PAIRS)))
    _csv(rs, "objects.csv", objects, raw_csv, bom)
    # the one behaviour (near_text today) whose after_pairs measured its pairs' similarity
    similar = next((b for b in (get_behaviour(n) for n in behaviours) if b.pair_similarity), None)
    # the receipts are chosen first, by integer keys, then given post ids one side
    # at a time, then named: each query has one big join, which spills when short
    cols = engine.columns(PAIRS)
    post_pairs = "lvl" in cols  # a ladder's post pairs (not CooRTweet's, with post ids)
    engine.create_table(RECEIPTS, evidence_receipts_sql(
        PAIRS, MEMBERSHIP, None if all_evidence else PASSING_LINKS, GROUP_PAIRS if post_pairs else None,
        PAIR_BEHAVIOURS if post_pairs and "behaviours" not in cols else None,
    ))
    engine.drop(GROUP_PAIRS)
    if "post_a" not in cols:
        for side in "ab":
            engine.rewrite_table(RECEIPTS, evidence_post_ids_sql(RECEIPTS, side, ACTIONS))
    evidence = evidence_out_sql(
        d,
        RECEIPTS,
        similar.pair_similarity if similar else None,
        similar.name if similar else "",
        ACCOUNT_KEYS,
        OBJECT_KEYS,
        post_pairs,  # with every behaviour of each
        fast_within_s=fast_within_s,
    )
    _parquet(engine, rs, "evidence.parquet", evidence)
    engine.drop(RECEIPTS)
    _parquet(engine, rs, "posts.parquet", posts_out_sql(ACTIONS, PAIRS, MEMBERSHIP, PAIRED_POSTS))
    engine.drop(PAIRED_POSTS)
    engine.drop(PAIRS)
    engine.drop(PAIR_BEHAVIOURS)
    # every link, last: the widest sort of the outputs gets the memory the share pairs held
    _parquet(engine, rs, "links.parquet", links_out_sql(d, link_cols, LINKS, **keys))
    engine.drop(PASSING_LINKS)
    engine.drop(LINKS)
    with disk_errors("writing graph.gexf and graph.graphml", rs.outdir):
        write_graphs(passing, accounts, rs.path("graph.gexf"), rs.path("graph.graphml"))
    _csv(rs, "rejects.csv", rejects, raw_csv, bom)
    return Written(groups, accounts, objects, rejects)
