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
) -> DuckDBEngine:
    """posts: (account, seconds, url or None); every url post is a 'url' trace."""
    e = DuckDBEngine()
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
    return e


def _verdicts(e: DuckDBEngine) -> dict[int, dict]:
    classify_groups(e, DetectConfig())
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
    assert "news.example.com (100%, one source domain)" in v[1]["reasons"]
    assert "67% of actions are links posted ≤ 5 s" in v[1]["reasons"]  # first shares do not count
    assert v[2]["verdict"] == "operation"
    assert "4 domains" in v[2]["reasons"]
    assert v[1]["p_value"] == pytest.approx(3e-20)  # Simes over 3 links


def test_weak_group_when_links_are_not_significant():
    posts = [("a", 0, "https://x.org/1"), ("b", 100, "https://x.org/1")]
    v = _verdicts(_world({1: ["a", "b"]}, posts, {("a", "b"): 0.3}))
    assert v[1]["verdict"] == "weak"
    assert v[1]["p_value"] == pytest.approx(0.3)
    assert "0 of 1 member links significant" in v[1]["reasons"]


def test_regular_cadence_without_one_domain_is_automation():
    posts = []
    for i in range(30):  # a scheduler: every 600 s, fast reposts of many domains
        for j, a in enumerate(["s1", "s2"]):
            posts.append((a, 600 * i + j, f"https://d{i % 10}.example.org/{i}"))
    v = _verdicts(_world({1: ["s1", "s2"]}, posts, {("s1", "s2"): 1e-30}))
    assert v[1]["verdict"] == "automation"
    assert "cadence CV 0.00" in v[1]["reasons"]


def test_decide_thresholds():
    assert decide(0.02, 0.01, 1.0, 1.0, 0.0) == "weak"
    assert decide(1e-5, 0.01, 0.49, 1.0, 0.0) == "operation"
    assert decide(1e-5, 0.01, 0.5, 0.79, 0.31) == "operation"
    assert decide(1e-5, 0.01, 0.5, 0.8, None) == "automation"
