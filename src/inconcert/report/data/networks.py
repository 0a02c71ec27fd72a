"""Networks: connected components of significant links that hold groups.

When ``groups.csv`` / ``accounts.csv`` carry ``network_id``, the report shows
groups under their network (the ranking keeps a network's groups together),
each network with a header: its accounts, its groups and their verdicts.
Without the column nothing changes.

>>> nets = networks_of([{"group_id": 1, "network_id": 3, "size": 4, "verdict": "operation", "rank": 1},
...                     {"group_id": 2, "network_id": 3, "size": 2, "verdict": "weak", "rank": 2}],
...                    [{"network_id": 3}] * 7)
>>> nets[0]["n_accounts"], nets[0]["groups"], nets[0]["verdicts"]
(7, [1, 2], [('operation', 1), ('weak', 1)])
"""

from __future__ import annotations

from typing import Any

__all__ = ["attach_networks", "networks_of"]


def _nid(value: Any) -> Any:
    return None if value in (None, "") else value


def networks_of(groups: list[dict[str, Any]], accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per network holding ranked groups, in the order of their best group."""
    n_accounts: dict[Any, int] = {}
    for a in accounts:
        nid = _nid(a.get("network_id"))
        if nid is not None:
            n_accounts[nid] = n_accounts.get(nid, 0) + 1
    nets: dict[Any, dict[str, Any]] = {}
    for g in groups:
        nid = _nid(g.get("network_id"))
        if nid is None:
            continue
        net = nets.setdefault(
            nid, {"network_id": nid, "groups": [], "group_accounts": 0, "verdicts": {}, "rank": g.get("rank")}
        )
        net["groups"].append(g["group_id"])
        net["group_accounts"] += int(g.get("size") or 0)
        v = g.get("verdict")
        if v not in (None, ""):
            net["verdicts"][str(v)] = net["verdicts"].get(str(v), 0) + 1
    out = []
    for nid, net in nets.items():
        net["n_accounts"] = max(n_accounts.get(nid, 0), net["group_accounts"])
        net["verdicts"] = sorted(net["verdicts"].items(), key=lambda kv: (-kv[1], kv[0]))
        out.append(net)
    return out


def attach_networks(groups: list[dict[str, Any]], accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Set each ranked group's ``net`` (its network, or None) and ``net_first``
    (first group shown of its network); return the networks."""
    nets = networks_of(groups, accounts)
    by_id = {n["network_id"]: n for n in nets}
    seen: set[Any] = set()
    for g in groups:
        net = by_id.get(_nid(g.get("network_id")))
        g["net"] = net
        g["net_first"] = net is not None and net["network_id"] not in seen
        if net is not None:
            seen.add(net["network_id"])
    return nets
