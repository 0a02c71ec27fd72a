"""The library API (issue 15.4): tables in, tables out, objects.csv, the fast-share flag, the notebook page."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import inconcert
from inconcert import InconcertError, detect
from inconcert.pipeline.run import RESULT_TABLES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _frame() -> pd.DataFrame:
    rows = []
    for day in range(1, 5):
        t = pd.Timestamp(f"2024-01-0{day} 09:00:00")
        for i, a in enumerate(("a1", "a2", "a3")):
            rows.append({"who": a, "when": t + pd.Timedelta(seconds=3 * i + (30 if a == "a3" else 0)),
                         "link": f"https://example.org/{day}", "pid": f"{day}{a}"})
    return pd.DataFrame(rows)


MAP = {"account_id": "who", "ts": "when", "urls": "link", "post_id": "pid"}


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_detect_takes_tables_and_returns_tables_in_memory(kind):
    df = _frame()
    table = {"pandas": df, "polars": pl.from_pandas(df), "arrow": pa.Table.from_pandas(df)}[kind]
    r = inconcert.detect(table, column_map=MAP, keep_insignificant=True)
    assert r.outdir is None
    g = r.groups.to_pandas()
    assert g["size"].tolist() == [3]
    assert r.summary["inputs"][0]["path"].startswith(f"<{kind if kind != 'arrow' else 'pyarrow'} table")
    for name in RESULT_TABLES:
        assert isinstance(r.table(name), pa.Table)
    assert r.links.num_rows == 3 and r.evidence.num_rows >= 12


def test_unknown_table_name_lists_the_valid_ones(tmp_path):
    r = detect(_frame(), tmp_path / "out", column_map=MAP)
    with pytest.raises(InconcertError, match="no table 'graph'.*groups, accounts, links, evidence, objects"):
        r.table("graph")
    assert r.table("groups").num_rows == r.groups.num_rows


def test_objects_and_fast_flag(tmp_path):
    r = detect(_frame(), tmp_path / "out", column_map=MAP, keep_insignificant=True, window=60)
    o = r.objects.to_pandas()
    assert list(o.columns) == ["behaviour", "object", "groups", "group_ids", "accounts", "shares", "pairs",
                               "first_ts", "last_ts"]
    assert o["accounts"].tolist() == [3] * 4 and o["shares"].tolist() == [3] * 4 and o["groups"].tolist() == [1] * 4
    ev = r.evidence.to_pandas()
    assert ev["fast"].tolist() == (ev["dt"] <= 6.0).tolist()  # a tenth of the 60 s window
    assert ev["fast"].any() and not ev["fast"].all()
    r2 = detect(_frame(), tmp_path / "out2", column_map=MAP, keep_insignificant=True, window=60,
                fast_share_fraction=0.9)
    assert r2.evidence.column("fast").to_pylist() == (r2.evidence.to_pandas()["dt"] <= 54).tolist()
    assert (tmp_path / "out" / "objects.csv").read_text().startswith("behaviour,object,groups,group_ids")


def test_the_notebook_page_runs(capsys):
    text = (DOCS / "notebook.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for code in blocks:
        exec(compile(code, str(DOCS / "notebook.md"), "exec"), {})
    assert "group_id" in capsys.readouterr().out
