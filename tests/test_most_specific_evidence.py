"""A post pair counts under its most specific object: a slogan posted again and again
with a new link each time is twelve co-actions, not one on the slogan's text cluster
(blind new-user test, 2026-12-04), and a boilerplate line on every post of an export
does not hide the links pushed under it (blind formats test)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from inconcert.config import DetectConfig
from inconcert.pipeline import detect

T0 = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)
WORDS = ("river council market school storm road court vote team park fire bridge harbour train "
         "museum garden library hospital station theatre").split()


def _organic(rng: np.random.Generator, n_accounts: int = 300, n_posts: int = 3000, prefix: str = "") -> list[dict]:
    rows = []
    for i in range(n_posts):
        a = f"user{int(rng.integers(n_accounts))}"
        t = T0 + dt.timedelta(seconds=float(rng.uniform(0, 20 * 86400)))
        url = f"https://news{int(rng.integers(40))}.example.org/{int(rng.integers(400))}"
        text = prefix + " ".join(rng.choice(WORDS, 9))
        rows.append({"post_id": f"o{i}", "account_id": a, "created_at": t.isoformat(), "text": text, "urls": url})
    return rows


def _run(tmp_path: Path, rows: list[dict]) -> tuple[dict, dict]:
    with open(tmp_path / "posts.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["post_id", "account_id", "created_at", "text", "urls"])
        w.writeheader()
        w.writerows(rows)
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig())
    with open(tmp_path / "out" / "accounts.csv", encoding="utf-8") as fh:
        group_of = {r["account_id"]: r["group_id"] for r in csv.DictReader(fh)}
    with open(tmp_path / "out" / "groups.csv", encoding="utf-8") as fh:
        groups = {g["group_id"]: g for g in csv.DictReader(fh)}
    return group_of, groups


def test_a_slogan_with_a_new_link_each_time_is_one_co_action_per_link(tmp_path: Path):
    rng = np.random.default_rng(1)
    rows = _organic(rng)
    for k in range(12):  # six accounts, one slogan, a new link of their own site at each of 12 events
        t = T0 + dt.timedelta(seconds=float(rng.uniform(0, 20 * 86400)))  # irregular, as people post
        for m in range(6):
            rows.append({"post_id": f"s{k}_{m}", "account_id": f"slogan{m}",
                         "created_at": (t + dt.timedelta(seconds=float(rng.uniform(0, 40)))).isoformat(),
                         "text": "Vote for the change now, join us today friends",
                         "urls": f"https://our-cause.example/a/{k}"})
    group_of, groups = _run(tmp_path, rows)
    g = {group_of.get(f"slogan{m}") for m in range(6)}
    assert len(g) == 1 and None not in g and "" not in g, g
    grp = groups[g.pop()]
    assert grp["verdict"] == "operation", grp["reasons"]
    assert int(grp["objects"]) >= 12
    assert all(v == "" for a, v in group_of.items() if a.startswith("user"))


def test_a_boilerplate_line_on_every_post_does_not_hide_the_links_pushed_under_it(tmp_path: Path):
    rng = np.random.default_rng(2)
    prefix = "Subscribe to our channel for more: "
    rows = _organic(rng, prefix=prefix)
    for k in range(12):  # five accounts push a link of their own within a minute, texts their own
        t = T0 + dt.timedelta(seconds=float(rng.uniform(0, 20 * 86400)))
        for m in range(5):
            rows.append({"post_id": f"p{k}_{m}", "account_id": f"pusher{m}",
                         "created_at": (t + dt.timedelta(seconds=float(rng.uniform(0, 50)))).isoformat(),
                         "text": prefix + " ".join(rng.choice(WORDS, 9)),
                         "urls": f"https://pushed.example/story/{k}"})
    group_of, groups = _run(tmp_path, rows)
    g = {group_of.get(f"pusher{m}") for m in range(5)}
    assert len(g) == 1 and None not in g and "" not in g, g
    assert groups[g.pop()]["verdict"] == "operation"
