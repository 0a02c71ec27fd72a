"""Exact duplicate rows are dropped once, counted, and never silently."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from inconcert.config import DetectConfig
from inconcert.ingest import ingest
from inconcert.pipeline import detect

HEAD = "id,author,created_at,text,urls\n"


def test_duplicates_dropped_once_keeping_the_first(tmp_path: Path):
    p = tmp_path / "p.csv"
    p.write_text(
        HEAD
        + "1,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "2,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"  # same account, time, content
        + "3,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "4,a,2024-01-01 10:00:01,hello world,http://x.com/1\n"  # another second: kept
        + "5,b,2024-01-01 10:00:00,hello world,http://x.com/1\n"  # another account: kept
        + "6,a,2024-01-01 10:00:00,hello world,http://x.com/2\n"  # another link: kept
    )
    ing = ingest([p], tmp_path)
    assert (ing.rows_read, ing.rows_used, ing.rows_rejected, ing.rows_duplicate) == (6, 4, 0, 2)
    t = pq.read_table(ing.actions_path)
    assert t.column("row").to_pylist() == [1, 4, 5, 6]
    assert t.column("seq").to_pylist() == sorted(t.column("seq").to_pylist())


def test_a_post_in_two_overlapping_exports_counts_once(tmp_path: Path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(HEAD + "1,a,2024-01-01 10:00:00,same post here,\n2,b,2024-01-01 10:01:00,other,\n")
    b.write_text(HEAD + "1,a,2024-01-01 10:00:00,same post here,\n")
    ing = ingest([a, b], tmp_path)
    per = {Path(i["path"]).name: (i["records"], i["used"], i["duplicates"]) for i in ing.inputs}
    assert per == {"a.csv": (2, 2, 0), "b.csv": (1, 0, 1)}


def test_summary_counts_duplicates(tmp_path: Path):
    p = tmp_path / "p.csv"
    p.write_text(HEAD + "1,a,2024-01-01 10:00:00,x y z w,\n2,a,2024-01-01 10:00:00,x y z w,\n3,b,nope,x,\n")
    rows = detect([p], tmp_path / "out", DetectConfig()).summary["rows"]
    assert rows == {"read": 3, "used": 1, "rejected": 1, "duplicates": 1}
    assert rows["read"] == rows["used"] + rows["rejected"] + rows["duplicates"]


def test_ira_election_file_has_2425_exact_duplicates(shared_data: Path, tmp_path: Path):
    f = shared_data / "ira" / "ira_tweets_en_2016-10-01_2016-11-15.csv.gz"
    if not f.exists():
        pytest.skip("IRA file missing")
    ing = ingest([f], tmp_path)
    # same account, minute and text (the file's other columns follow from the text)
    assert ing.rows_duplicate == 2425
    assert ing.rows_used == 128_919 - 2425


def _six_rows(tmp_path: Path) -> Path:
    p = tmp_path / "p.csv"
    p.write_text(
        HEAD
        + "1,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "2,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "3,a,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "4,a,2024-01-01 10:00:01,hello world,http://x.com/1\n"
        + "5,b,2024-01-01 10:00:00,hello world,http://x.com/1\n"
        + "6,a,2024-01-01 10:00:00,hello world,http://x.com/2\n"
    )
    return p


def test_deferred_duplicates_stay_in_the_file_and_the_filter_drops_them(tmp_path: Path):
    from inconcert.engines.duckdb_engine import DuckDBEngine

    p = _six_rows(tmp_path)
    (tmp_path / "d").mkdir()
    ing = ingest([p], tmp_path / "d", defer_duplicates=True)
    assert (ing.rows_read, ing.rows_used, ing.rows_duplicate) == (6, 4, 2)
    assert ing.duplicate_seqs == (1, 2)
    assert ing.actions_filter == "seq NOT IN (1, 2)"
    assert pq.read_table(ing.actions_path).num_rows == 6  # not rewritten
    e = DuckDBEngine()
    e.register_parquet("actions", ing.actions_path, where=ing.actions_filter)
    assert e.to_arrow("SELECT row FROM actions").column("row").to_pylist() == [1, 4, 5, 6]
    (tmp_path / "r").mkdir()
    plain = ingest([p], tmp_path / "r")  # the default: the file is rewritten, nothing deferred
    assert plain.duplicate_seqs == () and plain.actions_filter is None
    assert pq.read_table(plain.actions_path).to_pylist() == e.to_arrow("SELECT * FROM actions").to_pylist()


def test_many_duplicates_are_rewritten_even_when_deferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import inconcert.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "FILTER_MAX_DUPLICATES", 1)
    ing = ingest([_six_rows(tmp_path)], tmp_path, defer_duplicates=True)
    assert ing.duplicate_seqs == () and ing.rows_duplicate == 2
    assert pq.read_table(ing.actions_path).column("row").to_pylist() == [1, 4, 5, 6]


@pytest.mark.parametrize("limit", [0, 64])
def test_detect_same_with_duplicates_filtered_or_rewritten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int):
    import inconcert.ingest as ingest_module

    monkeypatch.setattr(ingest_module, "FILTER_MAX_DUPLICATES", limit)
    rows = [f"{i},a{i % 3},2024-01-01 10:{i // 3:02d}:00,post number {i // 3} here,http://x.com/{i // 3}\n" for i in range(30)]
    rows += [rows[4].replace("4,", "100,", 1), rows[7].replace("7,", "101,", 1)]  # two exact duplicates
    p = tmp_path / "p.csv"
    p.write_text(HEAD + "".join(rows))
    r = detect([p], tmp_path / f"out{limit}", DetectConfig(keep_insignificant=True))
    assert r.summary["rows"] == {"read": 32, "used": 30, "rejected": 0, "duplicates": 2}
    assert r.posts.num_rows == 0 or 100 not in r.posts.column("seq").to_pylist()
    assert r.counts.traces == 60  # url + text (no duplicate counted twice)


def test_a_status_harvested_from_two_instances_counts_once(tmp_path: Path):
    """A Mastodon status seen from its own instance and from another carries the same
    ``uri`` but its own local id and preview card: one post, one duplicate counted.
    Another status of the same account in the same second stays."""
    import json

    uri = "https://mastodon.social/users/frank/statuses/109000"

    def status(local_id: str, acct: str, card: str, uri: str = uri) -> str:
        return json.dumps({
            "id": local_id, "uri": uri, "created_at": "2023-05-01T08:00:00.000Z",
            "content": "<p>Read <a href=\"https://news.example/item\">news.example/item</a></p>",
            "account": {"acct": acct, "username": "frank", "url": "https://mastodon.social/@frank"},
            "tags": [], "mentions": [], "card": {"url": card},
        })

    home, other = tmp_path / "home.jsonl", tmp_path / "other.jsonl"
    home.write_text(status("109000", "frank", "https://news.example/item?utm=home") + "\n")
    other.write_text(status("77", "frank@mastodon.social", "https://news.example/item?ref=other") + "\n"
                     + status("78", "frank@mastodon.social", "https://news.example/item",
                              uri="https://mastodon.social/users/frank/statuses/109001") + "\n")
    ing = ingest([home, other], tmp_path)
    per = {Path(i["path"]).name: (i["records"], i["used"], i["duplicates"]) for i in ing.inputs}
    assert per == {"home.jsonl": (1, 1, 0), "other.jsonl": (2, 1, 1)}
    t = pq.read_table(ing.actions_path)
    assert sorted(t.column("post_id").to_pylist()) == [uri, uri[:-1] + "1"]
    kept = [r for r in t.to_pylist() if r["post_id"] == uri]
    assert kept[0]["urls"][-1] == "https://news.example/item?utm=home"  # the first harvest's


def test_row_numbers_are_not_global_ids(tmp_path: Path):
    """Without an id column a CSV's posts are numbered by row; the same row number,
    account and time in two files is not the same post."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("author,created_at,text\nx,2024-01-01 10:00:00,first text\n")
    b.write_text("author,created_at,text\nx,2024-01-01 10:00:00,another text\n")
    ing = ingest([a, b], tmp_path)
    assert (ing.rows_used, ing.rows_duplicate) == (2, 0)
