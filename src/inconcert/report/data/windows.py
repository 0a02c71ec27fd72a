"""Which member actions fell inside the window of another member's action.

A co-action counts when two members act on the same object within the time
window: the run's window (``summary.json`` ``window_used``), or, when links
carry one, the link's own ``window_s`` (the window at which that pair is most
significant). Receipts and timelines show every member action of a group on
its objects; this marks each one ``inside`` (some other member acted on the
same object within the window that applies to that pair) or not, so an offset
like "+7h 3m" under a 60 s window reads as what it is.
"""

from __future__ import annotations

import duckdb

__all__ = ["MAX_PAIR_CHECKS", "mark_windows"]


#: per-pair checks compare every two actions on an object within the widest window;
#: above this many comparisons the run's window is used for every pair (noted)
MAX_PAIR_CHECKS = 20_000_000


def mark_windows(
    con: duckdb.DuckDBPyConnection, window: float | None, notes: list[str] | None = None
) -> None:
    """Create ``act_in``: the ``acts`` rows with ``inside`` (NULL when no window is known).

    Per-pair windows come from ``lk.window_s`` when that column exists; the
    run's ``window`` (seconds) applies to pairs without one. With one window
    for all pairs the test is two range-window counts per action (all actions
    within ±window minus the member's own), O(n log n); per-pair windows need a
    band join, used up to :data:`MAX_PAIR_CHECKS` comparisons.
    """
    cols = {r[0] for r in con.execute("DESCRIBE lk").fetchall()}
    if "window_s" in cols:
        con.execute(
            """CREATE TEMP TABLE pairwin AS
            SELECT least(CAST(account_a AS VARCHAR), CAST(account_b AS VARCHAR)) AS a,
                   greatest(CAST(account_a AS VARCHAR), CAST(account_b AS VARCHAR)) AS b,
                   max(CAST(window_s AS DOUBLE)) AS w
            FROM lk WHERE window_s IS NOT NULL GROUP BY 1, 2"""
        )
    else:
        con.execute("CREATE TEMP TABLE pairwin (a VARCHAR, b VARCHAR, w DOUBLE)")
    widest = con.execute("SELECT max(w) FROM pairwin").fetchone()[0]
    known = [w for w in (window, widest) if w is not None]
    if not known:
        con.execute("CREATE TEMP TABLE act_in AS SELECT *, CAST(NULL AS BOOLEAN) AS inside FROM acts")
        return
    if widest is not None:
        checks = con.execute(
            "SELECT coalesce(sum(n * n), 0) FROM (SELECT count(*) AS n FROM acts GROUP BY group_id, behaviour, object)"
        ).fetchone()[0]
        if checks <= MAX_PAIR_CHECKS:
            _per_pair(con, window, max(known))
            return
        if notes is not None:
            notes.append(
                f"Receipts mark actions inside or outside the run's window ({max(known):g} s) for every "
                "pair: too many actions to check each link's own window."
            )
    _one_window(con, max(known) if window is None else window)


def _one_window(con: duckdb.DuckDBPyConnection, window: float) -> None:
    w = int(window * 1e6)
    con.execute(
        f"""
        CREATE TEMP TABLE act_in AS
        SELECT * EXCLUDE (n_all, n_own), n_all > n_own AS inside FROM (
          SELECT *,
            count(*) OVER (PARTITION BY group_id, behaviour, object ORDER BY t
                           RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING) AS n_all,
            count(*) OVER (PARTITION BY group_id, behaviour, object, account ORDER BY t
                           RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING) AS n_own
          FROM acts)
        """
    )


def _per_pair(con: duckdb.DuckDBPyConnection, window: float | None, widest: float) -> None:
    band = int(widest * 1e6)
    default = "NULL" if window is None else repr(float(window))
    con.execute(
        f"""
        CREATE TEMP TABLE act_in AS
        WITH cand AS (
          SELECT a.group_id, a.behaviour, a.object, a.account, a.post, a.t,
                 o.account AS other, abs(o.t - a.t) AS d
          FROM acts a JOIN acts o
            ON o.group_id = a.group_id AND o.behaviour = a.behaviour AND o.object = a.object
           AND o.account <> a.account AND o.t BETWEEN a.t - {band} AND a.t + {band}),
        ok AS (
          SELECT DISTINCT c.group_id, c.behaviour, c.object, c.account, c.post, c.t
          FROM cand c LEFT JOIN pairwin w
            ON w.a = least(c.account, c.other) AND w.b = greatest(c.account, c.other)
          WHERE c.d <= coalesce(w.w, {default}) * 1e6)
        SELECT a.*, ok.t IS NOT NULL AS inside
        FROM acts a LEFT JOIN ok
          ON ok.group_id = a.group_id AND ok.behaviour = a.behaviour AND ok.object = a.object
         AND ok.account = a.account AND ok.post IS NOT DISTINCT FROM a.post AND ok.t = a.t
        """
    )
