"""Components, groups and networks: accounts joined by strong links, at three levels.

A **component** is a connected piece of the link graph: every account that a
chain of significant links reaches (:func:`find_components`). A **group** is a
dense cell inside a component: a Leiden community with the Constant Potts Model
(Traag, Van Dooren & Nesterov 2011; Traag, Waltman & van Eck 2019), which,
unlike modularity, does not merge small dense groups into big ones
(``method="components"`` makes the groups the components themselves). A
**network** is groups that act together as a whole (:func:`find_networks`):
each group joins the one group that most of its members have significant links
into. A handful of accounts that also co-shared with another operation (a few
bridging links) does not make two operations one network, while a sparse
campaign that Leiden cut into many cells, or shifts and roles whose members are
mostly tied across, stays one. Leiden communities are connected, so every group
lies inside one component, and so does every network. Seeded, so the same
links give the same groups.

>>> import pyarrow as pa
>>> links = pa.table({"account_a": ["a", "b", "x"], "account_b": ["b", "c", "y"],
...                   "weight": [3, 2, 5]})
>>> m = find_groups(links, method="components")
>>> sorted(zip(m["account_id"].to_pylist(), m["group_id"].to_pylist()))
[('a', 1), ('b', 1), ('c', 1), ('x', 2), ('y', 2)]
>>> n = find_components(links)
>>> sorted(zip(n["account_id"].to_pylist(), n["network_id"].to_pylist()))
[('a', 1), ('b', 1), ('c', 1), ('x', 2), ('y', 2)]
"""

from __future__ import annotations

from typing import Literal

import igraph as ig
import leidenalg
import pyarrow as pa

__all__ = ["find_components", "find_groups", "find_networks"]


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


def find_components(links: pa.Table, min_size: int = 2) -> pa.Table:
    """Membership table ``(account_id, network_id)``: the connected components of
    ``links`` (account_a, account_b, weight), numbered 1..N by decreasing size, then by
    their first account id; components smaller than ``min_size`` are left out."""
    g, names, key_type = _graph(links)
    labels = g.connected_components().membership if names else []
    return _numbered(labels, names, key_type, min_size, "network_id")


def find_networks(links: pa.Table, membership: pa.Table, min_size: int = 2) -> pa.Table:
    """Membership table ``(account_id, network_id)``: groups that act together as a whole.

    Each group (``membership``: account_id, group_id) joins the one other group
    that most of its linked members have a link of ``links`` into (the group its
    members tie into most, ties to the lower group id), if at least half of them
    do; the joins are transitive. A group joins one group, so a few members that
    also co-act with another operation never make the two one network. An
    account with links but in no group goes to the network it has most links
    into (ties: the lower group id) — it never bridges two networks; linked
    accounts with no grouped neighbour form networks among themselves (their
    connected components). Members without links (joined on
    pooled evidence) are in their group's network. Numbered 1..N by decreasing
    size, then by first account id; networks smaller than ``min_size`` are left out.

    >>> import pyarrow as pa
    >>> ab = [("a1", "a2"), ("a1", "a3"), ("a2", "a3"), ("b1", "b2"), ("b1", "b3"), ("b2", "b3"),
    ...       ("a1", "b1")]                      # one bridging link between two groups
    >>> links = pa.table({"account_a": [a for a, _ in ab], "account_b": [b for _, b in ab],
    ...                   "weight": [1] * len(ab)})
    >>> m = pa.table({"account_id": ["a1", "a2", "a3", "b1", "b2", "b3"], "group_id": [1, 1, 1, 2, 2, 2]})
    >>> n = find_networks(links, m)
    >>> sorted(zip(n["account_id"].to_pylist(), n["network_id"].to_pylist()))
    [('a1', 1), ('a2', 1), ('a3', 1), ('b1', 2), ('b2', 2), ('b3', 2)]
    """
    a = links.column("account_a").to_pylist()
    b = links.column("account_b").to_pylist()
    key_type = (
        membership.schema.field("account_id") if membership.num_rows else links.schema.field("account_a")
    ).type
    group = dict(
        zip(membership.column("account_id").to_pylist(), membership.column("group_id").to_pylist(), strict=True)
    )
    names = sorted(set(a) | set(b) | set(group))
    index = {n: i for i, n in enumerate(names)}
    parent = list(range(len(names)))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    def union(u: int, v: int) -> None:
        ru, rv = find(u), find(v)
        if ru != rv:
            parent[max(ru, rv)] = min(ru, rv)

    first: dict[object, int] = {}  # group → its first member's index (the group's unit)
    for n in names:
        if n in group:
            g0 = group[n]
            if g0 in first:
                union(index[n], first[g0])
            else:
                first[g0] = index[n]
    linked: dict[object, set[object]] = {}  # group → its members with a link
    tied: dict[tuple[object, object], set[object]] = {}  # (group, other group) → members tied into it
    neighbours: dict[object, list[object]] = {}  # ungrouped account → its neighbours
    for x, y in zip(a, b, strict=True):
        gx, gy = group.get(x), group.get(y)
        for u, gu, gv, v in ((x, gx, gy, y), (y, gy, gx, x)):
            if gu is None:
                neighbours.setdefault(u, []).append(v)
                continue
            linked.setdefault(gu, set()).add(u)
            if gv is not None and gv != gu:
                tied.setdefault((gu, gv), set()).add(u)
    best: dict[object, tuple[int, object]] = {}  # group → (members tied, the group they tie into most)
    for (g1, g2), members in sorted(tied.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[0][1])):
        best.setdefault(g1, (len(members), g2))
    for g1, (k, g2) in best.items():
        if 2 * k >= len(linked[g1]):
            union(first[g1], first[g2])
    loose: set[object] = set()  # ungrouped accounts without a grouped neighbour
    for u in sorted(neighbours, key=index.__getitem__):
        counts: dict[int, int] = {}
        for v in neighbours[u]:
            if v in group:
                r = find(first[group[v]])
                counts[r] = counts.get(r, 0) + 1
        if counts:
            union(index[u], min(counts, key=lambda r: (-counts[r], r)))
        else:
            loose.add(u)
    for u in loose:
        for v in neighbours[u]:
            if v in loose:
                union(index[u], index[v])
    labels = [find(i) for i in range(len(names))]
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
