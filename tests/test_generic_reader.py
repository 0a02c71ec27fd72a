"""Generic CSV/TSV/Parquet/JSONL reader: mapping, timestamps, lists, rejects."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inconcert.errors import InconcertError, MissingColumnError, UnknownFormatError
from inconcert.readers import ReadContext, detect_format

UTC = dt.UTC


def read(path: Path, **kw) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path, **kw)
    reader = detect_format(path)
    tables = list(reader.read(path, ctx))
    ctx.flush_rejects()
    t = pa.concat_tables(tables) if tables else None
    return t, ctx


def test_timestamps_all_forms_to_utc(tmp_path: Path):
    p = tmp_path / "t.csv"
    p.write_text(
        "id,user_id,created_at\n"
        "1,a,2024-01-01T10:00:00Z\n"
        "2,a,2024-01-01T12:00:00+02:00\n"
        "3,a,2024-01-01 10:00\n"
        "4,a,2024-01-01 10:00:00\n"
        "5,a,1704103200\n"
        "6,a,1704103200000\n"
        "7,a,Mon Jan 01 10:00:00 +0000 2024\n"
    )
    t, ctx = read(p)
    assert ctx.n_rejected == 0
    want = dt.datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    assert all(v == want for v in t.column("ts").to_pylist())


def test_lists_json_bracketed_and_separated(tmp_path: Path):
    p = tmp_path / "l.csv"
    p.write_text(
        'id,author,timestamp,hashtags,urls\n'
        '1,a,2024-01-01,"[""x"", ""y""]",http://a.com http://b.com\n'
        '2,a,2024-01-01,"[x, y]","[\'http://a.com\', \'http://b.com\']"\n'
        '3,a,2024-01-01,"#x,#y",http://a.com;\n'
    )
    t, _ = read(p)
    tags = t.column("hashtags").to_pylist()
    assert tags[0] == ["x", "y"] and tags[1] == ["x", "y"] and tags[2] == ["x", "y"]
    assert t.column("urls").to_pylist()[1] == ["http://a.com", "http://b.com"]


def test_bad_rows_rejected_with_reason_and_counts_add_up(tmp_path: Path):
    p = tmp_path / "b.csv"
    p.write_text("id,author,date,text\n1,a,2024-01-01,ok\n2,,2024-01-01,no account\n3,b,yesterday,bad time\n4,c,,no time\n")
    t, ctx = read(p)
    assert t.num_rows == 1
    reasons = dict(ctx.reject_reasons)
    assert reasons["empty account_id"] == 1
    assert reasons["unparseable timestamp: yesterday"] == 1
    assert reasons["missing timestamp"] == 1
    assert ctx.records_read == t.num_rows + ctx.n_rejected == 4
    rows = sorted(r for tbl in ctx.rejects for r in tbl.column("row").to_pylist())
    assert rows == [2, 3, 4]


def test_column_map_and_missing_column_message(tmp_path: Path):
    p = tmp_path / "m.csv"
    p.write_text("pid,who,when\n1,a,2024-01-01\n")
    with pytest.raises(InconcertError):
        read(p)  # nothing maps account_id: not recognised as generic
    ctx = ReadContext(p, column_map={"account_id": "who", "ts": "when", "post_id": "pid"})
    from inconcert.readers import get_reader

    t = pa.concat_tables(list(get_reader("generic").read(p, ctx)))
    assert t.column("account_id").to_pylist() == ["a"]
    ctx = ReadContext(p, column_map={"account_id": "nope", "ts": "when"})
    with pytest.raises(MissingColumnError, match="--map account_id=COLUMN"):
        list(get_reader("generic").read(p, ctx))


def test_coortweet_contract_unchanged(tmp_path: Path):
    p = tmp_path / "c.csv"
    p.write_text("object_id,account_id,content_id,timestamp_share\no1,a,c1,1600000000\n")
    t, _ = read(p)
    row = t.to_pylist()[0]
    assert row["object"] == "o1" and row["post_id"] == "c1"


def test_tsv_parquet_jsonl_gzip(tmp_path: Path):
    (tmp_path / "a.tsv").write_text("id\tauthor\tdate\n1\ta\t2024-01-01\n")
    pq.write_table(
        pa.table({"id": ["1"], "user_id": ["a"], "created_at": [dt.datetime(2024, 1, 1, tzinfo=UTC)],
                  "hashtags": [["x", "y"]]}),
        tmp_path / "a.parquet",
    )
    lines = [json.dumps({"id": 1, "user": {"id": "a"}, "created_at": "2024-01-01T00:00:00Z", "urls": ["http://x"]}),
             "{broken json", ""]
    with gzip.open(tmp_path / "a.jsonl.gz", "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    assert read(tmp_path / "a.tsv")[0].num_rows == 1
    tp, _ = read(tmp_path / "a.parquet")
    assert tp.column("hashtags").to_pylist() == [["x", "y"]]
    from inconcert.readers import get_reader

    ctx = ReadContext(tmp_path / "a.jsonl.gz", column_map={"account_id": "user.id"})
    tj = pa.concat_tables(list(get_reader("generic").read(tmp_path / "a.jsonl.gz", ctx)))
    assert tj.column("account_id").to_pylist() == ["a"]
    assert tj.column("urls").to_pylist() == [["http://x"]]
    assert dict(ctx.reject_reasons) == {"invalid JSON": 1}


def test_unknown_format_names_the_flag(tmp_path: Path):
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x00\x01\x02 binary")
    with pytest.raises(UnknownFormatError, match="--format"):
        detect_format(p)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8), st.text(max_size=25)), max_size=8))
def test_random_rows_never_crash(tmp_path: Path, rows):
    import csv

    p = tmp_path / "r.csv"
    with open(p, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "author", "created_at"])
        w.writerows(rows)
    try:
        t, ctx = read(p)
    except InconcertError:
        return
    used = t.num_rows if t is not None else 0
    assert used + ctx.n_rejected == ctx.records_read
