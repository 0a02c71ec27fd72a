"""The held-out worlds of issue 12 produce what they claim: sizes, timing, labels, clocks."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from inconcert.errors import ConfigError
from inconcert.simulate import (
    SCENARIOS,
    WORLDS,
    build_world,
    hard_cases,
    parse_scenarios,
    simulate_scenarios,
    simulate_to_dir,
    truncate_to,
)

N = 6000


@cache
def world(name: str, seed: int = 1, n: int = N) -> tuple[pa.Table, pa.Table]:
    return build_world(name, n_posts=n, seed=seed, truth=True)


def _secs(posts: pa.Table) -> np.ndarray:
    us = posts.column("created_at").cast(pa.int64()).to_numpy(zero_copy_only=False)
    return np.asarray(us) / 1e6


def _by_event(posts: pa.Table, prefix: str = "op") -> dict[str, list[dict]]:
    ev: dict[str, list[dict]] = defaultdict(list)
    t = _secs(posts)
    for i, r in enumerate(posts.to_pylist()):
        if r["event"].startswith(prefix) and "seed" not in r["event"]:
            r["t"] = t[i]
            ev[r["event"]].append(r)
    return ev


def _labels(labels: pa.Table) -> dict[str, dict]:
    return {r["account_id"]: r for r in labels.to_pylist()}


@pytest.mark.parametrize("name", WORLDS)
def test_every_world_is_labelled_and_deterministic(name):
    posts, labels = world(name)
    lab = _labels(labels)
    assert labels.num_rows == len(lab)  # account ids unique
    assert set(posts.column("account_id").to_pylist()) <= set(lab)
    assert {r["label"] for r in lab.values()} <= {"organic", "operation", "automation"}
    assert "operation" in {r["label"] for r in lab.values()}
    for r in lab.values():  # network ids: 0 exactly for organic accounts
        assert (r["group"] == 0) == (r["label"] == "organic")
    small = build_world(name, n_posts=2000, seed=5)
    again = build_world(name, n_posts=2000, seed=5)
    assert small[0].equals(again[0]) and small[1].equals(again[1])
    assert not small[0].equals(build_world(name, n_posts=2000, seed=6)[0])


def test_organic_population_is_heavy_tailed_with_viral_links_trends_and_memes():
    posts, labels = world("slow_links", n=20_000)
    lab = _labels(labels)
    org = [a for a in posts.column("account_id").to_pylist() if lab[a]["label"] == "organic"]
    counts = np.sort(np.array(list(Counter(org).values())))[::-1]
    top = counts[: max(1, len(counts) // 100)].sum()
    assert top / counts.sum() >= 0.08  # the top 1 % of accounts post ≥ 8 % of organic posts
    urls = Counter(u.split("?")[0] for u in posts.column("urls").to_pylist() if u)
    assert urls.most_common(1)[0][1] >= 0.02 * len(org)  # a viral link: ≥ 2 % of all posts
    by_event = defaultdict(set)
    for a, e in zip(
        posts.column("account_id").to_pylist(), posts.column("event").to_pylist(), strict=True
    ):
        by_event[e[:5]].add(a)
    trends = [e for e in by_event if e.startswith("trend")]
    memes = [e for e in by_event if e.startswith("meme")]
    assert trends and memes
    assert max(len(by_event[e]) for e in memes) >= 30  # many unrelated accounts, same text


def test_big_campaign_sizes_events_and_bursts():
    posts, labels = world("big_campaign", n=20_000)
    lab = _labels(labels)
    sizes = Counter((r["group"], r["tactic"]) for r in lab.values() if r["label"] == "operation")
    assert {t for _, t in sizes} == {"hashtag_campaign", "link_campaign"}
    assert all(100 <= s <= 5000 for s in sizes.values())
    ev = _by_event(posts)
    per_op = Counter(e.split("e")[0] for e in ev)
    assert 15 <= per_op["op1"] <= 60 and 20 <= per_op["op2"] <= 80
    for e, rows in ev.items():
        size = sizes[(int(e[2]), "hashtag_campaign" if e.startswith("op1") else "link_campaign")]
        assert 0.15 * size <= len(rows) <= 0.95 * size  # 30–80 % of members (binomial slack)
        t = [r["t"] for r in rows]
        assert max(t) - min(t) <= 300  # within a few minutes
        if e.startswith("op1"):
            tags = {r["hashtags"] for r in rows}
            assert len(tags) == 1 and len(next(iter(tags)).split()) == 3
        else:
            assert len({r["urls"].split("?")[0] for r in rows}) == 1
        assert len({r["account_id"] for r in rows}) == len(rows)


def test_big_campaign_sizes_reach_thousands_when_the_budget_allows():
    rng = np.random.default_rng(0)
    sizes = [hard_cases._campaign_size(rng, 2e6, 30.0) for _ in range(200)]
    assert min(sizes) >= 100 and max(sizes) <= 5000 and max(sizes) > 2000
    assert hard_cases._campaign_size(rng, 1000.0, 30.0) == 100  # never below 100


def test_focused_collection_everything_carries_the_topic_and_ops_dominate():
    posts, labels = world("focused", n=20_000)
    tags = posts.column("hashtags").to_pylist()
    topic = tags[0].split()[0]
    assert all(t.split()[0] == topic for t in tags)
    lab = _labels(labels)
    acc = posts.column("account_id").to_pylist()
    op = [lab[a]["label"] == "operation" for a in acc]
    assert sum(op) >= 0.55 * len(acc)  # the operations make most of the collection
    shares = [o for o, u in zip(op, posts.column("urls").to_pylist(), strict=True) if u]
    assert sum(shares) > len(shares) / 2  # and most of its link shares
    sizes = Counter(r["group"] for r in lab.values() if r["label"] == "operation")
    assert all(20 <= s <= 150 for s in sizes.values())


def test_slow_copypaste_changes_one_or_two_words_minutes_apart():
    posts, labels = world("slow_copypaste")
    ev = _by_event(posts)
    assert ev
    for rows in ev.values():
        rows.sort(key=lambda r: r["t"])
        gaps = np.diff([r["t"] for r in rows])
        assert (gaps >= 119).all() and (gaps <= 3601).all()
        words = [r["text"].split() for r in rows]
        assert len({len(w) for w in words}) == 1  # words replaced, none added or removed
        script = [Counter(col).most_common(1)[0][0] for col in zip(*words, strict=True)]
        diffs = [sum(x != y for x, y in zip(w, script, strict=True)) for w in words]
        if len(rows) >= 4:  # the majority word per position is the script
            assert sum(1 <= d <= 2 for d in diffs) >= 0.8 * len(diffs)
        assert max(diffs) <= 4
    sizes = Counter(r["group"] for r in labels.to_pylist() if r["label"] == "operation")
    assert all(10 <= s <= 60 for s in sizes.values())


def test_slow_links_each_share_tens_of_minutes_to_hours_after_the_last():
    posts, labels = world("slow_links")
    ev = _by_event(posts)
    for rows in ev.values():
        t = np.sort([r["t"] for r in rows])
        gaps = np.diff(t)
        assert (gaps >= 599).all() and (gaps <= 3 * 3600 + 1).all()
        assert len({r["urls"].split("?")[0] for r in rows}) == 1
    sizes = Counter(r["group"] for r in labels.to_pylist() if r["label"] == "operation")
    assert all(6 <= s <= 50 for s in sizes.values())


def test_feeds_are_trios_first_within_40s_templated_then_organic_uptake():
    posts, labels = world("feeds")
    lab = _labels(labels)
    trios = Counter(r["group"] for r in lab.values() if r["label"] == "automation")
    assert 4 <= len(trios) <= 12 and set(trios.values()) == {3}
    assert all(r["tactic"] == "news_feed" for r in lab.values() if r["label"] == "automation")
    t = _secs(posts)
    first: dict[str, float] = {}
    by_url: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for i, r in enumerate(posts.select(["account_id", "urls"]).to_pylist()):
        if r["urls"]:
            by_url[r["urls"]].append((t[i], r["account_id"]))
            first[r["urls"]] = min(first.get(r["urls"], t[i]), t[i])
    uptake = 0
    for u, shares in by_url.items():
        feeds = [x for x in shares if lab[x[1]]["label"] == "automation"]
        if not feeds:
            continue
        assert min(s[0] for s in shares) == min(f[0] for f in feeds)  # feeds are the first shares
        assert max(f[0] for f in feeds) - first[u] <= 40
        uptake += sum(lab[a]["label"] == "organic" for _, a in shares)
    assert uptake > 0
    # templated texts: each feed's texts share a fixed frame around the article title
    texts = defaultdict(list)
    for r in posts.select(["account_id", "text", "urls"]).to_pylist():
        if lab[r["account_id"]]["label"] == "automation":
            texts[r["account_id"]].append(r["text"])
    for tx in texts.values():
        starts = Counter(x.split()[0] for x in tx)
        assert starts.most_common(1)[0][1] >= 0.3 * len(tx) or all(len(x.split()) >= 5 for x in tx)


def test_retweets_carry_the_originals_urls_hashtags_and_a_domain_column():
    posts, _ = world("retweets_full")
    assert "domain" in posts.column_names
    rows = posts.to_pylist()
    by_id = {r["post_id"]: r for r in rows}
    rts = [r for r in rows if r["repost_of"] and r["repost_of"] in by_id]
    assert len(rts) > 500
    full = 0
    for r in rts:
        o = by_id[r["repost_of"]]
        assert (r["urls"], r["hashtags"], r["domain"]) == (o["urls"], o["hashtags"], o["domain"])
        full += bool(r["urls"] and r["hashtags"])
    assert full > 50  # one post → repost + url + hashtags + domain
    for r in rows:
        if r["urls"]:
            assert r["domain"] == r["urls"].split("/")[2]


def test_duplicates_are_exact_rows_a_few_percent():
    posts, _ = world("duplicates", n=10_000)
    key = ["account_id", "created_at", "text", "urls", "repost_of", "hashtags"]
    rows = posts.select(key).to_pylist()
    c = Counter(tuple(r.values()) for r in rows)
    extra = sum(v - 1 for v in c.values())
    assert 0.015 * len(rows) <= extra <= 0.07 * len(rows)
    ids = Counter(posts.column("post_id").to_pylist())
    same_id = sum(v - 1 for v in ids.values())
    assert 0 < same_id < extra  # most copies keep the post id, some carry a new one


def test_minute_clock_and_the_truncate_option():
    posts, labels = world("minute_clock")
    assert set((_secs(posts) % 60).tolist()) == {0.0}
    assert "automation" in set(labels.column("label").to_pylist())
    p, _ = simulate_scenarios("slow_links", n_posts=3000, seed=1, truncate="minute")
    assert set((_secs(p) % 60).tolist()) == {0.0}
    h = truncate_to(p, "hour")
    assert set((_secs(h) % 3600).tolist()) == {0.0}
    with pytest.raises(ValueError, match="minute"):
        truncate_to(p, "fortnight")


def test_names_select_worlds_and_stack_them(tmp_path):
    assert parse_scenarios("all") == SCENARIOS
    assert parse_scenarios("held_out") == WORLDS
    assert parse_scenarios("none") == ()
    with pytest.raises(ConfigError, match="big_campaign"):
        parse_scenarios("big_campaing")
    counts = simulate_to_dir(tmp_path, n_posts=6000, seed=3, scenarios="viral,feeds,retweets_full")
    head = (tmp_path / "posts.csv").read_text().split("\n", 1)[0]
    assert head.endswith('"domain"')
    lab = (tmp_path / "labels.csv").read_text()
    assert "automation" in lab and counts["automation_accounts"] > 0
    labels = pacsv.read_csv(tmp_path / "labels.csv")
    assert labels.column_names == ["account_id", "label", "group", "tactic"]
    assert labels.num_rows == len(set(labels.column("account_id").to_pylist()))


def test_cli_selects_worlds_and_truncates(tmp_path):
    from click.testing import CliRunner

    from inconcert.cli import main

    args = ["simulate", "-o", str(tmp_path), "--posts", "3000", "--seed", "2"]
    r = CliRunner().invoke(main, args + ["--scenarios", "slow_links", "--truncate-to", "minute"])
    assert r.exit_code == 0, r.output
    posts = pacsv.read_csv(tmp_path / "posts.csv")
    assert set((_secs(posts) % 60).tolist()) == {0.0}
    r = CliRunner().invoke(main, args + ["--scenarios", "big_campaing"])
    assert r.exit_code != 0 and "big_campaign" in r.output


def test_mixed_world_holds_every_kind_in_one_population():
    """Issue 12's held-out file in kind: 12 operations of 6–120 accounts (one of
    120) of six tactics, fast and slow, and four feed trios, in one population."""
    posts, labels = build_world("mixed", n_posts=20000, seed=3)
    lab = labels.to_pylist()
    ops = {r["group"]: r["tactic"] for r in lab if r["label"] == "operation"}
    assert len(ops) == 12
    assert set(ops.values()) == {"link_push", "retweet_ring", "copypaste", "hashtags", "slow_links", "slow_copypaste"}
    sizes = Counter(r["group"] for r in lab if r["label"] == "operation")
    assert max(sizes.values()) == 120 and min(sizes.values()) >= 6
    assert sum(r["label"] == "automation" for r in lab) == 12
    organic = {r["account_id"] for r in lab if r["label"] == "organic"}
    assert len({a for a in posts.column("account_id").to_pylist() if a in organic}) > 300
