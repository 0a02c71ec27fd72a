"""The order of groups in the report: most significant first."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["GROUP_KEYS", "rank_groups"]

#: groups.csv columns the report reads; absent ones (older outputs, no scoring) become None
GROUP_KEYS = (
    "links",
    "density",
    "weight",
    "behaviours",
    "objects",
    "first_ts",
    "last_ts",
    "span_s",
    "top_objects",
    "p_value",
    "verdict",
    "reasons",
)


def _sortable_p(value: Any) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.inf
    return float(value)


def rank_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups ordered most significant first: by p_value when present, then size, weight, id.

    >>> [g["group_id"] for g in rank_groups([
    ...     {"group_id": 1, "size": 9, "weight": 5, "p_value": 0.2},
    ...     {"group_id": 2, "size": 3, "weight": 5, "p_value": 0.001},
    ...     {"group_id": 3, "size": 4, "weight": 5}])]
    [2, 1, 3]
    """
    return sorted(
        groups,
        key=lambda g: (
            _sortable_p(g.get("p_value")),
            -(g.get("size") or 0),
            -(g.get("weight") or 0),
            g.get("group_id") or 0,
        ),
    )
