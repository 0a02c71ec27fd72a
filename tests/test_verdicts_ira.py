"""Verdicts on a real export with a minute clock and t.co links (IRA, 2016 election window):
every reason is measured, none true or false by the rule's construction."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from inconcert.config import DetectConfig
from inconcert.pipeline import detect


@pytest.fixture(scope="module")
def ira_run(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, list[dict], Path]:
    f = shared_data / "ira" / "ira_tweets_en_2016-10-01_2016-11-15.csv.gz"
    if not f.exists():
        pytest.skip("IRA file missing")
    out = tmp_path_factory.mktemp("ira") / "out"
    r = detect([f], out, DetectConfig())
    with open(out / "groups.csv", encoding="utf-8") as fh:
        return r.summary, list(csv.DictReader(fh)), out


@pytest.fixture(scope="module")
def ira_groups(ira_run: tuple[dict, list[dict], Path]) -> tuple[dict, list[dict]]:
    return ira_run[0], ira_run[1]


def test_the_minute_clock_is_found_and_said(ira_groups):
    summary, groups = ira_groups
    assert summary["clock"]["clock"] == "minute"
    assert groups
    for g in groups:
        assert "timing on a coarse clock" in g["reasons"] or "clock minute" in g["reasons"]


def test_no_reason_holds_by_construction(ira_groups):
    _, groups = ira_groups
    first_before_outside = []
    for g in groups:
        r = g["reasons"]
        assert "≤ 5 s" not in r  # seconds cannot be measured on a minute clock
        assert not re.search(r"top source domain t\.co", r)  # a shortener is never a source
        # every co-action lies within one tick when the window is one tick: said as a fact,
        # never as a measured "100 %"
        assert "100 % of the group's co-actions are in the same or next clock minute" not in r
        m = re.search(r"came first \((?:< 1|> 99|\d+) % are of links no account outside its component shared, "
                      r"(< 1|> 99|\d+) % came before the first outside share", r)
        if m:
            first_before_outside.append(m.group(1))
    # "came before the first outside share or in the same tick" is measured on the minute
    # clock: it is neither 0 % in every group nor 100 % in every group
    assert first_before_outside
    assert set(first_before_outside) != {"0"} and set(first_before_outside) != {"100"}


def test_every_verdict_states_its_thresholds(ira_groups):
    _, groups = ira_groups
    for g in groups:
        r = g["reasons"]
        if g["verdict"] == "weak":
            assert "needs group p ≤" in r
        else:
            assert "automation needs ≥ 50 % and ≥ 5 shares" in r or "share no links" in r
        assert "steady needs ≤ 0.3" in r or "cadence not judged" in r


def test_networks_follow_the_roles_though_a_few_accounts_bridge_them(ira_run, shared_data: Path):
    """Issue 12: role NMI at the network level ≥ 0.85, groups ≥ 95 % one role, ≥ 75 % grouped
    (the components join the roles through a few bridging accounts: NMI 0.58)."""
    import pandas as pd

    from inconcert.evaluate import role_agreement

    f = shared_data / "ira" / "ira_tweets_en_2016-10-01_2016-11-15.csv.gz"
    df = pd.read_csv(f, usecols=["author", "account_category"]).drop_duplicates("author")
    roles = dict(zip(df["author"].astype(str), df["account_category"].astype(str), strict=True))
    r = role_agreement(ira_run[2], roles)
    assert r["nmi_networks"] >= 0.85, r
    assert r["min_purity"] >= 0.95 and r["grouped_share"] >= 0.75, r
