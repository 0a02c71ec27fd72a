"""Receipts: per group, the behaviours involved and the top objects with every
member's earliest action on them (the timestamps that show the co-action)."""

from __future__ import annotations

from typing import Any

import duckdb

from inconcert.report.data.files import query_rows
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
) -> None:
    """Each section's ``objects``: top objects with their receipts (creates ``topobj``)."""
    con.execute(
        f"""
        CREATE TEMP TABLE topobj AS
        SELECT group_id, behaviour, object, count(DISTINCT account) AS n_accounts,
               count(DISTINCT post) AS n_posts, min(t) AS first_t, max(t) AS last_t
        FROM acts GROUP BY 1, 2, 3
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
          SELECT a.group_id, a.behaviour, a.object, a.account, min(a.t) AS t,
                 first(a.post ORDER BY a.t, a.post) AS post, count(DISTINCT a.post) AS n_posts
          FROM acts a JOIN topobj o USING (group_id, behaviour, object)
          GROUP BY 1, 2, 3, 4)
        SELECT group_id, behaviour, object, account, t, post, n_posts, {text_sql} FROM r {join_sql}
        QUALIFY row_number() OVER (PARTITION BY group_id, behaviour, object ORDER BY t, account)
            <= {int(limits.receipts)}
        ORDER BY group_id, behaviour, object, t, account
        """,
    )
    rec_map: dict[tuple, list] = {}
    for gid, behaviour, obj, account, t, post, n_posts, text in receipts:
        rec_map.setdefault((gid, behaviour, obj), []).append((account, t, post, n_posts, text))
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
            }
            for account, t, post, np, text in rec_map.get((gid, behaviour, obj), [])
        ]
        by_group[gid]["objects"].append(
            {
                "behaviour": behaviour,
                "object": clip(obj, limits.text_chars),
                "n_accounts": int(n_acc),
                "n_posts": int(n_posts),
                "first": fmt_time(first_t),
                "span": fmt_duration((last_t - first_t) / 1e6),
                "receipts": rows,
                "has_text": any(r["text"] for r in rows),
                "more": max(0, int(n_acc) - len(rows)),
            }
        )
