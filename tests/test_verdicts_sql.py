"""The verdicts' per-link SQL (first shares, source coverage) against a brute-force count
on random small worlds: the SQL counts "outside the network" per link, never per
(network, link) × shares, and must give the same numbers."""

from __future__ import annotations

import random
from collections import defaultdict

import pyarrow as pa
import pytest

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.groups.verdicts import coverage_sql, first_shares_sql

TICK = 60


def _world(seed: int) -> tuple[DuckDBEngine, dict[int, int], dict[int, int], list[tuple[int, int, int]], dict[int, str]]:
    """Accounts 1..30: 1..18 in three networks (two groups in network 1), the rest in none;
    url traces (object, account, t) on 12 links of 4 hosts, with ties in time."""
    rng = random.Random(seed)
    network = {a: 1 + (a - 1) // 6 for a in range(1, 19)}
    group = {a: (1 if a <= 3 else 2) if network[a] == 1 else network[a] + 1 for a in range(1, 19) if a % 6 != 0}
    hosts = {o: f"site{o % 4}.org" for o in range(1, 13)}
    traces = sorted({(rng.randint(1, 12), rng.randint(1, 30), rng.randint(0, 20) * 30) for _ in range(260)})
    e = DuckDBEngine()
    e.register_arrow("account_networks", pa.table({"account_id": list(network), "network_id": list(network.values())}))
    e.register_arrow("membership", pa.table({"account_id": list(group), "group_id": list(group.values())}))
    e.register_arrow("traces", pa.table({
        "behaviour": ["url"] * len(traces), "object": [o for o, _, _ in traces],
        "account_id": [a for _, a, _ in traces], "t": [t * 1_000_000 for _, _, t in traces]}))
    e.register_arrow("ic_objects", pa.table({
        "behaviour": ["url"] * 12, "object": list(hosts), "name": [f"https://{h}/item{o}" for o, h in hosts.items()]}))
    e.register_arrow("ic_sources", pa.table({"host": sorted(set(hosts.values()))[:3]}))
    return e, network, group, traces, hosts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_first_shares_match_a_brute_force_count(seed: int) -> None:
    e, network, group, traces, _ = _world(seed)
    got = {(r["group_id"], r["account_id"]): (r["n_shares"], r["n_first"], r["n_inside_only"], r["n_taken_up"])
           for r in e.to_arrow(first_shares_sql(float(TICK), 2)).to_pylist()}
    want: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for o, a, t in traces:
        if a not in group:
            continue
        out = [(t2, a2) for o2, a2, t2 in traces if o2 == o and network.get(a2) != network[a]]
        t_out = min((t2 for t2, _ in out), default=None)
        n_out = len({a2 for _, a2 in out})
        w = want[(group[a], a)]
        w[0] += 1
        w[1] += t_out is None or t - t_out < TICK
        w[2] += t_out is None
        w[3] += t_out is not None and n_out >= 2 and t - t_out < TICK
    assert got == {k: tuple(v) for k, v in want.items()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_source_coverage_matches_a_brute_force_count(seed: int) -> None:
    e, network, group, traces, hosts = _world(seed)
    sources = set(sorted(set(hosts.values()))[:3])
    got = {(r["group_id"], r["host"], r["account_id"]): (r["n_shares"], r["n_items"], r["n_covered"], r["n_out"])
           for r in e.to_arrow(coverage_sql(e.dialect)).to_pylist()}
    u = [(o, a, hosts[o]) for o, a, _ in traces if hosts[o] in sources]
    want = {}
    for _, a, h in u:
        if a not in group:
            continue
        g, n = group[a], network[a]
        want[(g, h, a)] = (
            sum(1 for _, a2, h2 in u if h2 == h and group.get(a2) == g),
            len({o2 for o2, _, h2 in u if h2 == h}),
            len({o2 for o2, a2, h2 in u if h2 == h and a2 == a}),
            len({a2 for _, a2, h2 in u if h2 == h and network.get(a2) != n}),
        )
    assert got == want
