"""The full section of each top-ranked group: timeline, behaviours, receipts,
example texts and members, each filled by its own module."""

from __future__ import annotations

from typing import Any

import duckdb

from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.members import add_members
from inconcert.report.data.receipts import add_behaviour_counts, add_receipts
from inconcert.report.data.texts import add_texts
from inconcert.report.data.timeline import add_timelines
from inconcert.report.data.windows import mark_windows

__all__ = ["sections"]


def sections(
    con: duckdb.DuckDBPyConnection,
    ranked: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    account_columns: list[str],
    limits: ReportLimits,
    posts_available: bool,
    notes: list[str],
    window: float | None = None,
    labels: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The full sections of the top ``limits.sections`` groups, in rank order.

    Reads the ``acts`` table (one row per member action in an in-group co-action)
    and the ``lk`` view (links); ``window`` (seconds) is the run's window, used
    where a link carries no ``window_s`` of its own, to mark which actions fell
    inside the window of another member's action.
    """
    chosen = [g for g in ranked if g["has_section"]]
    if not chosen:
        return []
    by_group: dict[int, dict[str, Any]] = {
        g["group_id"]: {
            "group": g,
            "timeline": {
                "t0": None,
                "t1": None,
                "bins": [],
                "rows": [],
                "n_events": 0,
                "n_rows": 0,
                "n_outside": 0,
                "marked": False,
            },
            "objects": [],
            "texts": [],
            "texts_source": "",
            "members": [],
            "n_members": 0,
            "member_columns": [],
            "member_numeric": [],
            "behaviour_counts": [],
            "window": window,
        }
        for g in chosen
    }
    mark_windows(con, window, notes)
    add_timelines(con, by_group, limits)
    add_behaviour_counts(con, by_group)
    add_receipts(con, by_group, limits, posts_available, labels)
    add_texts(con, by_group, limits, posts_available)
    add_members(by_group, accounts, account_columns, limits, notes)
    return [by_group[g["group_id"]] for g in chosen]
