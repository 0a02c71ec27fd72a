"""Two levels: networks (connected components of the links that pass) and the groups inside them."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from inconcert.config import DetectConfig
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


def test_network_id_is_the_connected_component_and_holds_whole_groups(sim_dir: Path, tmp_path: Path):
    out = tmp_path / "out"
    r = detect([sim_dir / "posts.csv"], out, DetectConfig())
    with open(out / "accounts.csv") as fh:
        accounts = list(csv.DictReader(fh))
    with open(out / "groups.csv") as fh:
        groups = list(csv.DictReader(fh))
    links = pq.read_table(out / "links.parquet", filters=[("passes_threshold", "=", True)])
    comp = _components(list(zip(links.column("account_a").to_pylist(), links.column("account_b").to_pylist(), strict=True)))

    net = {a["account_id"]: a["network_id"] for a in accounts if a["network_id"]}
    linked = {a: n for a, n in net.items() if a in comp}
    # same component <=> same network, for every account with a passing link
    by_comp: dict[str, set[str]] = {}
    for a, n in linked.items():
        by_comp.setdefault(comp[a], set()).add(n)
    assert all(len(ns) == 1 for ns in by_comp.values())
    assert len({next(iter(ns)) for ns in by_comp.values()}) == len(by_comp)
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
