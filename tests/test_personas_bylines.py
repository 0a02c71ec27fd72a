"""Pages in: the byline, not the site, is whose hand a profile is."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from inconcert.errors import ConfigError
from inconcert.personas import PersonaConfig, find_personas
from inconcert.personas.synthetic import persona_actions


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    """One writer (hand1) as "Jane Doe" on two sites, every other writer a byline of its own."""
    t = persona_actions(seed=4, texts_per_account=30).to_pylist()
    path = tmp_path_factory.mktemp("pages") / "articles.jsonl"
    with path.open("w") as f:
        for k, r in enumerate(t):
            acc = r["account_id"]
            if acc.startswith(("short", "byline")):
                continue
            site, byline = {"hand1_a": ("one.com", "By Jane Doe"), "hand1_b": ("two.org", "jane  doe")}.get(
                acc, (f"{acc}.net", f"Writer {acc}"))
            f.write(json.dumps({"url": f"https://{site}/a{k}", "site": site, "byline": byline, "text": r["text"],
                                "published": (r["ts"] + dt.timedelta(days=k % 3)).isoformat()}) + "\n")
        f.write(json.dumps({"url": "https://one.com/x", "site": "one.com", "text": "no byline on this page at all",
                            "published": "2016-10-02T00:00:00+00:00"}) + "\n")
    return path


def test_bylines_are_the_unit_across_sites(articles):
    res = find_personas([articles], PersonaConfig(evidence_pairs=0, min_texts=10, min_words=100))
    assert res.summary["unit"] == "byline" and res.summary["pages_without_byline"] == 1
    ids = {a["account_id"] for a in res.accounts}
    assert "jane doe" in ids and not any(i.endswith((".com", ".org", ".net")) for i in ids)
    jane = next(a for a in res.accounts if a["account_id"] == "jane doe")
    assert jane["n_texts"] == 60  # both sites' pages


def test_byline_unit_needs_pages(tmp_path):
    p = tmp_path / "posts.csv"
    p.write_text("account_id,post_id,ts,text\na,1,2016-10-01T00:00:00Z,one two three four\n")
    with pytest.raises(ConfigError, match="needs pages"):
        find_personas([p], PersonaConfig(unit="byline"))
