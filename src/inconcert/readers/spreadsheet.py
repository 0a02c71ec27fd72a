"""Spreadsheets as input: ``.xlsx`` read with openpyxl (the ``excel`` extra), others refused with advice.

The first sheet becomes a UTF-8 CSV in the run's work folder, read by the
generic reader (cells as text; dates in ISO 8601).

>>> kind_of_spreadsheet(Path("posts.xlsx"), b"PK\\x03\\x04")
'xlsx'
>>> kind_of_spreadsheet(Path("posts.csv"), b"id,author")
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from inconcert.errors import InputError

__all__ = ["kind_of_spreadsheet", "spreadsheet_to_csv"]

_SAVE_AS = "save it as CSV (File → Save As → CSV UTF-8) and pass the .csv"


def kind_of_spreadsheet(path: Path, head: bytes) -> str | None:
    """``xlsx``, ``ods`` or ``xls`` when the file is one (by its first bytes and name), else None."""
    name = path.name.lower()
    if head.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")) or b"xl/" in head[:4096]:
            return "xlsx"
        if name.endswith(".ods") or b"opendocument.spreadsheet" in head[:4096]:
            return "ods"
    if head.startswith(b"\xd0\xcf\x11\xe0") and name.endswith(".xls"):
        return "xls"
    return None


def spreadsheet_to_csv(path: Path, kind: str, out: Path) -> Path:
    """The first sheet of an ``.xlsx`` as CSV at ``out``; other kinds raise with the fix."""
    if kind != "xlsx":
        raise InputError(f"{path}: is a spreadsheet (.{kind}); {_SAVE_AS}")
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            f"{path}: is an Excel spreadsheet; {_SAVE_AS}, or install the reader: pip install 'inconcert[excel]'"
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on a broken file
        raise InputError(f"{path}: cannot read the spreadsheet ({type(e).__name__}: {e}); {_SAVE_AS}") from e
    try:
        sheet = book.worksheets[0]
        with open(out, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            for row in sheet.iter_rows(values_only=True):
                w.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.datetime | dt.date) else v
                            for v in row])
    finally:
        book.close()
    return out
