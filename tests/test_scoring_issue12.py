"""Issue 12's failures, each as a test: big campaigns found, near-copies found
with the default behaviours, organic crowds not accused, one post one piece of
evidence, every time scale by default and never below the clock."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.evaluate import evaluate
from inconcert.outputs.options import OutputOptions
from inconcert.pipeline import detect
from inconcert.simulate.hard_cases import build_world

START = 1_704_067_200


def _world(tmp_path, name: str, n_posts: int, seed: int = 1):
    posts, labels = build_world(name, n_posts=n_posts, seed=seed)
    pacsv.write_csv(posts, tmp_path / "posts.csv")
    pacsv.write_csv(labels, tmp_path / "labels.csv")
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig())
    return evaluate(tmp_path / "out", tmp_path / "labels.csv")


def test_big_hashtag_and_link_campaigns_are_found(tmp_path):
    ev = _world(tmp_path, "big_campaign", 20000)
    assert ev["operation_accounts"] >= 100
    assert ev["recall"] >= 0.9, ev
    assert ev["organic_false_positive_rate"] <= 0.005, ev


def test_near_copies_are_found_with_default_behaviours(tmp_path):
    ev = _world(tmp_path, "slow_copypaste", 20000)  # small: the full table (30,000 posts, 5 seeds) is in the issue note
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert "near_text" in s["behaviours"] and "text" not in s["behaviours"]
    assert ev["recall"] >= 0.7, ev  # exact text alone finds none of them
    assert ev["organic_false_positive_rate"] <= 0.005, ev


def test_slow_link_pushers_are_found(tmp_path):
    """Members share each of their links 10 min – 3 h after the last: before,
    the wide windows' allowance for uncertain expectations hid them (seed 4 of
    the bench: F1 0). At 20,000 posts the two operations (59 accounts) are a
    large share of the sample, which costs some recall (measured 0.746; the
    bench's 40,000-post worlds: F1 ≥ 0.995 on seeds 1–5)."""
    ev = _world(tmp_path, "slow_links", 20000, seed=2)
    assert ev["recall"] >= 0.7, ev
    assert ev["organic_false_positive_rate"] <= 0.001, ev


def test_organic_memes_trends_viral_links_and_cascades_are_left_alone(tmp_path):
    ev = _world(tmp_path, "memes", 8000)
    assert ev["organic_false_positive_rate"] <= 0.002, ev


def _posts(rows: list[dict]) -> pa.Table:
    keys = ["post_id", "account_id", "created_at", "urls", "repost_of", "hashtags"]
    return pa.table({k: [r.get(k) for r in rows] for k in keys})


def _background(n: int = 60) -> list[dict]:
    """Unrelated accounts sharing their own links, so the null has a population."""
    rows = []
    for i in range(n):
        for j in range(3):
            rows.append({"post_id": f"b{i}_{j}", "account_id": f"bg{i:03d}",
                         "created_at": f"2024-01-0{1 + j} {i % 24:02d}:{i % 60:02d}:00",
                         "urls": f"https://site{i % 7}.example/{i}/{j}"})
        rows.append({"post_id": f"c{i}", "account_id": f"bg{i:03d}",
                     "created_at": f"2024-01-05 {i % 24:02d}:00:{i % 60:02d}",
                     "urls": "https://viral.example/story"})
    return rows


def test_a_co_retweet_with_its_url_and_hashtags_is_one_piece_of_evidence(tmp_path):
    rows = _background()
    for k, acc in enumerate(("ann", "bob")):  # one retweet each, 5 s apart, same URL and tags
        rows.append({"post_id": f"rt{k}", "account_id": acc, "created_at": f"2024-01-03 10:00:0{5 * k}",
                     "urls": "https://news.example/a", "repost_of": "orig1", "hashtags": "#x #y"})
        rows.append({"post_id": f"own{k}", "account_id": acc, "created_at": f"2024-01-0{2 + k} 08:00:00",
                     "urls": f"https://own.example/{acc}"})
    pacsv.write_csv(_posts(rows), tmp_path / "posts.csv")
    # the link is not significant: its pair is in the evidence only when every pair is written
    detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig(min_participation=1),
           outputs=OutputOptions(all_evidence=True))
    ev = pq.read_table(tmp_path / "out" / "evidence.parquet").to_pylist()
    mine = [r for r in ev if {r["account_a"], r["account_b"]} == {"ann", "bob"}]
    assert len(mine) == 1
    assert mine[0]["behaviour"] == "repost" and mine[0]["behaviours"] == "repost,url,hashtags"
    links = pq.read_table(tmp_path / "out" / "links.parquet").to_pylist()
    ab = [r for r in links if {r["account_a"], r["account_b"]} == {"ann", "bob"}][0]
    assert ab["weight"] == 1 and ab["p_value"] == 1.0 and not ab["significant"]


def test_every_window_by_default_and_none_below_the_clock(tmp_path):
    rows = _background()
    for r in rows:  # a minute clock
        r["created_at"] = r["created_at"][:17] + "00"
    pacsv.write_csv(_posts(rows), tmp_path / "posts.csv")
    r = detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig())
    assert r.summary["windows"] == [60.0, 600.0, 3600.0, 21600.0]
    assert r.summary["clock"]["clock"] == "minute"
    r = detect([tmp_path / "posts.csv"], tmp_path / "out2", DetectConfig(window=120))
    assert r.summary["windows"] == [120.0]


@pytest.mark.parametrize("w", [10, 3600])
def test_a_fixed_window_is_one_window(tmp_path, w):
    pacsv.write_csv(_posts(_background(20)), tmp_path / "posts.csv")
    r = detect([tmp_path / "posts.csv"], tmp_path / "out", DetectConfig(window=w))
    assert r.summary["windows"] == [float(w)]
    links = pq.read_table(tmp_path / "out" / "links.parquet")
    assert set(links.column("window_s").to_pylist()) <= {float(w)}
