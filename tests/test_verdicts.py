"""Group verdicts on small synthetic groups."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from inconcert.config import DetectConfig
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.groups.verdicts import classify_groups, decide

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
S = 1_000_000


def _world(
    groups: dict[int, list[str]],
    posts: list[tuple[str, float, str | None]],
    link_p: dict[tuple[str, str], float],
    networks: dict[int, list[str]] | None = None,
    texts: dict[int, str] | None = None,
) -> DuckDBEngine:
    """posts: (account, seconds, url or None); every url post is a 'url' trace.
    ``networks`` (default: each group is its own network); ``texts``: post index → text."""
    e = DuckDBEngine()
    networks = networks or groups
    e.register_arrow(
        "account_networks",
        pa.table(
            {
                "account_id": [a for n in sorted(networks) for a in networks[n]],
                "network_id": pa.array([n for n in sorted(networks) for _ in networks[n]], pa.int64()),
            }
        ),
    )
    e.register_arrow(
        "membership",
        pa.table(
            {
                "account_id": [a for g in sorted(groups) for a in groups[g]],
                "group_id": pa.array([g for g in sorted(groups) for _ in groups[g]], pa.int64()),
            }
        ),
    )
    e.register_arrow(
        "links",
        pa.table(
            {
                "account_a": [a for a, _ in link_p],
                "account_b": [b for _, b in link_p],
                "p_value": list(link_p.values()),
                "significant": [p < 1e-3 for p in link_p.values()],
            }
        ),
    )
    e.register_arrow(
        "actions",
        pa.table(
            {
                "account_id": [a for a, _, _ in posts],
                "ts": pa.array(
                    [T0 + dt.timedelta(seconds=s) for _, s, _ in posts],
                    pa.timestamp("us", tz="UTC"),
                ),
                "urls": pa.array([[u] if u else [] for _, _, u in posts], pa.list_(pa.string())),
                "text": pa.array([(texts or {}).get(i) for i in range(len(posts))], pa.string()),
                "repost_of": pa.array([None] * len(posts), pa.string()),
            }
        ),
    )
    tr = [(a, s, u) for a, s, u in posts if u]
    e.register_arrow(
        "traces",
        pa.table(
            {
                "behaviour": ["url"] * len(tr),
                "object": [u for _, _, u in tr],
                "account_id": [a for a, _, _ in tr],
                "t": [int(s * S) for _, s, _ in tr],
            }
        ),
    )
    # identity key dictionaries: here accounts and objects are keyed by their names
    names = sorted({a for a, _, _ in posts} | {a for g in groups.values() for a in g})
    e.register_arrow("ic_accounts", pa.table({"account_id": names, "name": names}))
    urls = sorted({u for _, _, u in tr})
    e.register_arrow("ic_objects", pa.table({"behaviour": ["url"] * len(urls), "object": urls, "name": urls}))
    # share pairs: every two different accounts' shares of one url within 60 s
    pa_, pb, ta, tb = [], [], [], []
    for i, (a, s1, u) in enumerate(tr):
        for b, s2, v in tr[i + 1:]:
            if u == v and a != b and abs(s2 - s1) <= 60:
                (x, y, t1, t2) = (a, b, s1, s2) if s1 <= s2 else (b, a, s2, s1)
                pa_.append(x), pb.append(y), ta.append(int(t1 * S)), tb.append(int(t2 * S))
    e.register_arrow("pairs", pa.table({"account_a": pa.array(pa_, pa.string()), "account_b": pa.array(pb, pa.string()),
                                        "t_a": pa.array(ta, pa.int64()), "t_b": pa.array(tb, pa.int64())}))
    return e


def _verdicts(e: DuckDBEngine, resolution: float = 1.0) -> dict[int, dict]:
    classify_groups(e, DetectConfig(), resolution=resolution)
    return {r["group_id"]: r for r in e.to_arrow("SELECT * FROM group_verdicts").to_pylist()}


def test_feeds_are_automation_and_pushers_are_operation():
    posts = []
    # group 1: three feeds post every article of news.example within 1-3 s of publication
    for i in range(20):
        for j, f in enumerate(["f1", "f2", "f3"]):
            posts.append((f, 3600 * i + 1 + j, f"https://news.example.com/a/{i}"))
    # group 2: an operation pushes links of several sites, 5-50 s after the first member,
    # and reposts (no link)
    for i in range(20):
        for j, m in enumerate(["o1", "o2", "o3"]):
            posts.append((m, 5000 * i + 12 * j, f"https://site{i % 4}.example.net/p/{i}"))
            posts.append((m, 5000 * i + 900 + j, None))
    groups = {1: ["f1", "f2", "f3"], 2: ["o1", "o2", "o3"]}
    p = {
        ("f1", "f2"): 1e-20,
        ("f1", "f3"): 1e-20,
        ("f2", "f3"): 1e-20,
        ("o1", "o2"): 1e-12,
        ("o1", "o3"): 1e-12,
        ("o2", "o3"): 1e-12,
    }
    v = _verdicts(_world(groups, posts, p))
    assert v[1]["verdict"] == "automation"
    assert "top source domain news.example.com (100 % of the links with a known source, its only source domain)" in v[1]["reasons"]
    assert "automation: 100 % of its link shares came first" in v[1]["reasons"]
    assert "(automation needs ≥ 50 %) and it shows steady cadence" in v[1]["reasons"]
    assert v[2]["verdict"] == "operation"
    assert "4 source domains" in v[2]["reasons"]
    assert ("not automation: only 0 % of its link shares came first and were then shared by ≥ 2 accounts "
            "outside its network (automation needs ≥ 50 %)") in v[2]["reasons"]
    assert v[1]["p_value"] == pytest.approx(3e-20)  # Simes over 3 links


def test_weak_group_when_links_are_not_significant():
    posts = [("a", 0, "https://x.org/1"), ("b", 100, "https://x.org/1")]
    v = _verdicts(_world({1: ["a", "b"]}, posts, {("a", "b"): 0.3}))
    assert v[1]["verdict"] == "weak"
    assert v[1]["p_value"] == pytest.approx(0.3)
    assert "0 of 1 member links significant" in v[1]["reasons"]
    assert v[1]["reasons"].startswith("weak: the group's links together are not significant")


def test_regular_cadence_without_one_domain_is_automation():
    posts = []
    for i in range(30):  # a scheduler: every 600 s, fast reposts of many domains
        for j, a in enumerate(["s1", "s2"]):
            posts.append((a, 600 * i + j, f"https://d{i % 10}.example.org/{i}"))
    v = _verdicts(_world({1: ["s1", "s2"]}, posts, {("s1", "s2"): 1e-30}))
    assert v[1]["verdict"] == "automation"
    assert "cadence steady: median CV of gaps 0.00 over 2 members (steady needs ≤ 0.3)" in v[1]["reasons"]


def test_decide_thresholds():
    assert decide(0.02, 0.01, 1.0, 1.0, ["steady cadence"]) == "weak"
    assert decide(1e-5, 0.01, 0.49, 0.49, ["steady cadence"]) == "operation"
    assert decide(1e-5, 0.01, 0.5, 0.49, []) == "operation"
    assert decide(1e-5, 0.01, 0.5, 0.0, ["covers a source"]) == "automation"
    assert decide(1e-5, 0.01, 0.5, 0.5, []) == "automation"
