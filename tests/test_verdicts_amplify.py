"""A group that reposts one account outside it: flagged as an operation would be, with
the caveat that devoted followers act the same (attack world ``fans``)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyarrow.csv as pacsv

from inconcert.config import DetectConfig
from inconcert.pipeline import detect
from inconcert.simulate.attacks import build_attack


def test_a_group_that_reposts_one_outside_account_is_told_to_be_indistinguishable_from_fans(tmp_path: Path):
    """A retweet ring reposting its two leaders and fans reposting one account within
    minutes look the same (behaviour cannot tell them apart); the reasons must say so,
    naming the reposted accounts, none of them in the group unless joined as amplified."""
    posts, _ = build_attack("fans", n_posts=8000, seed=2)
    pacsv.write_csv(posts, tmp_path / "posts.csv")
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig())
    with open(tmp_path / "out" / "groups.csv", encoding="utf-8") as fh:
        groups = list(csv.DictReader(fh))
    with open(tmp_path / "out" / "accounts.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    group_of = {r["account_id"]: r["group_id"] for r in rows}
    joined_by = {r["account_id"]: r["joined_by"] for r in rows}
    amp = [g for g in groups if "amplifies " in g["reasons"]]
    assert amp, [g["reasons"][:200] for g in groups]
    for g in amp:
        m = re.search(r"amplifies (?:one account|\d accounts): (\d+) % of its co-actions are reposts of posts "
                      r"by (.+?) — ", g["reasons"])
        assert m and int(m.group(1)) >= 80, g["reasons"]
        for named in m.group(2).split(", "):  # outside the group, or in it only as the account it amplifies
            author, how = re.fullmatch(r"(.+) \((not in the group|joined as amplified)\)", named).groups()
            assert (group_of.get(author) == g["group_id"]) == (how == "joined as amplified")
            assert how == "not in the group" or joined_by[author] == "amplified"
        assert "behaviour alone cannot tell them from an operation" in g["reasons"]
