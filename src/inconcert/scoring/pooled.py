"""Pooled evidence: an account's links to a group, each too weak, tested together.

A member of a slow operation may co-act with each other member only once or
twice: no link of it can be significant, but it co-acts with the group far
more often than chance allows. After groups are found from significant links,
each account outside every group that co-acted with a member of group ``G`` is
tested against the group as a whole, at every window ``W`` of the ladder:

- observed ``w(a, G, W)``: distinct (primary) objects on which ``a`` co-acted
  with some member within ``W`` (distinct objects, not member pairs: one burst
  with five members counts once);
- expected, in closed form over *all* members of ``G`` (linked or not, so no
  selection of the favourable ones): ``E(a, G, W) = Σ_{b∈G} E_ab(W)``, the
  null model's pair expectations (:mod:`inconcert.scoring.nullmodel`), which
  bound the expected number of distinct objects from above;
- ``p = P(X ≥ w) / P(X_widest ≥ 1)``, ``X ~ Poisson(E)``, 1 when ``w ≤ 1``;
  the windows combined by Simes;
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
import pyarrow.compute as pc

from inconcert.config import POOLED_ROUNDS, DetectConfig
from inconcert.engines.base import Engine
from inconcert.scoring.nullmodel import (
    NullModel,
    fit_null,
    simes_log,
    window_cv,
    window_logp,
)
from inconcert.scoring.stats import bh_qvalues, conditional_poisson_logsf
from inconcert.sql.coaction import pairs_touching_sql

__all__ = [
    "POOLED_ROUNDS",
    "pooled_enabled",
    "pooled_observed_sql",
    "pooled_objects_sql",
    "pooled_objects_next_sql",
    "pooled_windows_sql",
    "pooled_logp",
    "pooled_candidates",
    "attach_pooled",
    "drop_pooled_tables",
]


def pooled_enabled(config: DetectConfig) -> bool:
    """Whether pooled evidence runs: on unless ``config.pooled`` is false.

    >>> pooled_enabled(DetectConfig()), pooled_enabled(DetectConfig(pooled=False))
    (True, False)
    """
    return bool(config.pooled) and not config.coortweet_compatible


def _pooled_pairs_sql(membership: str, pairs: str, joined: str | None = None) -> str:
    """``(account_id, group_id, object, lvl)``, one row per share pair of an account
    outside all groups of ``membership`` with a member (of ``joined`` only, when given)."""
    near = membership if joined is None else joined
    if joined is not None:  # the few pairs of those members first
        pairs = pairs_touching_sql(pairs, joined)
    return f"""SELECT p.account_b AS account_id, ga.group_id, p.object, p.lvl
        FROM {pairs} p JOIN {near} ga ON p.account_a = ga.account_id
        LEFT JOIN {membership} gb ON p.account_b = gb.account_id
        WHERE gb.account_id IS NULL
        UNION ALL
        SELECT p.account_a AS account_id, gb.group_id, p.object, p.lvl
        FROM {pairs} p JOIN {near} gb ON p.account_b = gb.account_id
        LEFT JOIN {membership} ga ON p.account_a = ga.account_id
        WHERE ga.account_id IS NULL"""


def _windows_sql(n_windows: int, objects: str) -> str:
    ws = ", ".join(f"CAST(sum(CASE WHEN lvl <= {i} THEN 1 ELSE 0 END) AS INT) AS w{i}" for i in range(n_windows))
    return f"SELECT account_id, group_id, {ws} FROM {objects} GROUP BY account_id, group_id"


def pooled_observed_sql(n_windows: int, membership: str = "ic_pool_members", pairs: str = "pairs") -> str:
    """``(account_id, group_id, w0 … w<L-1>)``: for every account outside all groups
    and every group one of whose members it co-acted with, the distinct
    (primary) objects co-acted on with any member within each window of the
    ladder (post pairs' ``lvl``, :func:`inconcert.sql.coaction.post_pairs_sql`).
    The same from a table of :func:`pooled_objects_sql`: :func:`pooled_windows_sql`.

    >>> "min(lvl) AS lvl" in pooled_observed_sql(2)
    True
    """
    return f"""WITH x AS (
        {_pooled_pairs_sql(membership, pairs)}),
    xo AS (SELECT account_id, group_id, object, min(lvl) AS lvl FROM x GROUP BY account_id, group_id, object)
    {_windows_sql(n_windows, "xo")}"""


def pooled_objects_sql(membership: str = "ic_pool_members", pairs: str = "pairs") -> str:
    """``(account_id, group_id, object, lvl)``: the objects behind :func:`pooled_observed_sql`,
    each at the narrowest window level it was co-acted on within.

    >>> "GROUP BY account_id, group_id, object" in pooled_objects_sql()
    True
    """
    return f"""SELECT account_id, group_id, object, min(lvl) AS lvl FROM (
        {_pooled_pairs_sql(membership, pairs)}) x
    GROUP BY account_id, group_id, object"""


def pooled_objects_next_sql(
    objects: str = "ic_pool_obs", joined: str = "ic_pool_joined", membership: str = "ic_pool_members",
    pairs: str = "pairs",
) -> str:
    """``objects`` (:func:`pooled_objects_sql` of the last round's members) for the
    members of ``membership``, the last round's and those of ``joined``
    (``account_id, group_id``) that joined since: less the rows of the accounts
    that joined, plus the co-actions with them, read from their few pairs rather
    than from all pairs again.

    >>> "NOT IN (SELECT account_id FROM ic_pool_joined)" in pooled_objects_next_sql()
    True
    """
    return f"""SELECT account_id, group_id, object, min(lvl) AS lvl FROM (
        SELECT account_id, group_id, object, lvl FROM {objects}
        WHERE account_id NOT IN (SELECT account_id FROM {joined})
        UNION ALL
        {_pooled_pairs_sql(membership, pairs, joined)}) x
    GROUP BY account_id, group_id, object"""


def pooled_windows_sql(n_windows: int, objects: str = "ic_pool_obs") -> str:
    """:func:`pooled_observed_sql` from ``objects``, a table of :func:`pooled_objects_sql`.

    >>> pooled_windows_sql(1, "o")
    'SELECT account_id, group_id, CAST(sum(CASE WHEN lvl <= 0 THEN 1 ELSE 0 END) AS INT) AS w0 FROM o GROUP BY account_id, group_id'
    """
    return _windows_sql(n_windows, objects)


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


def _class_rows(
    t: pa.Table, deg: pa.Table
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(row, group, class, degree)`` of ``t(account_id, group_id)``: one entry per row
    and class its account has a degree in (``deg(account_id, cls, d)``, an account's
    rows in class order; none: class 0, degree 1), in row order, then class order.

    >>> import pyarrow as pa
    >>> deg = pa.table({"account_id": [7, 7, 9], "cls": [1, 2, 1], "d": [3.0, 4.0, 5.0]})
    >>> t = pa.table({"account_id": [9, 8, 7], "group_id": [1, 1, 2]})
    >>> [x.tolist() for x in _class_rows(t, deg)]
    [[0, 1, 2, 2], [1, 1, 2, 2], [1, 0, 1, 2], [5.0, 1.0, 3.0, 4.0]]
    """
    grp = np.asarray(t.column("group_id").to_numpy(zero_copy_only=False))
    acc = t.column("account_id").combine_chunks()
    dacc = deg.column("account_id").combine_chunks().cast(acc.type)
    # each account's first degree row and its number of classes (deg: an account's rows together)
    firsts = np.flatnonzero(np.r_[True, ~pc.equal(dacc[1:], dacc[:-1]).to_numpy(zero_copy_only=False)]) \
        if len(dacc) else np.zeros(0, np.int64)
    ends = np.r_[firsts[1:], len(dacc)]
    pos = pc.fill_null(pc.index_in(acc, dacc.take(pa.array(firsts, pa.int64()))), -1).to_numpy(zero_copy_only=False)
    has = pos >= 0  # accounts without a degree: one entry, class 0, degree 1
    n_cls = np.ones(len(grp), np.int64)
    n_cls[has] = (ends - firsts)[pos[has]]
    r = np.repeat(np.arange(len(grp), dtype=np.int64), n_cls)
    # the k-th class of row i is degree row firsts[pos[i]] + k
    k = np.arange(len(r), dtype=np.int64) - np.repeat(np.cumsum(n_cls) - n_cls, n_cls)
    hr = has[r]
    src = firsts[pos[r[hr]]] + k[hr]
    cls = np.zeros(len(r), np.int64)
    d = np.ones(len(r), np.float64)
    cls[hr] = deg.column("cls").to_numpy(zero_copy_only=False).astype(np.int64)[src]
    d[hr] = deg.column("d").to_numpy(zero_copy_only=False).astype(np.float64)[src]
    return r, grp[r], cls, d


def _blocks(g: np.ndarray, c: np.ndarray) -> dict[tuple[int, int], np.ndarray]:
    """Indices of each ``(g, c)`` value pair, ascending, by pair in sorted order."""
    order = np.lexsort((c, g))  # stable: indices ascending within a pair
    gs, cs = g[order], c[order]
    cut = np.flatnonzero(np.r_[True, (gs[1:] != gs[:-1]) | (cs[1:] != cs[:-1])]) if len(order) else np.zeros(0, int)
    ends = np.r_[cut[1:], len(order)]
    return {(int(gs[a]), int(cs[a])): order[a:b] for a, b in zip(cut, ends, strict=True)}


def pooled_candidates(
    engine: Engine, members: pa.Table, null: NullModel, cv: float | np.ndarray = 0.0,
    expected: dict[tuple[int, bytes, bytes], np.ndarray] | None = None, observed: str | None = None,
    degrees: str = "ic_null_degree",
) -> pa.Table:
    """Every candidate ``(account_id, group_id)`` for the groups in ``members``
    (``account_id, group_id``) with ``w`` (distinct objects at the candidate's
    window), ``expected`` there, ``window_s`` and the pooled ``p_value``
    (Simes over the windows), ordered by account and group. Candidates with at
    most one object co-acted on have p = 1 and are left out.

    ``expected``: a dict kept over the rounds of :func:`attach_pooled`, of the
    expectations already computed for a group's candidates of one population
    (keyed by the population and the candidates' and members' degrees): a
    group nobody joined or left since the last round, whose candidates are the
    same, gets the same values without computing them again. ``observed``: a
    table of :func:`pooled_objects_sql` for ``members`` (:func:`attach_pooled`
    keeps one over the rounds); None: the co-actions are found here, from ``pairs``.
    ``degrees`` (``account_id, cls, d``): the accounts' degrees per class of the
    null; an account with degrees in several classes (its population and the
    blocks of objects, docs/null-model.md "Communities") has its expectation
    summed over them, as a link's is.
    """
    L = len(null.windows)
    if observed is None:
        engine.register_arrow("ic_pool_members", members.select(["account_id", "group_id"]))
    source = pooled_observed_sql(L) if observed is None else pooled_windows_sql(L, observed)
    cand = engine.to_arrow(f"SELECT * FROM ({source}) c WHERE w{L - 1} >= 2 ORDER BY account_id, group_id")
    n = cand.num_rows
    w = np.stack([cand.column(f"w{i}").to_numpy(zero_copy_only=False).astype(np.float64) for i in range(L)], axis=1) if n else np.zeros((0, L))
    e = np.zeros((n, L))
    if n:
        # degrees of the candidates and members only (not every account: a dict of millions at 10⁷ posts)
        ids = cand.column("account_id").combine_chunks()
        engine.register_arrow("ic_pool_need", pa.table({"account_id": pa.concat_arrays(
            [ids, members.column("account_id").combine_chunks().cast(ids.type)])}))
        deg = engine.to_arrow(f"""SELECT account_id, cls, d FROM {degrees}
            WHERE cls >= 1 AND account_id IN (SELECT account_id FROM ic_pool_need) ORDER BY account_id, cls""")
        engine.drop("ic_pool_need")
        cr, cg, cp, da = _class_rows(cand, deg)
        _, mg, mp, dm = _class_rows(members, deg)
        member_rows = _blocks(mg, mp)
        none = np.zeros(0, np.int64)
        for (g, pop), sel in _blocks(cg, cp).items():  # by group, then population
            dc, dg = da[sel].astype(float), dm[member_rows.get((g, pop), none)].astype(float)
            key = (int(pop), dc.tobytes(), dg.tobytes())
            got = None if expected is None else expected.get(key)
            if got is None:
                got = null.group_expected(int(pop), dc, dg)
                if expected is not None:
                    expected[key] = got
            np.add.at(e, cr[sel], got)  # summed over the classes (one per account without blocks)
    logp_w = window_logp(w, e, e[:, -1] if n else np.zeros(0), cv)
    logp = simes_log(logp_w) if n else np.zeros(0)
    best = np.argmin(logp_w + 1e-12 * np.arange(L)[None, :], axis=1) if n else np.zeros(0, np.int64)
    rows = np.arange(n)
    return pa.table(
        {
            "account_id": cand.column("account_id"),
            "group_id": cand.column("group_id"),
            "w": pa.array(w[rows, best] if n else np.zeros(0), pa.float64()),
            "expected": pa.array(e[rows, best] if n else np.zeros(0), pa.float64()),
            "window_s": pa.array(np.asarray(null.windows)[best] if n else np.zeros(0), pa.float64()),
            "p_value": pa.array(np.exp(logp), pa.float64()),
        }
    )


def attach_pooled(engine: Engine, config: DetectConfig, windows: list[float] | None = None) -> dict[str, Any]:
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

    The co-actions of outside accounts with the groups (``ic_pool_obs``,
    :func:`pooled_objects_sql`) are found in all of ``pairs`` once; each later
    round only updates them with the pairs of the accounts that just joined
    (:func:`pooled_objects_next_sql`).

    With ``pooled=False`` members are only labelled ``link``. Needs
    ``membership``, ``pairs`` (post pairs with ``lvl``) and the null model's
    tables (:data:`~inconcert.scoring.nullmodel.NULL_TABLES`).
    Returns ``{"attached", "rounds": [{"candidates", "attached"}], "seconds"}``.
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
    if accounts and rounds and _have_tables(engine):
        robust = _has_rows(engine, "ic_null_excluded") and _has_rows(engine, "ic_null_objects_kept")
        ladder = [float(w) for w in (windows or config.ladder())]
        degrees = "ic_null_degree"
        if robust and _has_rows(engine, "ic_null_objects_blocks"):
            # the scoring's last round had blocks of objects: the same null here, block classes included
            degrees = "ic_null_degree_blocks"
            null = fit_null(engine, ladder, "ic_null_excluded", "ic_null_objects_blocks", degrees=degrees)
        else:
            null = fit_null(engine, ladder, "ic_null_excluded" if robust else None,
                            "ic_null_objects_kept" if robust else None)
        expected: dict[tuple[int, bytes, bytes], np.ndarray] = {}  # over the rounds: groups that did not change
        new = 0  # where the accounts that joined in the last round start
        for r in range(rounds):
            members = pa.table(
                {"account_id": pa.array(accounts, key_type), "group_id": pa.array(groups, pa.int64())}
            )
            # the co-actions with the groups: from all pairs once, then updated with those who joined
            engine.register_arrow("ic_pool_members", members)
            if r == 0:
                engine.create_table("ic_pool_obs", pooled_objects_sql())
            else:
                engine.register_arrow("ic_pool_joined", members.slice(new))
                engine.rewrite_table("ic_pool_obs", pooled_objects_next_sql())
            new = len(accounts)
            cvs = window_cv(null.windows, float(config.expected_cv), float(config.expected_cv_from))
            cand = pooled_candidates(engine, members, null, cvs, expected, "ic_pool_obs", degrees)
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


def _has_rows(engine: Engine, table: str) -> bool:
    try:
        return engine.count(table) > 0
    except Exception:
        return False


def _have_tables(engine: Engine) -> bool:
    for t in ("ic_null_degree", "ic_null_objects", "ic_obj_window", "ic_null_rest", "pairs"):
        try:
            engine.columns(t)
        except Exception:
            return False
    return "lvl" in engine.columns("pairs")


def drop_pooled_tables(engine: Engine) -> None:
    """Drop this module's scratch tables.

    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> drop_pooled_tables(DuckDBEngine())
    """
    for t in ("ic_pool_members", "ic_pool_cand", "ic_pool_obs", "ic_pool_joined"):
        engine.drop(t)
