"""A newcomer's own file through the CLI (issue 15, input handling): every case says what happened."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from inconcert.cli import main

ROWS = [("ann", "2024-01-01 10:00:00", "hi https://x.org/1"), ("bob", "2024-01-01 10:00:20", "hi https://x.org/1"),
        ("cat", "2024-01-01 10:05:00", "yo https://x.org/2")]


def detect(tmp_path: Path, *args: str) -> tuple[int, str, dict]:
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["detect", *args, "-o", str(out)])
    assert "Traceback" not in res.output, res.output
    summary = json.loads((out / "summary.json").read_text()) if (out / "summary.json").exists() else {}
    return res.exit_code, " ".join(res.output.split()), summary


def _csv(tmp_path: Path, name: str, header: str, rows: list[str], encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return p


def test_map_alone_implies_the_generic_format(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "who,when,msg", [",".join(r) for r in ROWS])
    code, text, summary = detect(tmp_path, str(p), "--map", "account_id=who", "--map", "ts=when")
    assert code == 0, text
    assert summary["rows"] == {"read": 3, "used": 3, "rejected": 0}


def test_unknown_map_field_names_the_closest_field(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "who,when,msg", [",".join(r) for r in ROWS])
    code, text, _ = detect(tmp_path, str(p), "--map", "acount_id=who", "--map", "ts=when")
    assert code == 2 and "no field 'acount_id' (did you mean 'account_id'?)" in text


def test_all_missing_fields_in_one_message(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "who,when,msg", [",".join(r) for r in ROWS])
    code, text, _ = detect(tmp_path, str(p))
    assert code == 2 and "no column for 'account_id', 'ts'" in text and "--map account_id=COLUMN --map ts=COLUMN" in text


def test_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_text("")
    code, text, _ = detect(tmp_path, str(p))
    assert code == 2 and "the file is empty" in text


def test_header_only_file_warns_0_rows(tmp_path: Path) -> None:
    p = _csv(tmp_path, "h.csv", "account_id,ts,text", [])
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0 and summary["rows"]["read"] == 0
    assert "warning: 0 rows" in text


def test_xlsx_is_read_with_openpyxl(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["account_id", "ts", "text"])
    for r in ROWS:
        ws.append(list(r))
    p = tmp_path / "posts.xlsx"
    wb.save(p)
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0, text
    assert summary["rows"]["used"] == 3


def test_xlsx_without_openpyxl_says_save_as_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def no_openpyxl(name: str, *a: object, **k: object) -> object:
        if name == "openpyxl":
            raise ImportError(name)
        return real(name, *a, **k)

    p = tmp_path / "posts.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"xl/workbook.xml" + b"\0" * 100)
    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    code, text, _ = detect(tmp_path, str(p))
    assert code == 2 and "save it as CSV" in text and "inconcert[excel]" in text


def test_ods_says_save_as_csv(tmp_path: Path) -> None:
    p = tmp_path / "posts.ods"
    p.write_bytes(b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet" + b"\0" * 100)
    code, text, _ = detect(tmp_path, str(p))
    assert code == 2 and "is a spreadsheet (.ods)" in text and "save it as CSV" in text


@pytest.mark.parametrize("delim", [";", "\t"])
def test_semicolon_and_tab_csv_are_sniffed(tmp_path: Path, delim: str) -> None:
    p = _csv(tmp_path, "p.csv", delim.join(["account_id", "ts", "text"]), [delim.join(r) for r in ROWS])
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0, text
    assert summary["rows"]["used"] == 3


def test_latin1_csv_is_detected_and_the_encoding_recorded(tmp_path: Path) -> None:
    rows = [",".join((a, t, "Zürich café " + u)) for a, t, u in ROWS]
    p = _csv(tmp_path, "p.csv", "account_id,ts,text", rows, encoding="cp1252")
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0, text
    assert summary["rows"]["used"] == 3 and summary["inputs"][0]["encoding"] == "cp1252"
    code, text, summary = detect(tmp_path, str(p), "--encoding", "latin-1")
    assert summary["rows"]["used"] == 3 and summary["inputs"][0]["encoding"] == "iso8859-1"


def test_unknown_encoding_is_one_line_error(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "account_id,ts,text", [",".join(r) for r in ROWS])
    code, text, _ = detect(tmp_path, str(p), "--encoding", "klingon")
    assert code == 2 and "unknown encoding" in text


@pytest.mark.parametrize("ts,expect", [("01.02.2024 10:00:00", "2024-02-01"), ("Jan 5 2024 10:00", "2024-01-05"),
                                       ("1/2/2024 10:00 PM", "2024-01-02")])
def test_day_first_and_month_name_times_are_recognised(tmp_path: Path, ts: str, expect: str) -> None:
    p = _csv(tmp_path, "p.csv", "account_id,ts,text", [f"a{i},{ts},t" for i in range(3)])
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0 and summary["rows"]["used"] == 3, text
    import pyarrow.parquet as pq

    posts = tmp_path / "out" / "posts.parquet"
    if posts.exists() and pq.read_table(posts).num_rows:
        assert str(pq.read_table(posts).column("ts")[0]).startswith(expect)


def test_slashes_are_day_first_when_the_file_proves_it(tmp_path: Path) -> None:
    from inconcert.ingest import ingest

    p = _csv(tmp_path, "p.csv", "account_id,ts", ["a,1/2/2024 10:00", "b,13/2/2024 10:00"])
    ing = ingest([p], tmp_path)
    import pyarrow.parquet as pq

    days = [str(t)[:10] for t in pq.read_table(ing.actions_path).column("ts").to_pylist()]
    assert days == ["2024-02-01", "2024-02-13"], "decided per file: 1/2 is 1 February here"


def test_time_format_option(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "account_id,ts", ["a,2024|01|05 10h00", "b,2024|01|05 10h01"])
    code, text, summary = detect(tmp_path, str(p), "--time-format", "%Y|%m|%d %Hh%M")
    assert code == 0 and summary["rows"]["used"] == 2, text
    code, text, _ = detect(tmp_path, str(p), "--time-format", "yyyy-mm-dd")
    assert code == 2 and "not a strftime pattern" in text


def test_truncated_gz_keeps_rows_before_the_cut_and_records_it(tmp_path: Path) -> None:
    body = "account_id,ts,text\n" + "".join(f"a{i % 50},2024-01-01 10:{i % 60:02d}:00,t{i}\n" for i in range(30000))
    data = gzip.compress(body.encode(), compresslevel=1)
    p = tmp_path / "p.csv.gz"
    p.write_bytes(data[: len(data) // 2])
    code, text, summary = detect(tmp_path, str(p))
    assert code == 0, text
    assert summary["rows"]["used"] > 1000
    rejects = (tmp_path / "out" / "rejects.csv").read_text()
    assert "cut off" in rejects


def test_folder_of_mixed_files_reads_what_it_can(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _csv(d, "good.csv", "account_id,ts,text", [",".join(r) for r in ROWS])
    (d / "notes.txt").write_text("just some notes\nnothing to see\n")
    (d / "empty.csv").write_text("")
    (d / "broken.parquet").write_bytes(b"PAR1" + b"\0" * 64)
    code, text, summary = detect(tmp_path, str(d))
    assert code == 0, text
    assert summary["rows"]["used"] == 3
    assert summary["rows"]["read"] == summary["rows"]["used"] + summary["rows"]["rejected"]
    errors = {Path(i["path"]).name: i["error"] for i in summary["inputs"] if i.get("error")}
    assert set(errors) == {"notes.txt", "empty.csv", "broken.parquet"} and "empty" in errors["empty.csv"]
    assert "notes.txt: not read" in text


def test_most_rows_rejected_says_so_and_what_to_try(tmp_path: Path) -> None:
    p = _csv(tmp_path, "p.csv", "account_id,ts,text", [f"a{i},sometime {i},t" for i in range(9)] + ["z,2024-01-01 10:00,t"])
    code, text, _ = detect(tmp_path, str(p))
    assert code == 0
    assert "9 of 10 rows (90%) were rejected" in text and "--time-format" in text
