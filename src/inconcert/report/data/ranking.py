"""The order of groups in the report: most significant first."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["GROUP_KEYS", "group_key", "rank_csv_groups", "rank_groups"]

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
    "network_id",
)


def _sortable_p(value: Any) -> float:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return math.inf
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.inf


def _num(value: Any) -> float:
    try:
        return float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        return 0.0


def group_key(g: dict[str, Any]) -> tuple[float, float, float, float]:
    """Sort key of one group: p_value (absent last), then bigger, heavier, lower id."""
    return (_sortable_p(g.get("p_value")), -_num(g.get("size")), -_num(g.get("weight")), _num(g.get("group_id")))


def rank_groups(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups ordered most significant first: by p_value when present, then size, weight, id.

    When groups carry a ``network_id`` (networks: groups that act as a whole,
    of one or more groups), groups stay together under their network: networks in the order
    of their best group, groups inside a network in the same order. This one
    order numbers the ranks, so "rank 1" is always the first group shown.

    >>> [g["group_id"] for g in rank_groups([
    ...     {"group_id": 1, "size": 9, "weight": 5, "p_value": 0.2},
    ...     {"group_id": 2, "size": 3, "weight": 5, "p_value": 0.001},
    ...     {"group_id": 3, "size": 4, "weight": 5}])]
    [2, 1, 3]
    >>> [g["group_id"] for g in rank_groups([
    ...     {"group_id": 1, "size": 9, "p_value": 0.2, "network_id": 7},
    ...     {"group_id": 2, "size": 3, "p_value": 0.001, "network_id": 8},
    ...     {"group_id": 3, "size": 4, "p_value": 0.01, "network_id": 7}])]
    [2, 3, 1]
    """
    ordered = sorted(groups, key=group_key)
    if not any(g.get("network_id") not in (None, "") for g in ordered):
        return ordered
    first: dict[Any, int] = {}
    for i, g in enumerate(ordered):
        first.setdefault(_network(g), i)
    return sorted(ordered, key=lambda g: first[_network(g)])  # stable: group order kept inside


def _network(g: dict[str, Any]) -> Any:
    n = g.get("network_id")
    return ("group", g.get("group_id")) if n in (None, "") else ("network", str(n))


def rank_csv_groups(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """:func:`rank_groups` for rows read as text (``csv.DictReader`` on groups.csv).

    >>> [r["group_id"] for r in rank_csv_groups([
    ...     {"group_id": "1", "size": "28", "p_value": "9.1e-11"},
    ...     {"group_id": "2", "size": "22", "p_value": "1.3e-49"}])]
    ['2', '1']
    """
    return rank_groups(rows)
