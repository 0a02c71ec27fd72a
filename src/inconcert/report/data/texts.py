"""Example texts per group: the posts' own texts when ``posts.parquet`` exists,
else the text objects (``text``, ``near_text``, ``semantic_text``) co-acted on."""

from __future__ import annotations

from typing import Any

import duckdb

from inconcert.report.data.files import query_rows
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.values import clip, fmt_time

__all__ = ["TEXT_BEHAVIOURS", "add_texts"]

#: behaviours whose object is itself a (normalised) text
TEXT_BEHAVIOURS = ("text", "near_text", "semantic_text")


def add_texts(
    con: duckdb.DuckDBPyConnection,
    by_group: dict[int, dict[str, Any]],
    limits: ReportLimits,
    posts_available: bool,
) -> None:
    """Each section's ``texts`` and ``texts_source``."""
    if posts_available:
        texts = query_rows(
            con,
            f"""
            WITH e AS (SELECT DISTINCT group_id, account, post, t FROM acts),
            j AS (SELECT e.group_id, e.account, e.post, e.t, CAST(p.text AS VARCHAR) AS text
                  FROM e JOIN posts p ON CAST(p.post_id AS VARCHAR) = e.post
                  WHERE p.text IS NOT NULL AND trim(CAST(p.text AS VARCHAR)) <> '')
            SELECT group_id, text, count(DISTINCT account) AS n_accounts, count(DISTINCT post) AS n_posts,
                   min(t) AS first_t, first(post ORDER BY t, post), first(account ORDER BY t, post)
            FROM j GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY group_id
                ORDER BY n_accounts DESC, n_posts DESC, first_t, text) <= {int(limits.texts)}
            ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, text
            """,
        )
        source = "posts.parquet"
    else:
        beh = ", ".join(f"'{b}'" for b in TEXT_BEHAVIOURS)
        texts = query_rows(
            con,
            f"""
            SELECT group_id, object, count(DISTINCT account) AS n_accounts, count(DISTINCT post) AS n_posts,
                   min(t) AS first_t, first(post ORDER BY t, post), first(account ORDER BY t, post)
            FROM acts WHERE behaviour IN ({beh}) GROUP BY 1, 2
            QUALIFY row_number() OVER (PARTITION BY group_id
                ORDER BY n_accounts DESC, n_posts DESC, first_t, object) <= {int(limits.texts)}
            ORDER BY group_id, n_accounts DESC, n_posts DESC, first_t, object
            """,
        )
        source = "objects"
    for gid, text, n_acc, n_posts, first_t, post, account in texts:
        by_group[gid]["texts"].append(
            {
                "text": clip(text, limits.text_chars),
                "n_accounts": int(n_acc),
                "n_posts": int(n_posts),
                "first": fmt_time(first_t),
                "post": post,
                "account": account,
            }
        )
    for sec in by_group.values():
        sec["texts_source"] = source
