"""Member tables: each group's strongest members, with their accounts.csv columns."""

from __future__ import annotations

from typing import Any

from inconcert.report.data.files import NUMERIC
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.values import cell

__all__ = ["add_members"]


def add_members(
    by_group: dict[int, dict[str, Any]],
    accounts: list[dict[str, Any]],
    account_columns: list[str],
    limits: ReportLimits,
    notes: list[str],
) -> None:
    """Each section's ``members`` (at most ``limits.members``); a note when cut."""
    shown = [c for c in account_columns if c not in ("group_id",) and not c.startswith("_")]
    members: dict[int, list[dict[str, Any]]] = {}
    for a in accounts:
        gid = a.get("group_id")
        if gid in by_group:
            members.setdefault(gid, []).append(a)
    truncated = 0
    for gid, sec in by_group.items():
        rows = sorted(
            members.get(gid, []),
            key=lambda a: (
                -(a.get("strength") or 0),
                -(a.get("n_coordinated") or 0),
                str(a["account_id"]),
            ),
        )
        sec["n_members"] = len(rows)
        sec["member_columns"] = shown
        sec["member_numeric"] = [c in NUMERIC for c in shown]
        sec["members"] = [[cell(a.get(c)) for c in shown] for a in rows[: limits.members]]
        truncated += len(rows) > limits.members
    if truncated:
        notes.append(
            f"Member tables show the {limits.members} strongest members of each group "
            f"({truncated} group(s) have more; see accounts.csv)."
        )
