"""SQL for ``objects.csv``: the objects coordinated groups acted on together.

One row per (behaviour, object) that at least one share pair *within a group*
(both accounts in the same group) is about, most accounts first — CooRnet's
"top coordinated URLs" (``get_top_coord_urls``) for every behaviour: how many
groups and which, how many of their accounts, how many of their shares
(distinct posts) and pairs, and the first and last of those shares.

>>> from inconcert.sql.dialect import DuckDBDialect
>>> "group_ids" in objects_out_sql(DuckDBDialect())
True
"""

from __future__ import annotations

from inconcert.sql.coaction import timed
from inconcert.sql.dialect import Dialect
from inconcert.sql.summaries import GROUP_PAIR_COLUMNS, group_pairs_sql

__all__ = ["objects_out_sql"]


def objects_out_sql(
    d: Dialect,
    pairs: str = "pairs",
    membership: str = "membership",
    objects: str = "ic_objects",
    group_pairs: str | None = None,
) -> str:
    """The ``objects.csv`` rows (see module docstring) from ``pairs``, ``membership``
    and the object names of ``objects``; ties ordered by behaviour and object name.
    ``group_pairs``: the pairs inside groups as a table already
    (:func:`inconcert.sql.summaries.group_pairs_sql`), read instead of joining
    every pair with the groups again (at 10⁷ posts 39 M pairs)."""
    gp = (
        f"SELECT {', '.join(GROUP_PAIR_COLUMNS)}, group_id FROM {group_pairs}"
        if group_pairs else group_pairs_sql(pairs, membership, columns=GROUP_PAIR_COLUMNS)
    )
    return f"""WITH gp AS (
        {gp}),
    acts AS (SELECT behaviour, object, group_id, account_a AS acc, seq_a AS seq, t_a AS t FROM gp
             UNION ALL SELECT behaviour, object, group_id, account_b, seq_b, t_b FROM gp),
    agg AS (SELECT behaviour, object, count(DISTINCT group_id) AS n_groups, count(DISTINCT acc) AS accounts,
                   count(DISTINCT seq) AS shares, min({timed('t')}) AS first_t,
                   max({timed('t')}) AS last_t
            FROM acts GROUP BY behaviour, object),
    np AS (SELECT behaviour, object, count(*) AS pairs FROM gp GROUP BY behaviour, object),
    og AS (SELECT DISTINCT behaviour, object, group_id FROM gp),
    gl AS (SELECT behaviour, object,
                  {d.string_agg_ordered('CAST(group_id AS STRING)', 'group_id', ',')} AS group_ids
           FROM og GROUP BY behaviour, object)
    SELECT agg.behaviour, o.name AS object, CAST(agg.n_groups AS BIGINT) AS groups, gl.group_ids,
           CAST(agg.accounts AS BIGINT) AS accounts, CAST(agg.shares AS BIGINT) AS shares,
           CAST(np.pairs AS BIGINT) AS pairs,
           {d.from_epoch_us('agg.first_t')} AS first_ts, {d.from_epoch_us('agg.last_t')} AS last_ts
    FROM agg
    JOIN np ON agg.behaviour = np.behaviour AND agg.object = np.object
    JOIN gl ON agg.behaviour = gl.behaviour AND agg.object = gl.object
    JOIN {objects} o ON agg.behaviour = o.behaviour AND agg.object = o.object
    ORDER BY accounts DESC, shares DESC, agg.behaviour, o.name"""
