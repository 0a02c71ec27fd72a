"""The null model of co-action, as SQL builders plus one driver function.

Objects are split by how many accounts shared them (``popular`` = at least
``POPULAR_SHARERS`` sharers, default 50).

- **Popular objects** — viral stories, big cascades. Who shares them is
  interest, not evidence; the null keeps who shared them and randomises only
  timing. For a link ``(a, b)`` and each popular object both acted on,
  ``r_abo = 1 − (1 − q_o)^(k_ao · k_bo)`` is the chance that at least one of their
  ``k_ao · k_bo`` share pairs falls within the window, with ``q_o = P_o / C_o``
  the object's own fraction of cross-account share pairs within the window.
  A tight viral burst has ``q_o`` near 1 and explains its co-actions; a story
  shared over weeks has ``q_o`` near 0 and does not.
- **Other objects** — sharing the same rare objects at the same time is
  itself the evidence. Only each account's *first* share of an object counts
  (re-posting the same thing over and over co-acts with everyone by
  repetition, not by coordination). Each account's expected number of
  within-window partners on these objects is ``A_a = Σ_o c_o`` with
  ``c_o = 2 P'_o / n_o`` (``P'_o`` first-share pairs within the window: the
  object's mean number of within-window partners per sharer; large for bursty
  objects, ≈ 0 for slow ones), summed over the objects ``a`` shared (so active
  accounts expect more). A partner is any account, drawn in proportion to its
  activity ``d_b`` (distinct such objects it shared; the Chung–Lu form of the
  bipartite configuration model): ``E_small = ½ (A_a d_b / (M − d_a) +
  A_b d_a / (M − d_b))`` with ``M = Σ_c d_c``.

``expected`` = E_popular + E_small with ``E_popular = Σ_popular r_abo``. The co-actions of a link (distinct objects) split
into the same two parts, each tested by its Poisson tail; the smaller p-value,
Bonferroni-corrected for the parts that can occur and conditioned on the link
existing (``W ≥ 1``), is the link's p-value, and the p-values of all links are
adjusted by Benjamini–Hochberg. A single co-action is never evidence: links
with ``W = 1`` keep p = 1 and are not computed. Maths and sources:
``docs/null-model.md``.

>>> "e_small" in tested_sql(100.0)
True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from inconcert.config import POPULAR_SHARERS, DetectConfig
from inconcert.engines.base import Engine
from inconcert.scoring.pooled import POOLED_TABLES, pooled_enabled
from inconcert.scoring.stats import bh_qvalues, two_part_logp

__all__ = [
    "POPULAR_SHARERS",
    "account_objects_sql",
    "object_stats_sql",
    "account_strength_sql",
    "popular_ids_sql",
    "tested_links_sql",
    "popular_expected_sql",
    "small_pairs_sql",
    "small_weight_sql",
    "tested_sql",
    "scored_links_sql",
    "score_links",
    "fdr_of",
]

_SCORE_COLUMNS = ("expected", "p_value", "surprise", "q_value", "significant")

def fdr_of(config: DetectConfig) -> float:
    """The false discovery rate of a run: ``config.fdr`` (default 0.01).

    >>> fdr_of(DetectConfig(fdr=0.05))
    0.05
    """
    return float(config.fdr)


def account_objects_sql(min_participation: int, eligible: str | None = None) -> str:
    """``(behaviour, object, account_id, k, seq0)``: shares per account and object
    and the input position of the first one, for accounts with at least
    ``min_participation`` traces in the behaviour (only they can be paired).

    ``eligible``: a table of exactly those traces, if the pipeline kept one.
    """
    if eligible:
        src = f"SELECT behaviour, object, account_id, seq FROM {eligible}"
    else:
        src = f"""SELECT behaviour, object, account_id, seq FROM (
            SELECT behaviour, object, account_id, seq,
                   count(*) OVER (PARTITION BY behaviour, account_id) AS n_acc
            FROM traces) s
        WHERE n_acc >= {int(min_participation)}"""
    return f"""SELECT behaviour, object, account_id, count(*) AS k, min(seq) AS seq0
        FROM ({src}) e
        GROUP BY behaviour, object, account_id"""


def _pairs_table(engine: Engine) -> str:
    """Within-window share pairs for the null's rates: the pipeline's
    ``raw_pairs`` (before the participation filter, which would drop pairs of
    one-off sharers and bias ``q_o`` low) when it exists, else ``pairs``."""
    try:
        cols = set(engine.columns("raw_pairs"))
    except Exception:
        return "pairs"
    need = {"behaviour", "object", "account_a", "account_b", "seq_a", "seq_b"}
    return "raw_pairs" if need <= cols else "pairs"


def _eligible_table(engine: Engine) -> str | None:
    """The pipeline's ``eligible`` traces table, when it exists."""
    try:
        cols = set(engine.columns("eligible"))
    except Exception:
        return None
    return "eligible" if {"behaviour", "object", "account_id", "seq"} <= cols else None


def object_stats_sql(popular_sharers: int = POPULAR_SHARERS, pairs_table: str = "pairs") -> str:
    """Per object with at least one within-window pair: sharers ``n``, shares
    ``s``, share pairs within the window ``p``, ``q`` = ``p`` / share pairs by
    different accounts, and ``popular``; reads ``ic_null_ao``."""
    return f"""WITH pp AS (
        SELECT behaviour, object, count(*) AS p FROM {pairs_table} GROUP BY behaviour, object),
    ob AS (SELECT behaviour, object, count(*) AS n, sum(k) AS s, sum(k * k) AS s2
           FROM ic_null_ao GROUP BY behaviour, object)
    SELECT ob.behaviour, ob.object, ob.n, ob.s, pp.p,
           least(CAST(pp.p AS DOUBLE) / greatest(CAST(ob.s * ob.s - ob.s2 AS DOUBLE) / 2.0, 1.0), 1.0) AS q,
           ob.n >= {int(popular_sharers)} AS popular
    FROM ob JOIN pp ON ob.behaviour = pp.behaviour AND ob.object = pp.object"""


def small_pairs_sql(pairs_table: str = "pairs") -> str:
    """Share pairs on objects that are not popular, one row per (account pair,
    object), with ``first`` = the two accounts' first posts carrying the object
    fall within the window; reads ``ic_null_obj`` and ``ic_null_ao``."""
    return f"""WITH f AS (SELECT DISTINCT seq0 FROM ic_null_ao),
    sp AS (
        SELECT p.behaviour, p.object,
               CASE WHEN p.account_a < p.account_b THEN p.account_a ELSE p.account_b END AS account_a,
               CASE WHEN p.account_a < p.account_b THEN p.account_b ELSE p.account_a END AS account_b,
               CASE WHEN fa.seq0 IS NOT NULL AND fb.seq0 IS NOT NULL THEN 1 ELSE 0 END AS first
        FROM {pairs_table} p
        JOIN ic_null_obj o ON p.behaviour = o.behaviour AND p.object = o.object
        LEFT JOIN f fa ON p.seq_a = fa.seq0
        LEFT JOIN f fb ON p.seq_b = fb.seq0
        WHERE NOT o.popular)
    SELECT behaviour, object, account_a, account_b, max(first) AS first
    FROM sp GROUP BY behaviour, object, account_a, account_b"""


def account_strength_sql(popular_sharers: int = POPULAR_SHARERS) -> str:
    """``(account_id, a, d)``: on objects that are not popular, ``d`` = distinct
    objects the account shared and ``a`` = its expected within-window partners
    ``A`` (first shares only: ``c_o = 2 P'_o / n_o``, ``P'_o`` first-share pairs
    within the window); reads ``ic_null_ao``, ``ic_null_obj`` and ``ic_null_sp``."""
    return f"""WITH oc AS (
        SELECT o.behaviour, o.object,
               least(CAST(o.n - 1 AS DOUBLE), 2.0E0 * sum(sp.first) / o.n) AS c
        FROM ic_null_obj o JOIN ic_null_sp sp ON o.behaviour = sp.behaviour AND o.object = sp.object
        GROUP BY o.behaviour, o.object, o.n),
    ob AS (SELECT behaviour, object FROM ic_null_ao GROUP BY behaviour, object
           HAVING count(*) < {int(popular_sharers)})
    SELECT a.account_id, sum(coalesce(oc.c, 0.0)) AS a, count(*) AS d
    FROM ic_null_ao a
    JOIN ob ON a.behaviour = ob.behaviour AND a.object = ob.object
    LEFT JOIN oc ON a.behaviour = oc.behaviour AND a.object = oc.object
    GROUP BY a.account_id"""


def popular_ids_sql() -> str:
    """``ic_null_popular`` with integer ids for accounts (``aid``) and objects
    (``oid``), so the intersection join below runs on integers."""
    return """WITH acc AS (
        SELECT account_id, row_number() OVER (ORDER BY account_id) AS aid
        FROM (SELECT DISTINCT account_id FROM ic_null_popular) s),
    obj AS (
        SELECT behaviour, object, row_number() OVER (ORDER BY behaviour, object) AS oid
        FROM (SELECT DISTINCT behaviour, object FROM ic_null_popular) s)
    SELECT acc.aid, obj.oid, p.account_id, p.k, p.q
    FROM ic_null_popular p
    JOIN acc ON p.account_id = acc.account_id
    JOIN obj ON p.behaviour = obj.behaviour AND p.object = obj.object"""


def tested_links_sql(min_weight: int = 2) -> str:
    """Links with at least ``min_weight`` co-actions and the integer ids of
    their accounts in ``ic_null_pid`` (NULL when an account shared no popular
    object), ``aid_a`` being the account with fewer popular objects, so the
    intersection join below expands the smaller side."""
    return f"""WITH acc AS (SELECT account_id, aid, count(*) AS deg FROM ic_null_pid
                 GROUP BY account_id, aid)
    SELECT l.account_a, l.account_b, l.weight,
           CASE WHEN xa.deg <= xb.deg THEN xa.aid ELSE xb.aid END AS aid_a,
           CASE WHEN xa.deg <= xb.deg THEN xb.aid ELSE xa.aid END AS aid_b
    FROM (SELECT account_a, account_b, weight FROM links WHERE weight >= {int(min_weight)}) l
    LEFT JOIN acc xa ON l.account_a = xa.account_id
    LEFT JOIN acc xb ON l.account_b = xb.account_id"""


def popular_expected_sql() -> str:
    """``(aid_a, aid_b, e)``: Σ over popular objects both accounts of a tested
    link acted on of ``1 − (1 − q_o)^(k_a k_b)``; reads ``ic_null_tested`` and
    ``ic_null_pid``."""
    return """SELECT l.aid_a, l.aid_b, sum(1.0 - power(1.0 - x.q, x.k * y.k)) AS e
    FROM (SELECT DISTINCT aid_a, aid_b FROM ic_null_tested
          WHERE aid_a IS NOT NULL AND aid_b IS NOT NULL) l
    JOIN ic_null_pid x ON x.aid = l.aid_a
    JOIN ic_null_pid y ON y.aid = l.aid_b AND y.oid = x.oid
    GROUP BY l.aid_a, l.aid_b"""


def small_weight_sql() -> str:
    """``(account_a, account_b, w_small, w_first)``: distinct objects that are not
    popular on which a pair co-acted (with any share / with first shares);
    reads ``ic_null_sp``."""
    return """SELECT account_a, account_b, count(*) AS w_small, sum(first) AS w_first
    FROM ic_null_sp GROUP BY account_a, account_b"""


def tested_sql(total: float) -> str:
    """The tested links with the co-actions and expectations of both parts:
    ``w_small``, ``w_first``, ``e_small`` (``total`` = M) and ``e_popular`` = Σ_popular r_abo;
    reads ``ic_null_tested``, ``ic_null_ws``, ``ic_null_ep`` and ``ic_null_strength``."""
    t = max(float(total), 1e-12)
    return f"""SELECT l.account_a, l.account_b, l.weight, coalesce(ws.w_small, 0) AS w_small,
           coalesce(ws.w_first, 0) AS w_first,
           0.5 * (coalesce(sx.a, 0.0) * coalesce(sy.d, 0) / greatest({t!r} - coalesce(sx.d, 0), 1.0)
                + coalesce(sy.a, 0.0) * coalesce(sx.d, 0) / greatest({t!r} - coalesce(sy.d, 0), 1.0))
             AS e_small,
           coalesce(ep.e, 0.0) AS e_popular
    FROM ic_null_tested l
    LEFT JOIN ic_null_ws ws ON l.account_a = ws.account_a AND l.account_b = ws.account_b
    LEFT JOIN ic_null_ep ep ON l.aid_a = ep.aid_a AND l.aid_b = ep.aid_b
    LEFT JOIN ic_null_strength sx ON l.account_a = sx.account_id
    LEFT JOIN ic_null_strength sy ON l.account_b = sy.account_id"""


def scored_links_sql(fdr: float) -> str:
    """``links`` with the score columns from ``ic_null_scores``; untested links
    (one co-action) get ``expected`` NULL, ``p_value`` 1 and ``q_value`` 1."""
    return f"""SELECT l.*, s.expected,
           coalesce(s.p_value, 1.0) AS p_value, coalesce(s.surprise, 0.0) AS surprise,
           coalesce(s.q_value, 1.0) AS q_value,
           coalesce(s.q_value, 1.0) <= {float(fdr)!r} AS significant
    FROM links l LEFT JOIN ic_null_scores s
      ON l.account_a = s.account_a AND l.account_b = s.account_b"""


def score_links(engine: Engine, config: DetectConfig) -> None:
    """Add ``expected``, ``p_value``, ``surprise`` (−log10 p), ``q_value`` and
    ``significant`` to the engine's ``links`` table.

    Needs tables ``traces``, ``pairs`` and ``links`` (the pipeline contract).
    Links with one co-action are never evidence: they keep ``expected`` NULL and
    ``p_value`` 1 (but count in the BH family). All per-share work is SQL in the
    engine; only the tested links' ids, weights and expectations come to the
    driver for the Poisson tail and the BH ranking. When pooled evidence is on
    (:func:`~inconcert.scoring.pooled.pooled_enabled`), the tables in
    :data:`~inconcert.scoring.pooled.POOLED_TABLES` are kept for
    :func:`~inconcert.scoring.pooled.attach_pooled`, which drops them.

    >>> import pyarrow as pa
    >>> from inconcert.engines.duckdb_engine import DuckDBEngine
    >>> e = DuckDBEngine()
    >>> e.register_arrow("traces", pa.table({"behaviour": ["url"] * 4,
    ...     "object": ["u1", "u1", "u2", "u2"], "account_id": ["a", "b", "a", "b"],
    ...     "post_id": ["1", "2", "3", "4"], "seq": [0, 1, 2, 3], "t": [0, 1, 10**9, 10**9 + 1]}))
    >>> e.register_arrow("pairs", pa.table({"behaviour": ["url"] * 2, "object": ["u1", "u2"],
    ...     "account_a": ["a", "a"], "account_b": ["b", "b"], "seq_a": [0, 2], "seq_b": [1, 3]}))
    >>> e.register_arrow("links", pa.table({"account_a": ["a"], "account_b": ["b"], "weight": [2]}))
    >>> score_links(e, DetectConfig(min_participation=1))
    >>> e.to_arrow("SELECT expected, round(p_value, 4) AS p FROM links").to_pylist()
    [{'expected': 2.0, 'p': 0.687}]
    """
    fdr = fdr_of(config)
    popular = int(config.null_popular_sharers)
    engine.create_table(
        "ic_null_ao", account_objects_sql(config.min_participation, _eligible_table(engine))
    )
    src = _pairs_table(engine)
    engine.create_table("ic_null_obj", object_stats_sql(popular, src))
    engine.create_table("ic_null_sp", small_pairs_sql(src))
    engine.create_table("ic_null_strength", account_strength_sql(popular))
    total = float(engine.scalar("SELECT sum(d) FROM ic_null_strength") or 0.0)
    engine.create_table(
        "ic_null_popular",
        "SELECT a.behaviour, a.object, a.account_id, CAST(a.k AS DOUBLE) AS k, o.q "
        "FROM ic_null_ao a JOIN ic_null_obj o ON a.behaviour = o.behaviour "
        "AND a.object = o.object WHERE o.popular",
    )
    engine.create_table("ic_null_pid", popular_ids_sql())
    engine.create_table("ic_null_tested", tested_links_sql(2))
    engine.create_table("ic_null_ep", popular_expected_sql())
    engine.create_table("ic_null_ws", small_weight_sql())
    # Expectations are float sums whose order varies between parallel runs and
    # engines: rounded here, every score computed from them is reproducible.
    r = engine.dialect.round_sig
    tested = engine.to_arrow(
        f"SELECT account_a, account_b, weight, w_small, w_first, {r('e_small', 12)} AS e_small, "
        f"{r('e_popular', 12)} AS e_popular FROM ({tested_sql(total)}) t ORDER BY account_a, account_b"
    )
    m = engine.count("links")

    def col(name: str) -> np.ndarray:
        x = tested.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
        return np.nan_to_num(x)

    w, ws, wf = col("weight"), col("w_small"), col("w_first")
    es, ep = col("e_small"), col("e_popular")
    e = es + ep
    logp = two_part_logp(wf, es, np.maximum(w - ws, 0.0), ep)
    p = np.exp(logp)
    # BH over all m links; the untested ones (weight 1) have p = 1 and rank last.
    q = bh_qvalues(np.concatenate([p, np.ones(m - len(p))]))[: len(p)]
    scores = pa.table(
        {
            "account_a": tested.column("account_a"),
            "account_b": tested.column("account_b"),
            "expected": pa.array(e, pa.float64()),
            "p_value": pa.array(p, pa.float64()),
            "surprise": pa.array(np.maximum(-logp / np.log(10.0), 0.0), pa.float64()),
            "q_value": pa.array(q, pa.float64()),
        }
    )
    engine.register_arrow("ic_null_scores", scores)
    if engine.dialect.in_place_update:
        # Engines that can (DuckDB) add the columns in place and updates only the tested rows,
        # instead of rewriting every link (3-4x faster on millions of links).
        for c in _SCORE_COLUMNS:
            engine.execute(f"ALTER TABLE links DROP COLUMN IF EXISTS {c}")
        engine.execute(
            "ALTER TABLE links ADD COLUMN expected DOUBLE; "
            "ALTER TABLE links ADD COLUMN p_value DOUBLE DEFAULT 1.0; "
            "ALTER TABLE links ADD COLUMN surprise DOUBLE DEFAULT 0.0; "
            "ALTER TABLE links ADD COLUMN q_value DOUBLE DEFAULT 1.0; "
            "ALTER TABLE links ADD COLUMN significant BOOLEAN DEFAULT false"
        )
        engine.execute(
            "UPDATE links SET expected = s.expected, p_value = s.p_value, "
            f"surprise = s.surprise, q_value = s.q_value, significant = s.q_value <= {float(fdr)!r} "
            "FROM ic_null_scores s "
            "WHERE links.account_a = s.account_a AND links.account_b = s.account_b"
        )
    else:
        engine.create_table("ic_links_scored", scored_links_sql(fdr))
        engine.create_table("links", "SELECT * FROM ic_links_scored")
    # Pooled evidence (after grouping) reads the strengths and the small-object
    # pairs; it drops them itself.
    keep = POOLED_TABLES if pooled_enabled(config) else ()
    for t in (
        "ic_links_scored",
        "ic_null_scores",
        "ic_null_ao",
        "ic_null_obj",
        "ic_null_strength",
        "ic_null_popular",
        "ic_null_pid",
        "ic_null_tested",
        "ic_null_ep",
        "ic_null_ws",
        "ic_null_sp",
    ):
        if t in keep:
            continue
        engine.drop(t)
