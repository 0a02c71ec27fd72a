"""Pooled evidence: an account's links to a group, each too weak, tested together.

A member of a slow operation may co-act with each other member only once or
twice within the window: no link of it can be significant, but it co-acts with
the group far more often than chance allows. After groups are found from
significant links, each account outside every group that co-acted at least
once with a member of group ``G`` (on the small-object part of the null model,
first shares only) is tested against the group as a whole:

- observed ``W(a, G)``: distinct small objects on which ``a``'s first share
  falls within the window of some member's first share (distinct objects, not
  member pairs: one burst with five members counts once);
- expected, in closed form over *all* members of ``G`` (linked or not, so no
  selection of the favourable ones), from the null model's ``A`` and ``d``:
  ``E(a, G) = ½ (A_a Σ_{b∈G} d_b / (M − d_a) + d_a Σ_{b∈G} A_b / (M − d_b))``,
  the sum of the per-pair ``E_small(a, b)``;
- ``p = P(X ≥ w) / P(X ≥ 1)``, ``X ~ Poisson(E)``: only accounts with
  ``W ≥ 1`` are candidates, so the test is conditioned on that;
- Benjamini–Hochberg over every candidate (account, group) of a round, at
  ``fdr / rounds``; an account that passes joins the group with the smallest p.

Rounds repeat with the grown groups until nothing joins (at most
``config.pooled_rounds``, default ``POOLED_ROUNDS`` = 3); the FDR of all
rounds together stays ≤ ``fdr``. Pooled evidence never makes a group: it only
adds accounts to groups found from significant links. ``pooled=False``
(CLI ``--no-pooled``) switches it off. Maths, measurements and limits:
``docs/null-model.md``.

>>> import numpy as np
>>> round(float(np.exp(pooled_logp(np.array([3]), np.array([0.5]))[0])), 4)
0.0366
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyarrow as pa

from inconcert.config import POOLED_ROUNDS, DetectConfig
from inconcert.engines.base import Engine
from inconcert.scoring.stats import bh_qvalues, conditional_poisson_logsf

__all__ = [
    "POOLED_ROUNDS",
    "POOLED_TABLES",
    "pooled_enabled",
    "group_mass_sql",
    "pooled_candidates_sql",
    "pooled_logp",
    "pooled_candidates",
    "attach_pooled",
    "add_pooled_columns",
    "drop_pooled_tables",
]

#: Null-model tables that :func:`inconcert.scoring.score_links` keeps for pooling.
POOLED_TABLES = ("ic_null_strength", "ic_null_sp")


def pooled_enabled(config: DetectConfig) -> bool:
    """Whether pooled evidence runs: on unless ``config.pooled`` is false.

    >>> pooled_enabled(DetectConfig()), pooled_enabled(DetectConfig(pooled=False))
    (True, False)
    """
    return bool(config.pooled) and not config.coortweet_compatible


def group_mass_sql(total: float, membership: str = "ic_pool_members") -> str:
    """``(group_id, sd, sa)`` per group: ``sd = Σ d_b`` and ``sa = Σ A_b / (M − d_b)``
    over all members (``total`` = M); reads ``ic_null_strength``.

    >>> "sum(coalesce(s.d, 0)) AS sd" in group_mass_sql(100.0)
    True
    """
    t = max(float(total), 1e-12)
    return f"""SELECT m.group_id, sum(coalesce(s.d, 0)) AS sd,
           sum(coalesce(s.a, 0.0) / greatest({t!r} - coalesce(s.d, 0), 1.0)) AS sa
    FROM {membership} m LEFT JOIN ic_null_strength s ON m.account_id = s.account_id
    GROUP BY m.group_id"""


def pooled_candidates_sql(total: float, membership: str = "ic_pool_members") -> str:
    """``(account_id, group_id, w, pairs, partners, expected)``: for every account
    outside all groups and every group one of whose members it co-acted with on a
    small object (first shares within the window): ``w`` distinct such objects,
    ``pairs`` (member, object) co-actions, ``partners`` distinct members, and the
    pooled expectation ``E(a, G)``; reads ``ic_null_sp``, ``ic_null_strength``
    and ``ic_pool_mass``.

    >>> "count(*) AS w" in pooled_candidates_sql(100.0)
    True
    """
    t = max(float(total), 1e-12)
    return f"""WITH sp AS (
        SELECT behaviour, object, account_a, account_b FROM ic_null_sp WHERE first = 1),
    x AS (
        SELECT sp.account_b AS account_id, ga.group_id, sp.behaviour, sp.object,
               sp.account_a AS partner
        FROM sp JOIN {membership} ga ON sp.account_a = ga.account_id
        LEFT JOIN {membership} gb ON sp.account_b = gb.account_id
        WHERE gb.account_id IS NULL
        UNION ALL
        SELECT sp.account_a AS account_id, gb.group_id, sp.behaviour, sp.object,
               sp.account_b AS partner
        FROM sp JOIN {membership} gb ON sp.account_b = gb.account_id
        LEFT JOIN {membership} ga ON sp.account_a = ga.account_id
        WHERE ga.account_id IS NULL),
    xo AS (SELECT account_id, group_id, behaviour, object, count(*) AS n
           FROM x GROUP BY account_id, group_id, behaviour, object),
    c AS (SELECT account_id, group_id, count(*) AS w, CAST(sum(n) AS BIGINT) AS pairs
          FROM xo GROUP BY account_id, group_id),
    pc AS (SELECT account_id, group_id, count(*) AS partners
           FROM (SELECT DISTINCT account_id, group_id, partner FROM x) s
           GROUP BY account_id, group_id)
    SELECT c.account_id, c.group_id, c.w, c.pairs, pc.partners,
           0.5 * (coalesce(s.a, 0.0) * g.sd / greatest({t!r} - coalesce(s.d, 0), 1.0)
                  + coalesce(s.d, 0) * g.sa) AS expected
    FROM c JOIN pc ON c.account_id = pc.account_id AND c.group_id = pc.group_id
    JOIN ic_pool_mass g ON c.group_id = g.group_id
    LEFT JOIN ic_null_strength s ON c.account_id = s.account_id"""


def pooled_logp(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Natural log of the pooled p-value ``P(X ≥ w) / P(X ≥ 1)``, ``X ~ Poisson(E)``
    (1 when ``w ≤ 1``: one co-action with a group is not evidence either).

    >>> import numpy as np
    >>> np.exp(pooled_logp(np.array([1, 2]), np.array([0.2, 0.2]))).round(5).tolist()
    [1.0, 0.09667]
    """
    return conditional_poisson_logsf(observed, expected)


def _membership(engine: Engine) -> pa.Table:
    m = engine.to_arrow("SELECT account_id, group_id FROM membership ORDER BY group_id, account_id")
    return pa.table({"account_id": m.column("account_id"), "group_id": m.column("group_id").cast(pa.int64())})


def _have_tables(engine: Engine) -> bool:
    for t in POOLED_TABLES:
        try:
            engine.columns(t)
        except Exception:
            return False
    return True


def pooled_candidates(engine: Engine, members: pa.Table) -> pa.Table:
    """Every candidate ``(account_id, group_id)`` for the groups in ``members``
    (``account_id, group_id``) with ``w``, ``pairs``, ``partners``, ``expected``
    and the pooled ``p_value``, ordered by account and group.

    Needs the null-model tables in :data:`POOLED_TABLES`.
    """
    total = float(engine.scalar("SELECT sum(d) FROM ic_null_strength") or 0.0)
    engine.register_arrow("ic_pool_members", members.select(["account_id", "group_id"]))
    engine.create_table("ic_pool_mass", group_mass_sql(total))
    cand = engine.to_arrow(pooled_candidates_sql(total) + " ORDER BY account_id, group_id")
    w = cand.column("w").to_numpy(zero_copy_only=False).astype(np.float64)
    e = np.nan_to_num(cand.column("expected").to_numpy(zero_copy_only=False).astype(np.float64))
    return cand.append_column("p_value", pa.array(np.exp(pooled_logp(w, e)), pa.float64()))


def attach_pooled(engine: Engine, config: DetectConfig) -> dict[str, Any]:
    """Attach accounts to groups on pooled evidence and rewrite ``membership`` as
    ``(account_id, group_id, joined_by, pooled_p)``: ``joined_by`` is ``link`` for
    members found from significant links and ``pooled`` for attached accounts,
    whose ``pooled_p`` is the pooled p-value of the group they joined.

    Each round tests every candidate (account, group) and is its own
    Benjamini–Hochberg family at level ``fdr / rounds``, so the accounts attached
    over all rounds keep a false discovery rate ≤ ``fdr`` (the FDR of a union is
    at most the sum of the rounds' FDRs, as each round's discoveries are among
    the union's). An account passing for several groups joins the one with the
    smallest p-value. Rounds stop when nothing joins, after
    ``config.pooled_rounds`` (default :data:`POOLED_ROUNDS`) rounds.

    With ``pooled=False`` members are only labelled ``link``. Needs
    ``membership`` and the null-model tables in :data:`POOLED_TABLES` (kept by
    :func:`~inconcert.scoring.score_links` when pooling is on), and drops them.
    Returns ``{"attached", "rounds": [{"candidates", "attached"}], "seconds"}``.

    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> e = DuckDBEngine()
    >>> e.register_arrow("ic_null_strength", pa.table({"account_id": ["g1", "g2", "x", "f"],
    ...     "a": [1.0, 1.0, 0.5, 0.0], "d": [4, 4, 4, 188]}))
    >>> e.register_arrow("ic_null_sp", pa.table({"behaviour": ["url"] * 4,
    ...     "object": ["o1", "o2", "o3", "o4"], "account_a": ["g1", "g1", "g2", "g2"],
    ...     "account_b": ["x"] * 4, "first": [1, 1, 1, 1]}))
    >>> e.register_arrow("membership", pa.table({"account_id": ["g1", "g2"], "group_id": [1, 1]}))
    >>> attach_pooled(e, DetectConfig())["attached"]  # w = 4, E = 6/196: p ≈ 1e-6
    1
    >>> e.to_arrow("SELECT account_id, joined_by FROM membership").to_pylist()[-1]
    {'account_id': 'x', 'joined_by': 'pooled'}
    """
    t0 = time.perf_counter()
    rounds = int(config.pooled_rounds) if pooled_enabled(config) else 0
    level = float(config.fdr) / max(rounds, 1)
    base = _membership(engine)
    key_type = base.schema.field("account_id").type  # integer keys in the pipeline
    accounts = base.column("account_id").to_pylist()
    groups = base.column("group_id").to_pylist()
    joined = ["link"] * len(accounts)
    pooled_p: list[float | None] = [None] * len(accounts)
    info: dict[str, Any] = {"attached": 0, "rounds": []}
    if accounts and _have_tables(engine):
        for _ in range(rounds):
            members = pa.table(
                {"account_id": pa.array(accounts, key_type), "group_id": pa.array(groups, pa.int64())}
            )
            cand = pooled_candidates(engine, members)
            p = cand.column("p_value").to_numpy(zero_copy_only=False)
            ok = np.flatnonzero(bh_qvalues(p) <= level)
            best: dict[Any, tuple[float, int]] = {}
            ids = cand.column("account_id").to_pylist()
            gids = cand.column("group_id").to_pylist()
            for i in ok:  # the group with the smallest p (then the smallest id)
                a, x = ids[i], (float(p[i]), int(gids[i]))
                if a not in best or x < best[a]:
                    best[a] = x
            for a in sorted(best):
                accounts.append(a)
                groups.append(best[a][1])
                joined.append("pooled")
                pooled_p.append(best[a][0])
            info["rounds"].append({"candidates": cand.num_rows, "attached": len(best)})
            info["attached"] += len(best)
            if not best:
                break
    out = pa.table(
        {
            "account_id": pa.array(accounts, key_type),
            "group_id": pa.array(groups, pa.int64()),
            "joined_by": pa.array(joined, pa.string()),
            "pooled_p": pa.array(pooled_p, pa.float64()),
        }
    )
    engine.register_arrow("membership", out.sort_by([("group_id", "ascending"), ("account_id", "ascending")]))
    drop_pooled_tables(engine)
    info["seconds"] = time.perf_counter() - t0
    return info


def drop_pooled_tables(engine: Engine) -> None:
    """Drop the null-model tables kept for pooling and this module's own.

    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> drop_pooled_tables(DuckDBEngine())
    """
    for t in (*POOLED_TABLES, "ic_pool_members", "ic_pool_mass"):
        engine.drop(t)


def add_pooled_columns(engine: Engine, table: str = "accounts_out") -> None:
    """Add ``joined_by`` (``link`` / ``pooled``, NULL outside groups) and
    ``pooled_p`` from ``membership`` (account keys) to the accounts table
    ``table`` (account names), through the dictionary ``ic_accounts``.

    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> e = DuckDBEngine()
    >>> e.register_arrow("accounts_out", pa.table({"account_id": ["a", "b"]}))
    >>> e.register_arrow("ic_accounts", pa.table({"account_id": [1, 2], "name": ["a", "b"]}))
    >>> e.register_arrow("membership", pa.table({"account_id": [1], "group_id": [1],
    ...     "joined_by": ["pooled"], "pooled_p": [1e-5]}))
    >>> add_pooled_columns(e)
    >>> e.to_arrow("SELECT * FROM accounts_out ORDER BY account_id").to_pylist()[1]
    {'account_id': 'b', 'joined_by': None, 'pooled_p': None}
    """
    engine.create_table(
        "ic_pool_accounts",
        f"""SELECT a.*, m.joined_by, m.pooled_p
        FROM {table} a LEFT JOIN ic_accounts x ON a.account_id = x.name
        LEFT JOIN membership m ON x.account_id = m.account_id""",
    )
    engine.create_table(table, "SELECT * FROM ic_pool_accounts")
    engine.drop("ic_pool_accounts")
