"""A repost and its original are one post: no evidence between their accounts. An
account a group amplifies (most of its reposts come from the group) joins it as
``amplified``; a popular account whose fans form a group does not."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa

from inconcert.pipeline import detect

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _post(rows: list[dict], pid: str, who: str, t: dt.datetime, url: str, of: str | None = None) -> None:
    rows.append({"post_id": pid, "account_id": who, "created_at": t, "urls": [url], "repost_of": of})


def _organic(rows: list[dict], rng: random.Random, authors: int = 40, reposters: int = 60) -> None:
    """Authors posting links, and accounts reposting them at random, hours later."""
    for a in range(authors):
        for j in range(5):
            t = T0 + dt.timedelta(minutes=rng.uniform(0, 3600))
            pid = f"p{a}_{j}"
            _post(rows, pid, f"a{a}", t, f"http://s{a}.example/{j}")
            for b in rng.sample(range(reposters), 3):
                _post(rows, f"r{pid}_{b}", f"b{b}", t + dt.timedelta(minutes=rng.uniform(1, 600)),
                      f"http://s{a}.example/{j}", pid)


def _ring(rows: list[dict], leader: str, members: list[str], posts: int = 12) -> None:
    """A leader posting links; every member reposts each within a minute."""
    for i in range(posts):
        t = T0 + dt.timedelta(hours=5 * i, minutes=7 * i)
        _post(rows, f"{leader}{i}", leader, t, f"http://{leader}.example/{i}")
        for k, r in enumerate(members):
            _post(rows, f"rt{i}{r}", r, t + dt.timedelta(seconds=20 + 9 * k), f"http://{leader}.example/{i}", f"{leader}{i}")


def _table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(sorted(rows, key=lambda r: (r["created_at"], r["post_id"])))


def test_a_ring_leader_joins_as_amplified_and_shares_no_evidence_with_its_reposters():
    rows: list[dict] = []
    _organic(rows, random.Random(1))
    _ring(rows, "leader", ["r1", "r2", "r3", "r4"])
    r = detect(_table(rows))
    acc = {a["account_id"]: a for a in r.accounts.to_pylist()}
    assert {a for a, x in acc.items() if x["group_id"] is not None} == {"leader", "r1", "r2", "r3", "r4"}
    assert acc["leader"]["joined_by"] == "amplified" and acc["leader"]["pooled_p"] < 1e-10
    assert all(acc[m]["joined_by"] == "link" for m in ("r1", "r2", "r3", "r4"))
    # the leader's posts and their reposts are one post each: no link between leader and reposter
    pairs = {frozenset((x["account_a"], x["account_b"])) for x in r.links.to_pylist()}
    assert not any("leader" in p for p in pairs)
    assert frozenset(("r1", "r2")) in pairs
    (g,) = r.groups.to_pylist()
    assert "1 member joined as amplified" in g["reasons"] and "check who runs it" in g["reasons"]
    assert r.counts.accounts_joined_amplified == 1 and r.summary["counts"]["accounts_joined_amplified"] == 1


def test_a_popular_account_whose_fans_form_a_group_stays_out():
    """Four fans repost each of its posts within a minute, and a broad audience (150
    accounts, one repost each) reposts it too: the group is not most of its audience, so
    the account is not joined (the group's reasons say it amplifies it)."""
    rng = random.Random(2)
    rows: list[dict] = []
    _organic(rows, rng)
    _ring(rows, "star", ["f1", "f2", "f3", "f4"])
    for b in range(150):
        i = b % 12
        _post(rows, f"o{i}_{b}", f"c{b}", T0 + dt.timedelta(hours=5 * i + rng.uniform(0.5, 30), minutes=7 * i),
              f"http://star.example/{i}", f"star{i}")
    r = detect(_table(rows))
    acc = {a["account_id"]: a for a in r.accounts.to_pylist()}
    assert acc["star"]["group_id"] is None
    (g,) = {acc[f]["group_id"] for f in ("f1", "f2", "f3", "f4")}
    assert g is not None
    reasons = next(x["reasons"] for x in r.groups.to_pylist() if x["group_id"] == g)
    assert "amplifies one account" in reasons and "joined as amplified" not in reasons


def test_repost_bots_in_a_fan_group_get_a_group_and_a_verdict_of_their_own():
    """Bots that repost every post of a news account within seconds co-repost with its
    fans and land in their group; being repost feeds by their own behaviour, they are
    moved into a group of their own, called automation, in the fans' network."""
    rows = desk_world()
    fans = [f"fan{k}" for k in range(12)]
    r = detect(_table(rows))
    acc = {a["account_id"]: a for a in r.accounts.to_pylist()}
    groups = {g["group_id"]: g for g in r.groups.to_pylist()}
    bots = {acc[b]["group_id"] for b in ("bot1", "bot2", "bot3")}
    (bot_group,) = bots
    assert bot_group is not None and groups[bot_group]["size"] == 3
    assert groups[bot_group]["verdict"] == "automation" and "a repost feed: 3 of 3 members" in groups[bot_group]["reasons"]
    fan_groups = {acc[f]["group_id"] for f in fans} - {None}
    assert fan_groups and bot_group not in fan_groups
    assert acc["bot1"]["network_id"] in {acc[f]["network_id"] for f in fans}
    assert r.counts.repost_feeds_split == 3


def desk_world() -> list[dict]:
    """A news account ``desk`` with 3 bots reposting every post within seconds, 12 fans
    reposting 40 % of them within minutes, and a broad audience, among organic posts."""
    rng = random.Random(3)
    rows: list[dict] = []
    _organic(rows, rng)
    fans = [f"fan{k}" for k in range(12)]
    for i in range(20):
        t = T0 + dt.timedelta(hours=3 * i, minutes=11 * i)
        _post(rows, f"desk{i}", "desk", t, f"http://desk.example/{i}")
        for k, b in enumerate(("bot1", "bot2", "bot3")):
            _post(rows, f"{b}_{i}", b, t + dt.timedelta(seconds=5 + 7 * k), f"http://desk.example/{i}", f"desk{i}")
        for f in fans:  # fans repost many of its posts, within minutes
            if rng.random() < 0.4:
                _post(rows, f"{f}_{i}", f, t + dt.timedelta(minutes=rng.uniform(1, 8)), f"http://desk.example/{i}",
                      f"desk{i}")
    for b in range(80):  # a broad audience: one repost each, hours later
        i = b % 20
        _post(rows, f"aud{b}", f"aud{b}", T0 + dt.timedelta(hours=3 * i + rng.uniform(1, 20), minutes=11 * i),
              f"http://desk.example/{i}", f"desk{i}")
    return rows
