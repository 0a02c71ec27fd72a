"""Receipts: per group, the behaviours involved and the top objects with every
member's action on them (the timestamps that show the co-action).

Each member's row shows its first action on the object that fell inside the
window of another member's action (else its first action, marked outside), how
long after the group's first action on the object it came, and the closest
other member's action (reads ``act_in`` from :mod:`~inconcert.report.data.windows`).
"""

from __future__ import annotations

from typing import Any

import duckdb

from inconcert.report.data.files import query_rows
from inconcert.report.data.labels import describe_object
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.values import clip, fmt_duration, fmt_time

__all__ = ["add_behaviour_counts", "add_receipts"]


def add_behaviour_counts(
    con: duckdb.DuckDBPyConnection,
    by_group: dict[int, dict[str, Any]],
) -> None:
    """Distinct objects co-acted on, per behaviour, into each section's ``behaviour_counts``."""
    for gid, behaviour, n_obj in query_rows(
        con,
        "SELECT group_id, behaviour, count(DISTINCT object) FROM acts GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
    ):
        by_group[gid]["behaviour_counts"].append((behaviour, int(n_obj)))


def add_receipts(
    con: duckdb.DuckDBPyConnection,
    by_group: dict[int, dict[str, Any]],
    limits: ReportLimits,
    posts_available: bool,
    labels: dict[str, str] | None = None,
) -> None:
    """Each section's ``objects``: top objects with their receipts (creates ``topobj``)."""
    con.execute(
        f"""
        CREATE TEMP TABLE topobj AS
        SELECT group_id, behaviour, object, count(DISTINCT account) AS n_accounts,
               count(DISTINCT post) AS n_posts, min(t) AS first_t, max(t) AS last_t
        FROM act_in GROUP BY 1, 2, 3
        QUALIFY row_number() OVER (PARTITION BY group_id
            ORDER BY n_accounts DESC, n_posts DESC, first_t, behaviour, object) <= {int(limits.objects)}
        """
    )
    if posts_available:  # each member's own post text, next to its timestamp
        text_sql = "p.text"
        join_sql = (
            "LEFT JOIN (SELECT CAST(post_id AS VARCHAR) AS post, min(CAST(text AS VARCHAR)) AS text "
            "FROM posts GROUP BY 1) p USING (post)"
        )
    else:
        text_sql, join_sql = "NULL", ""
    receipts = query_rows(
        con,
        f"""
        WITH r AS (
          SELECT a.group_id, a.behaviour, a.object, a.account,
                 first(a.t ORDER BY a.inside DESC NULLS LAST, a.t, a.post) AS t,
                 first(a.post ORDER BY a.inside DESC NULLS LAST, a.t, a.post) AS post,
                 bool_or(a.inside) AS inside, count(DISTINCT a.post) AS n_posts
          FROM act_in a JOIN topobj o USING (group_id, behaviour, object)
          GROUP BY 1, 2, 3, 4),
        sel AS (
          SELECT * FROM r
          QUALIFY row_number() OVER (PARTITION BY group_id, behaviour, object ORDER BY t, account)
              <= {int(limits.receipts)}),
        near AS (
          SELECT s.group_id, s.behaviour, s.object, s.account,
                 first(o.t - s.t ORDER BY abs(o.t - s.t), o.account, o.t) AS near_us,
                 first(o.account ORDER BY abs(o.t - s.t), o.account, o.t) AS near_account
          FROM sel s JOIN acts o
            ON o.group_id = s.group_id AND o.behaviour = s.behaviour AND o.object = s.object
           AND o.account <> s.account
          GROUP BY 1, 2, 3, 4)
        SELECT group_id, behaviour, object, account, t, post, n_posts, {text_sql}, inside,
               near_us, near_account
        FROM sel LEFT JOIN near USING (group_id, behaviour, object, account) {join_sql}
        ORDER BY group_id, behaviour, object, t, account
        """,
    )
    labels = labels or {}
    rec_map: dict[tuple, list] = {}
    for gid, behaviour, obj, account, t, post, n_posts, text, inside, near_us, near_acc in receipts:
        rec_map.setdefault((gid, behaviour, obj), []).append(
            (account, t, post, n_posts, text, inside, near_us, near_acc)
        )
    for gid, behaviour, obj, n_acc, n_posts, first_t, last_t in query_rows(
        con,
        "SELECT group_id, behaviour, object, n_accounts, n_posts, first_t, last_t FROM topobj "
        "ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, behaviour, object",
    ):
        rows = [
            {
                "account": account,
                "time": fmt_time(t),
                "delta": "+" + fmt_duration((t - first_t) / 1e6),
                "post": post,
                "n_posts": int(np),
                "text": clip(text, 200) if text else "",
                "inside": inside,
                "nearest": _nearest(near_us, near_acc),
            }
            for account, t, post, np, text, inside, near_us, near_acc in rec_map.get(
                (gid, behaviour, obj), []
            )
        ]
        by_group[gid]["objects"].append(
            {
                "show": describe_object(
                    behaviour, obj, labels, next((r["text"] for r in rows if r["text"]), None)
                ),
                "behaviour": behaviour,
                "object": clip(obj, limits.text_chars),
                "n_accounts": int(n_acc),
                "n_posts": int(n_posts),
                "first": fmt_time(first_t),
                "span": fmt_duration((last_t - first_t) / 1e6),
                "receipts": rows,
                "has_text": any(r["text"] for r in rows),
                "more": max(0, int(n_acc) - len(rows)),
                "n_inside": sum(1 for r in rows if r["inside"]),
                "marked": any(r["inside"] is not None for r in rows),
            }
        )


def _nearest(near_us: int | None, account: str | None) -> str:
    """The closest other member's action on the same object: ``'12s after B'``.

    >>> _nearest(-12_000_000, "B"), _nearest(0, "C"), _nearest(None, None)
    ('12s before, B', 'same time, C', '')
    """
    if near_us is None or account is None:
        return ""
    if near_us == 0:
        return f"same time, {account}"
    side = "after" if near_us > 0 else "before"
    return f"{fmt_duration(abs(near_us) / 1e6)} {side}, {account}"
