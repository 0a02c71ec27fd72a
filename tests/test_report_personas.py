"""Persona links in the detect report: an account that shares a hand with a group's
member is shown in that group's section (issue 14, item 5), end to end through the CLI."""

from __future__ import annotations

import csv
import html.parser
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from inconcert.cli import main
from inconcert.personas.synthetic import persona_actions
from inconcert.report import collect_report_data

XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "</script><script>alert(1)</script>"
GROUP = ["hand1_a", "w2", "w3", "w5"]  # hand1_a's other account, hand1_b, acts with nobody


def _posts(path: Path) -> Path:
    """The personas fixture's texts, plus links that GROUP shares within seconds (a co-action
    group for detect) and links the others share at random (a background)."""
    rows = [[r["post_id"], r["account_id"], r["ts"].strftime("%Y-%m-%d %H:%M:%S"), r["text"], ""]
            for r in persona_actions(seed=5).to_pylist()]
    rng = random.Random(1)
    t0 = datetime(2016, 10, 20, 12, tzinfo=UTC)
    for o in range(25):
        for i, a in enumerate(GROUP):
            rows.append([f"x{len(rows)}", a, (t0 + timedelta(hours=3 * o, seconds=7 * i)).strftime("%Y-%m-%d %H:%M:%S"),
                         "look", f"https://news.example/s{o}"])
    others = ["byline_two_hands", "hand1_b", "w4", "w6", "w7", "w8"]
    for _ in range(60):
        rows.append([f"x{len(rows)}", rng.choice(others),
                     (t0 + timedelta(minutes=rng.randint(0, 6000))).strftime("%Y-%m-%d %H:%M:%S"),
                     "look", f"https://other.example/s{rng.randint(0, 30)}"])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "author", "created_at", "text", "urls"])
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("persona_report")
    posts = _posts(base / "posts.csv")
    r = CliRunner().invoke(main, ["detect", str(posts), "-o", str(base / "out")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["personas", str(posts), "-o", str(base / "out" / "personas")])
    assert r.exit_code == 0, r.output
    return base


def _group_of(out: Path, account: str) -> int:
    rows = {r["account_id"]: r["group_id"] for r in csv.DictReader(open(out / "accounts.csv", encoding="utf-8"))}
    return int(rows[account])


def test_a_members_other_hand_is_shown_in_the_group_section(runs: Path) -> None:
    out = runs / "out"
    gid = _group_of(out, "hand1_a")
    data = collect_report_data(out)  # OUTDIR/personas is found without being named
    assert data["personas"] is not None and data["personas"]["dir"] == "personas"
    sec = next(s for s in data["sections"] if s["group"]["group_id"] == gid)
    links = sec["personas"]
    top = links["rows"][0]
    assert (top["member"], top["other"]) == ("hand1_a", "hand1_b")
    assert not top["same_group"] and top["other_group"] is None and top["other_known"]
    assert top["member_words"] > 200 and top["other_words"] > 200 and top["top_ngrams"] and top["top_habits"]
    assert top["passages"] and all(q["member"] and q["other"] for q in top["passages"])
    assert 0 < top["p_value"] <= 1 and top["score"] > 0
    assert links["n"] >= len(links["rows"]) and len(links["rows"]) <= 10
    # a pair inside the group is listed once, not once per side
    inside = [(r["member"], r["other"]) for r in links["rows"] if r["same_group"]]
    assert len(inside) == len({frozenset(p) for p in inside})


def test_report_cli_with_personas_folder(runs: Path) -> None:
    out = runs / "out"
    moved = runs / "elsewhere"
    if not moved.exists():
        (out / "personas").rename(moved)
    try:
        plain = CliRunner().invoke(main, ["report", str(out), "-o", str(runs / "plain.html")])
        assert plain.exit_code == 0, plain.output
        assert "Same hand (style" not in (runs / "plain.html").read_text(encoding="utf-8")
        r = CliRunner().invoke(main, ["report", str(out), "--personas", str(moved), "-o", str(runs / "r.html")])
        assert r.exit_code == 0, r.output
        text = (runs / "r.html").read_text(encoding="utf-8")
        assert "Same hand (style, from elsewhere/)" in text and "a lead, not proof" in text
        assert "hand1_b" in text and "same_hand.csv" in text
        bad = CliRunner().invoke(main, ["report", str(out), "--personas", str(runs), "-o", str(runs / "x.html")])
        assert bad.exit_code == 2 and "not a personas output folder" in bad.output and "same_hand.csv" in bad.output
    finally:
        moved.rename(out / "personas")


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_hostile_persona_files_render_as_text(runs: Path, tmp_path: Path) -> None:
    src = runs / "out" / "personas"
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    for f in src.iterdir():
        text = f.read_text(encoding="utf-8")
        if f.name == "same_hand.csv":
            text = text.replace("hand1_b", XSS_IMG).replace("«", XSS_SCRIPT)
        if f.name == "persona_evidence.json":
            ev = json.loads(text)
            for e in ev:
                if e.get("kind") == "same_hand" and "hand1_b" in (e["account_a"], e["account_b"]):
                    e["account_a" if e["account_a"] == "hand1_b" else "account_b"] = XSS_IMG
                    for q in e["passages"]:
                        q["a"] = q["b"] = XSS_SCRIPT
            text = json.dumps(ev)
        (hostile / f.name).write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["report", str(runs / "out"), "--personas", str(hostile), "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert XSS_IMG not in text and XSS_SCRIPT not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "&lt;/script&gt;&lt;script&gt;" in text
    doc = _Tags()
    doc.feed(text)
    tags = [t for t, _ in doc.tags]
    assert "img" not in tags and tags.count("script") == 2
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        href = attrs.get("href")
        if tag == "a" and href and attrs.get("class") != "obj":
            assert href.startswith("#"), href  # only in-page links; the page stays offline
