"""One bad record costs that record: each test pins a defect found by fuzzing (issue 16)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from inconcert.ingest import ingest

FIX = Path(__file__).parent / "fixtures" / "readers"
DEEP = "[" * 5000 + "]" * 5000


def _read(path: Path, fmt: str | None = None) -> tuple[dict, list[dict]]:
    ing = ingest([path], workdir=path.parent, format=fmt)
    inp = ing.inputs[0]
    assert inp["records"] == inp["used"] + inp["rejected"]
    return inp, ing.rejects.select(["row", "reason"]).to_pylist()


def _jsonl_lines(name: str) -> list[str]:
    out = []
    for line in (FIX / name).read_text().splitlines():
        try:
            if isinstance(json.loads(line), dict):
                out.append(line)
        except ValueError:
            pass
    return out


@pytest.mark.parametrize("name,fmt", [("twitter_v1.jsonl", "twitter_v1"), ("twitter_v2_flat.jsonl", "twitter_v2"),
                                      ("bluesky_jetstream.jsonl", "bluesky"), ("mastodon.jsonl", "mastodon")])
def test_recursion_error_deep_json_line_is_one_reject(tmp_path: Path, name: str, fmt: str) -> None:
    good = _jsonl_lines(name)
    p = tmp_path / "in.jsonl"
    p.write_text("\n".join([good[0], '{"deep": ' + DEEP + "}", *good[1:]]) + "\n")
    inp, rejects = _read(p, fmt)
    base, _ = _read(_write(tmp_path / "b", "in.jsonl", "\n".join(good) + "\n"), fmt)
    assert inp["used"] == base["used"] and inp["rejected"] == base["rejected"] + 1
    assert any(r["row"] == 2 and "nested deeper than" in r["reason"] for r in rejects)


@pytest.mark.parametrize("fmt", ["mastodon", "twitter_v1"])
def test_recursion_error_deep_json_array_element_is_one_reject(tmp_path: Path, fmt: str) -> None:
    if fmt == "mastodon":
        items = json.loads((FIX / "mastodon.json").read_text())
        head, tail, name = "[", "]", "in.json"
    else:
        text = (FIX / "archive" / "data" / "tweet.js").read_text()
        items = json.loads(text[text.index("[") :])
        head, tail, name = "window.YTD.tweet.part0 = [", "]", "tweet.js"
    base, _ = _read(_write(tmp_path / "b", name, head + ",".join(map(json.dumps, items)) + tail), fmt)
    elems = [json.dumps(items[0]), DEEP, *map(json.dumps, items[1:])]
    inp, rejects = _read(_write(tmp_path / "m", name, head + ",".join(elems) + tail), fmt)
    assert inp["used"] == base["used"], "the elements after the deep one are read"
    assert any(r["row"] == 2 and "nested deeper" in r["reason"] for r in rejects)


@pytest.mark.parametrize(
    "fixture,fmt,column",
    [("crowdtangle.csv", "crowdtangle", "Post Created"), ("io_archive.csv", "io_archive", "tweet_time"),
     ("coortweet_multi.csv", "coortweet_multi", "timestamp"), ("fivethirtyeight.csv", "fivethirtyeight", "publish_date")],
)
def test_overflow_error_20_digit_timestamp_is_one_reject(tmp_path: Path, fixture: str, fmt: str, column: str) -> None:
    rows = list(csv.DictReader((FIX / fixture).open()))
    rows[0][column] = "99999999999999999999"
    p = tmp_path / "in.csv"
    with p.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    base, _ = _read(_copy(FIX / fixture, tmp_path / "b"), fmt)
    inp, rejects = _read(p, fmt)
    assert inp["used"] >= base["used"] - 1
    assert any("out of range" in r["reason"] for r in rejects)


def test_overflow_error_20_digit_timestamp_mastodon_and_telegram(tmp_path: Path) -> None:
    m = json.loads((FIX / "mastodon.json").read_text())
    m[0]["created_at"] = 99999999999999999999
    base, _ = _read(_write(tmp_path / "b", "in.json", (FIX / "mastodon.json").read_text()), "mastodon")
    inp, rejects = _read(_write(tmp_path / "m", "in.json", json.dumps(m)), "mastodon")
    assert inp["used"] == base["used"] - 1 and rejects[0]["row"] == 1
    t = json.loads((FIX / "telegram" / "ChatExport_a" / "result.json").read_text())
    for msg in t["messages"]:
        msg["date_unixtime"] = "99999999999999999999"
    inp, rejects = _read(_write(tmp_path / "t", "result.json", json.dumps(t)), "telegram")
    assert inp["used"] == 0 and inp["rejected"] == len(t["messages"])


def test_unicode_encode_error_lone_surrogate_keeps_the_file(tmp_path: Path) -> None:
    good = _jsonl_lines("twitter_v2_flat.jsonl")
    bad = good[0].replace('"text": "', '"text": "\\ud800', 1).replace('"id": "1001"', '"id": "1001\\udfff"', 1)
    inp, rejects = _read(_write(tmp_path, "in.jsonl", "\n".join([bad, *good]) + "\n"), "twitter_v2")
    base, _ = _read(_write(tmp_path / "b", "in.jsonl", "\n".join(good) + "\n"), "twitter_v2")
    assert inp["used"] >= base["used"] and inp["rejected"] <= base["rejected"] + 1  # orjson refuses it
    items = json.loads((FIX / "mastodon.json").read_text())
    text = json.dumps(items).replace('"content": "', '"content": "\\ud800', 1)
    inp, _ = _read(_write(tmp_path / "m", "in.json", text), "mastodon")
    base, _ = _read(_write(tmp_path / "mb", "in.json", json.dumps(items)), "mastodon")
    assert inp["used"] == base["used"], "in a JSON array the lone surrogate becomes U+FFFD"


@pytest.mark.parametrize("value", ["infinity", "-infinity", "99999999999999999999", "NaN"])
def test_infinity_timestamps_are_rejected_in_generic_csv(tmp_path: Path, value: str) -> None:
    p = _write(tmp_path, "in.csv", f"id,author,created_at\n1,a,2024-01-01 10:00\n2,b,{value}\n")
    inp, rejects = _read(p)
    assert (inp["used"], inp["rejected"]) == (1, 1)
    assert rejects[0]["row"] == 2


def test_generic_csv_short_line_counts_once_not_per_missing_column(tmp_path: Path) -> None:
    p = _write(tmp_path, "in.csv", "id,author,created_at,text,url\n1,a,2024-01-01 10:00,x,u\n2\n3,c,2024-01-01 10:01,y,v\n")
    inp, rejects = _read(p)
    assert (inp["records"], inp["used"], inp["rejected"]) == (3, 2, 1)
    assert rejects == [{"row": 2, "reason": "expected 5 fields, found 1"}]


def test_generic_csv_reject_rows_not_shifted_after_a_line_duckdb_rejects(tmp_path: Path) -> None:
    lines = [f"{i},a{i},2024-01-01 10:00" for i in range(1, 41)]
    lines[4] = "5,a5,2024-01-01 10:00,extra"  # DuckDB refuses it
    lines[9] = "10,a10,not a time"  # the mapping rejects it
    inp, rejects = _read(_write(tmp_path, "in.csv", "id,author,created_at\n" + "\n".join(lines) + "\n"))
    assert (inp["records"], inp["used"], inp["rejected"]) == (40, 38, 2)
    assert [r["row"] for r in rejects] == [5, 10]


def test_unterminated_quote_rejects_from_that_row_not_the_whole_file(tmp_path: Path) -> None:
    """Was: "Error when sniffing file" and nothing read."""
    lines = [f"{i},a{i},2024-01-01 10:00,t" for i in range(1, 41)]
    lines[30] = '31,a31,2024-01-01 10:00,"never closed'
    inp, rejects = _read(_write(tmp_path, "in.csv", "id,author,created_at,text\n" + "\n".join(lines) + "\n"))
    assert inp["used"] == 30
    assert rejects[-1]["row"] == 31 and "unterminated quote" in rejects[-1]["reason"]


def test_junk_csv_is_read_line_by_line_with_exact_counts(tmp_path: Path) -> None:
    """A file of junk lines took DuckDB ~40 µs and ~1 kB a rejected line (2 MB of junk: past
    3 minutes at 4.2 GB); such a file is now parsed in Python (benchmarks/bench_junk.py)."""
    junk = ["x", "a,b", ",,", "{", "1"] * 2000
    inp, rejects = _read(_write(tmp_path, "in.csv", "id,author,created_at\n" + "\n".join(junk) + "\n"))
    assert (inp["records"], inp["used"], inp["rejected"]) == (10_000, 0, 10_000)
    assert rejects[1] == {"row": 2, "reason": "expected 3 fields, found 2"}


@pytest.mark.parametrize("fmt", ["generic", "io_archive"])
def test_truncated_gzip_keeps_the_rows_before_the_cut(tmp_path: Path, fmt: str) -> None:
    """Was: the whole run failed with "Unexpected end of GZIP stream"."""
    if fmt == "generic":
        text = "id,author,created_at\n" + "".join(f"{i},a{i % 7},2024-01-01 10:{i % 60:02d}\n" for i in range(20000))
    else:
        lines = (FIX / "io_archive.csv").read_text().splitlines()
        text = "\n".join([lines[0], *(lines[1:] * 3000)]) + "\n"
    data = gzip.compress(text.encode(), compresslevel=1)
    p = tmp_path / "in.csv.gz"
    p.write_bytes(data[: len(data) * 2 // 3])
    inp, rejects = _read(p, fmt)
    assert inp["used"] > 1000
    assert "cut off" in rejects[-1]["reason"] or "cannot read the file further" in rejects[-1]["reason"]


def _write(d: Path, name: str, text: str) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(text)
    return p


def _copy(src: Path, d: Path) -> Path:
    return _write(d, src.name, src.read_text())
