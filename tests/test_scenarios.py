"""The simulator's harder scenarios: shapes, labels, timing, determinism."""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc
import pytest

from inconcert.simulate.scenarios import (
    camouflaged_operation,
    news_feed_automation,
    simulate_extended,
    slow_burn_operation,
    viral_bursts,
)

COLUMNS = ["post_id", "account_id", "created_at", "text", "urls", "repost_of", "hashtags"]


def _secs(t):
    return np.array([x.timestamp() for x in t.column("created_at").to_pylist()])


def test_viral_bursts_are_organic_and_bursty():
    posts, labels = viral_bursts(
        np.random.default_rng(0), n_accounts=300, n_stories=5, shares=(50, 80), days=2
    )
    assert posts.schema.names == COLUMNS
    assert set(labels.column("label").to_pylist()) == {"organic"}
    url = posts.filter(pc.not_equal(posts.column("urls"), ""))
    assert 250 <= url.num_rows <= 400
    s = _secs(url)
    for u in set(url.column("urls").to_pylist()):
        ts = s[np.array(url.column("urls").to_pylist()) == u]
        assert np.median(ts - ts.min()) < 3600  # most shares within an hour


def test_feeds_post_within_seconds_and_are_labelled_automation():
    posts, labels = news_feed_automation(np.random.default_rng(1), n_sites=2, days=1, n_readers=20)
    lab = dict(
        zip(
            labels.column("account_id").to_pylist(), labels.column("label").to_pylist(), strict=True
        )
    )
    feeds = [a for a, x in lab.items() if x == "automation"]
    assert 6 <= len(feeds) <= 12
    fp = posts.filter(
        pc.is_in(posts.column("account_id"), value_set=__import__("pyarrow").array(feeds))
    )
    s = _secs(fp)
    urls = np.array(fp.column("urls").to_pylist())
    for u in set(urls[:20]):
        ts = s[urls == u]
        assert ts.max() - ts.min() <= 4
    # each feed posts every article of its site
    per_feed = {
        a: n
        for a, n in zip(
            *np.unique(fp.column("account_id").to_pylist(), return_counts=True), strict=True
        )
    }
    assert len(set(per_feed.values())) == 1


def test_slow_burn_members_act_minutes_to_hours_apart_for_the_whole_span():
    posts, labels = slow_burn_operation(np.random.default_rng(2), n_members=10, days=21)
    assert set(labels.column("label").to_pylist()) == {"operation"}
    s = _secs(posts)
    assert s.max() - s.min() > 18 * 86400
    urls = np.array(posts.column("urls").to_pylist())
    gaps = []
    for u in set(urls) - {""}:
        ts = np.sort(s[urls == u])
        gaps.append(ts[-1] - ts[0])
    assert np.median(gaps) > 300  # minutes to hours between the first and last member


def test_camouflaged_operation_mostly_shares_popular_links():
    viral, _ = viral_bursts(
        np.random.default_rng(3), n_accounts=200, n_stories=60, shares=(20, 40), days=3
    )
    posts, labels = camouflaged_operation(
        np.random.default_rng(4), n_members=6, days=3, n_events=15, popular=viral, camouflage=3.0
    )
    urls = posts.column("urls").to_pylist()
    popular = set(viral.column("urls").to_pylist()) - {""}
    cam = sum(1 for u in urls if u in popular)
    assert cam >= 1.5 * (len(urls) - cam)
    # each member shares each popular link at most once
    pairs = [
        (a, u)
        for a, u in zip(posts.column("account_id").to_pylist(), urls, strict=True)
        if u in popular
    ]
    assert len(pairs) == len(set(pairs))


def test_simulate_extended_is_deterministic_and_labels_every_account():
    p1, l1 = simulate_extended(n_posts=3000, seed=5)
    p2, l2 = simulate_extended(n_posts=3000, seed=5)
    assert p1.equals(p2) and l1.equals(l2)
    assert set(p1.column("account_id").to_pylist()) <= set(l1.column("account_id").to_pylist())
    assert len(set(p1.column("post_id").to_pylist())) == p1.num_rows
    assert {"organic", "operation", "automation"} == set(l1.column("label").to_pylist())
    with pytest.raises(ValueError, match="unknown scenario"):
        simulate_extended(n_posts=1000, scenarios=["nope"])
