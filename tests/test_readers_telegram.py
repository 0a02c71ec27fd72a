"""Telegram Desktop export reader: single result.json, full exports and folders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pytest

from inconcert.errors import InputError
from inconcert.readers import detect_format, get_reader
from inconcert.readers.base import ReadContext

FIX = Path(__file__).parent / "fixtures" / "readers" / "telegram"
UTC = dt.UTC


def read(path: Path, **kw) -> tuple[pa.Table, ReadContext]:
    ctx = ReadContext(path, **kw)
    tables = list(get_reader("telegram").read(path, ctx))
    ctx.flush_rejects()
    return pa.concat_tables(tables), ctx


def test_single_export():
    path = FIX / "ChatExport_a" / "result.json"
    assert detect_format(path).name == "telegram"
    t, ctx = read(path)
    rows = {r["post_id"]: r for r in t.to_pylist()}
    assert set(rows) == {"1111/2", "1111/3", "1111/4"}
    m = rows["1111/2"]
    assert m["account_id"] == "channel1111"
    assert m["text"] == "Read https://news.example/a and this #war @other"
    assert m["urls"] == ["https://news.example/a", "https://other.example/b"]
    assert m["hashtags"] == ["war"] and m["mentions"] == ["other"]
    assert rows["1111/4"]["reply_to"] == "1111/2"
    got = [(r["row"], r["reason"]) for r in ctx.rejects[0].to_pylist()]
    assert got == [(1, "service message (create_channel)"), (5, "missing timestamp")]
    assert ctx.records_read == 5


def test_date_unixtime_is_utc_and_local_date_uses_tz():
    t, _ = read(FIX / "ChatExport_a" / "result.json")
    rows = {r["post_id"]: r for r in t.to_pylist()}
    # "date" is 08:00 local (Kyiv, +2); date_unixtime says 06:00 UTC
    assert rows["1111/2"]["ts"] == dt.datetime(2022, 2, 24, 6, 0, tzinfo=UTC)
    # no date_unixtime: local date read as UTC, or in the zone given with --map tz=
    assert rows["1111/4"]["ts"] == dt.datetime(2022, 2, 24, 8, 6, tzinfo=UTC)
    t, _ = read(FIX / "ChatExport_a" / "result.json", column_map={"tz": "Europe/Kyiv"})
    rows = {r["post_id"]: r for r in t.to_pylist()}
    assert rows["1111/4"]["ts"] == dt.datetime(2022, 2, 24, 6, 6, tzinfo=UTC)


def test_folder_of_exports_is_several_actors():
    assert detect_format(FIX).name == "telegram"
    t, ctx = read(FIX)
    assert set(t.column("account_id").to_pylist()) == {"channel1111", "channel2222"}
    rows = {r["post_id"]: r for r in t.to_pylist()}
    # both channels forwarded the same post of "Source Channel": one repost object
    assert rows["1111/3"]["repost_of"] == rows["2222/10"]["repost_of"]
    assert rows["1111/3"]["repost_of"].startswith("fwd:Source Channel:")
    assert rows["2222/10"]["source"].endswith("ChatExport_b/result.json")
    assert {r["source"] for r in ctx.rejects[0].to_pylist()} == {
        str(FIX / "ChatExport_a" / "result.json")
    }
    assert ctx.path == FIX  # restored after reading
    assert ctx.records_read == t.num_rows + ctx.n_rejected == 6


def test_full_account_export(tmp_path):
    a = json.loads((FIX / "ChatExport_a" / "result.json").read_text())
    b = json.loads((FIX / "ChatExport_b" / "result.json").read_text())
    full = {
        "about": "export",
        "personal_information": {"user_id": 1},
        "chats": {"about": "chats", "list": [a, b]},
    }
    p = tmp_path / "result.json"
    p.write_text(json.dumps(full))
    assert detect_format(p).name == "telegram"
    t, _ = read(p)
    assert sorted(t.column("post_id").to_pylist()) == ["1111/2", "1111/3", "1111/4", "2222/10"]


def test_truncated_export_rejects_the_rest(tmp_path):
    text = (FIX / "ChatExport_a" / "result.json").read_text()
    p = tmp_path / "result.json"
    p.write_text(text[: int(len(text) * 0.6)])
    t, ctx = read(p)
    last = ctx.rejects[-1].to_pylist()[-1]
    assert "invalid JSON" in last["reason"] and "rest of the file" in last["reason"]
    assert ctx.records_read == t.num_rows + ctx.n_rejected


def test_empty_folder(tmp_path):
    with pytest.raises(InputError):
        detect_format(tmp_path)
    with pytest.raises(InputError):
        read(tmp_path)


def test_overlapping_exports_in_a_folder_count_their_duplicates(tmp_path: Path):
    """One chat exported twice (the second export overlapping the first), read as one
    folder: the copies are dropped once and counted for the folder, so that
    read = used + rejected + duplicates (they were dropped but counted for no input)."""
    import shutil

    from inconcert.ingest import ingest

    folder = tmp_path / "exports"
    for name in ("ChatExport_2022-03-03", "ChatExport_2022-03-05 (2)"):
        shutil.copytree(FIX / "ChatExport_a", folder / name)
    (tmp_path / "w").mkdir()
    ing = ingest([folder], tmp_path / "w")
    assert ing.rows_duplicate == 3  # the three messages of the second copy
    assert ing.rows_read == ing.rows_used + ing.rows_rejected + ing.rows_duplicate
    assert ing.rows_used == 3 and ing.inputs[0]["duplicates"] == 3


def test_local_times_of_an_old_export_are_said():
    """Messages without ``date_unixtime`` are local time read as UTC: the reader says so,
    naming ``--map tz=``, unless the zone was given (a blind formats test found Kyiv
    chats silently two hours off)."""
    _, ctx = read(FIX / "ChatExport_a" / "result.json")
    assert any("date_unixtime" in w and "--map tz=" in w for w in ctx.warnings)
    _, ctx = read(FIX / "ChatExport_a" / "result.json", column_map={"tz": "Europe/Kyiv"})
    assert not ctx.warnings
