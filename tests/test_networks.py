"""Three levels: components (connected pieces of the links that pass), the groups
inside them, and networks (groups that act as a whole)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from inconcert.config import DetectConfig
from inconcert.groups import find_components, find_networks
from inconcert.pipeline import detect


def _components(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return {x: find(x) for x in parent}


def _links(edges: list[tuple[str, str]]) -> pa.Table:
    return pa.table({"account_a": [a for a, _ in edges], "account_b": [b for _, b in edges],
                     "weight": [1.0] * len(edges)})


def _members(groups: dict[str, list[str]]) -> pa.Table:
    rows = [(a, int(g)) for g, accs in groups.items() for a in accs]
    return pa.table({"account_id": [a for a, _ in rows], "group_id": [g for _, g in rows]})


def _clique(names: list[str]) -> list[tuple[str, str]]:
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]


def _net(t: pa.Table) -> dict[str, int]:
    return dict(zip(t.column("account_id").to_pylist(), t.column("network_id").to_pylist(), strict=True))


def test_a_few_bridging_accounts_do_not_join_two_operations():
    a = [f"a{i}" for i in range(10)]
    b = [f"b{i}" for i in range(12)]
    # two members of a co-act with three of b: one component, two networks
    bridge = [(x, y) for x in a[:2] for y in b[:3]]
    links = _links(_clique(a) + _clique(b) + bridge)
    m = _members({"1": b, "2": a})
    assert len(set(_net(find_components(links)).values())) == 1
    n = _net(find_networks(links, m))
    assert len({n[x] for x in a}) == 1 and len({n[x] for x in b}) == 1 and n["a0"] != n["b0"]


def test_a_sparse_campaign_cut_into_cells_is_one_network():
    rng = np.random.default_rng(3)
    names = [f"c{i:03d}" for i in range(120)]
    edges = [(x, y) for i, x in enumerate(names) for y in names[i + 1:] if rng.random() < 0.08]
    # the cells Leiden would make: arbitrary blocks of the campaign
    cells = {str(k + 1): names[k * 20:(k + 1) * 20] for k in range(6)}
    n = _net(find_networks(_links(edges), _members(cells)))
    assert set(n) == set(names) and len(set(n.values())) == 1


def test_a_group_joins_one_group_so_a_small_cell_cannot_bridge():
    a = [f"a{i}" for i in range(8)]
    b = [f"b{i}" for i in range(8)]
    s = ["s0", "s1"]
    # the small cell is tied into both a and b (more into a): it joins a only
    edges = _clique(a) + _clique(b) + [("s0", "s1"), ("s0", "a0"), ("s0", "a1"), ("s1", "a2"), ("s1", "b0")]
    n = _net(find_networks(_links(edges), _members({"1": a, "2": b, "3": s})))
    assert n["s0"] == n["s1"] == n["a0"] != n["b0"]


def test_ungrouped_accounts_go_where_most_of_their_links_go_and_pooled_members_follow_their_group():
    a = [f"a{i}" for i in range(5)]
    b = [f"b{i}" for i in range(5)]
    edges = _clique(a) + _clique(b) + [("u", "a0"), ("u", "a1"), ("u", "b0"), ("v", "w")]
    m = _members({"1": a + ["pooled"], "2": b})  # "pooled" has no link of its own
    n = _net(find_networks(_links(edges), m))
    assert n["u"] == n["a0"] == n["pooled"] != n["b0"]
    assert n["v"] == n["w"] not in (n["a0"], n["b0"])  # linked accounts with no grouped neighbour
    assert find_networks(_links(edges), m, min_size=3).num_rows == 7 + 5  # the pair v–w is left out


def test_networks_refine_components_and_hold_whole_groups(sim_dir: Path, tmp_path: Path):
    out = tmp_path / "out"
    r = detect([sim_dir / "posts.csv"], out, DetectConfig())
    with open(out / "accounts.csv") as fh:
        accounts = list(csv.DictReader(fh))
    with open(out / "groups.csv") as fh:
        groups = list(csv.DictReader(fh))
    links = pq.read_table(out / "links.parquet", filters=[("passes_threshold", "=", True)])
    comp = _components(list(zip(links.column("account_a").to_pylist(), links.column("account_b").to_pylist(), strict=True)))

    net = {a["account_id"]: a["network_id"] for a in accounts if a["network_id"]}
    # a network lies inside one component
    by_net: dict[str, set[str]] = {}
    for a, n in net.items():
        if a in comp:
            by_net.setdefault(n, set()).add(comp[a])
    assert by_net and all(len(cs) == 1 for cs in by_net.values())
    # every grouped account is in a network, and a group lies inside one network
    group_net = {g["group_id"]: g["network_id"] for g in groups}
    for a in accounts:
        if a["group_id"]:
            assert a["network_id"] == group_net[a["group_id"]], a
    assert r.summary["counts"]["networks"] == len(set(net.values()))
    assert r.summary["counts"]["accounts_in_networks"] == len(net) >= r.summary["counts"]["accounts_in_groups"]
    # networks are numbered by decreasing size
    sizes = [sum(1 for n in net.values() if n == str(i)) for i in range(1, len(set(net.values())) + 1)]
    assert sizes == sorted(sizes, reverse=True)
