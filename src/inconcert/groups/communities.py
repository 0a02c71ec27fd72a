"""Networks and groups: accounts joined by strong links, at two levels.

A **network** is a connected component of the link graph: every account that
a chain of significant links reaches. A **group** is a dense cell inside a
network: a Leiden community with the Constant Potts Model (Traag, Van Dooren &
Nesterov 2011; Traag, Waltman & van Eck 2019), which, unlike modularity, does
not merge small dense groups into big ones (``method="components"`` makes the
groups the networks themselves). Leiden communities are connected, so every
group lies inside one network; one campaign with several roles or shifts is
one network of several groups. Seeded, so the same links give the same groups.

>>> import pyarrow as pa
>>> links = pa.table({"account_a": ["a", "b", "x"], "account_b": ["b", "c", "y"],
...                   "weight": [3, 2, 5]})
>>> m = find_groups(links, method="components")
>>> sorted(zip(m["account_id"].to_pylist(), m["group_id"].to_pylist()))
[('a', 1), ('b', 1), ('c', 1), ('x', 2), ('y', 2)]
>>> n = find_networks(links)
>>> sorted(zip(n["account_id"].to_pylist(), n["network_id"].to_pylist()))
[('a', 1), ('b', 1), ('c', 1), ('x', 2), ('y', 2)]
"""

from __future__ import annotations

from typing import Literal

import igraph as ig
import leidenalg
import pyarrow as pa

__all__ = ["find_groups", "find_networks"]


def find_groups(
    links: pa.Table,
    method: Literal["leiden", "components"] = "leiden",
    resolution: float = 0.05,
    seed: int = 42,
    min_size: int = 2,
) -> pa.Table:
    """Membership table ``(account_id, group_id)`` from ``links`` (account_a, account_b, weight);
    accounts are names or integer keys (the result has the same type).

    Groups are numbered 1..G by decreasing size, then by their first account id.
    Accounts in groups smaller than ``min_size`` are left out.
    """
    g, names, key_type = _graph(links)
    if not names:
        return pa.table({"account_id": pa.array([], key_type), "group_id": pa.array([], pa.int64())})
    if method == "components":
        labels = g.connected_components().membership
    else:
        part = leidenalg.find_partition(
            g,
            leidenalg.CPMVertexPartition,
            resolution_parameter=resolution,
            n_iterations=-1,
            seed=seed,
        )
        labels = part.membership
    return _numbered(labels, names, key_type, min_size, "group_id")


def find_networks(links: pa.Table, min_size: int = 2) -> pa.Table:
    """Membership table ``(account_id, network_id)``: the connected components of
    ``links`` (account_a, account_b, weight), numbered 1..N by decreasing size, then by
    their first account id; components smaller than ``min_size`` are left out."""
    g, names, key_type = _graph(links)
    labels = g.connected_components().membership if names else []
    return _numbered(labels, names, key_type, min_size, "network_id")


def _graph(links: pa.Table) -> tuple[ig.Graph, list[object], pa.DataType]:
    """The weighted graph of ``links``, its vertex names (sorted) and their Arrow type."""
    a = links.column("account_a").to_pylist()
    b = links.column("account_b").to_pylist()
    w = [float(x) for x in links.column("weight").to_pylist()]
    key_type = links.schema.field("account_a").type
    names = sorted(set(a) | set(b))
    index = {n: i for i, n in enumerate(names)}
    order = sorted(range(len(a)), key=lambda i: (index[a[i]], index[b[i]]))
    g = ig.Graph(n=len(names), edges=[(index[a[i]], index[b[i]]) for i in order])
    g.es["weight"] = [w[i] for i in order]
    return g, names, key_type


def _numbered(labels: list[int], names: list[object], key_type: pa.DataType, min_size: int, column: str) -> pa.Table:
    """Clusters of ``labels`` numbered 1.. by decreasing size, then by first name."""
    clusters: dict[int, list[int]] = {}
    for v, c in enumerate(labels):
        clusters.setdefault(c, []).append(v)
    ranked = sorted(
        (members for members in clusters.values() if len(members) >= min_size),
        key=lambda m: (-len(m), names[m[0]]),
    )
    acc: list[object] = []
    num: list[int] = []
    for i, members in enumerate(ranked, start=1):
        for v in members:
            acc.append(names[v])
            num.append(i)
    return pa.table({"account_id": pa.array(acc, key_type), column: pa.array(num, pa.int64())})
