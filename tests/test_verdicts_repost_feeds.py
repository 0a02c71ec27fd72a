"""Repost feeds: accounts that repost every post of one account others read, first,
are automation (a news account's retweet bots, Telegram channels forwarding a source
channel); a ring reposting its own leader, whom nobody else reposts, stays an operation."""

from __future__ import annotations

import collections
import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from inconcert.config import DetectConfig
from inconcert.pipeline import detect
from inconcert.simulate import build_world


def _with_repost_bots(posts: pa.Table, rng: np.random.Generator, ring: bool) -> tuple[pa.Table, str]:
    d = posts.to_pydict()
    author = dict(zip(d["post_id"], d["account_id"], strict=True))
    when = dict(zip(d["post_id"], d["created_at"], strict=True))
    reposted = collections.defaultdict(set)
    for r in d["repost_of"]:
        if r and r in author:
            reposted[author[r]].add(r)
    news = sorted(reposted, key=lambda a: (-len(reposted[a]), a))[0]  # the most reposted organic account
    rows: dict[str, list] = {k: [] for k in d}

    def add(acc: str, post: str, t, text: str) -> None:
        row = {"post_id": f"x{len(rows['post_id'])}", "account_id": acc, "created_at": t, "text": text,
               "urls": None, "repost_of": post, "hashtags": None}
        for k in d:
            rows[k].append(row[k])

    for post in sorted(reposted[news]):  # three bots repost every reposted post of `news`, 5-60 s after it
        for b in range(3):
            add(f"rtbot{b}", post, when[post] + np.timedelta64(int(rng.uniform(5, 60)), "s").item(), "RT")
    if ring:  # a ring of 8 around a leader nobody else reposts: 60 % of them within 30-180 s of each seed
        t0 = min(when.values())
        for s in range(20):
            seed, t = f"leader-seed{s}", t0 + np.timedelta64(int(rng.uniform(0, 25 * 86400)), "s").item()
            rows["post_id"].append(seed)
            for k, v in (("account_id", "ringleader"), ("created_at", t), ("text", f"seed {s} of the leader"),
                         ("urls", None), ("repost_of", None), ("hashtags", None)):
                rows[k].append(v)
            for m in rng.choice(8, 5, replace=False):
                add(f"ring{m}", seed, t + np.timedelta64(int(rng.uniform(30, 180)), "s").item(), "RT")
    extra = pa.table({k: pa.array(v, posts.schema.field(k).type) for k, v in rows.items()})
    return pa.concat_tables([posts, extra]), news


def test_repost_bots_are_automation_and_a_ring_stays_an_operation(tmp_path: Path):
    posts, _ = build_world("feeds", n_posts=8000, seed=1)
    posts, news = _with_repost_bots(posts, np.random.default_rng(5), ring=True)
    pacsv.write_csv(posts, tmp_path / "posts.csv")
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig())
    with open(tmp_path / "out" / "groups.csv", encoding="utf-8") as fh:
        groups = {g["group_id"]: g for g in csv.DictReader(fh)}
    with open(tmp_path / "out" / "accounts.csv", encoding="utf-8") as fh:
        group_of = {r["account_id"]: r["group_id"] for r in csv.DictReader(fh)}
    bots = {group_of.get(f"rtbot{b}") for b in range(3)}
    assert len(bots) == 1 and None not in bots and "" not in bots, bots
    g = groups[bots.pop()]
    assert g["verdict"] == "automation", g["reasons"]
    assert "automation: a repost feed" in g["reasons"] and f"reposted posts of {news}" in g["reasons"]
    ring = {group_of.get(f"ring{m}") for m in range(8)} - {None, ""}
    assert ring and all(groups[r]["verdict"] == "operation" for r in ring), [groups[r]["reasons"] for r in ring]
    assert all("not a repost feed" in groups[r]["reasons"] for r in ring)
