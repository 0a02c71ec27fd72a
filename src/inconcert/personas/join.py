"""Join persona links to co-action groups: which pairs touch a group found by ``detect``.

>>> rows = [{"account_a": "x", "account_b": "y"}]
>>> join_groups(rows, {"x": "3"})
1
>>> rows[0]["group_a"], rows[0]["group_b"]
('3', '')
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inconcert.errors import InputError
from inconcert.outputs.csvfile import read_csv_rows

__all__ = ["join_groups", "read_groups"]


def read_groups(detect_dir: str | Path) -> dict[str, str]:
    """``account_id → group_id`` from a detect output folder's ``accounts.csv`` (grouped accounts only)."""
    path = Path(detect_dir) / "accounts.csv"
    if not path.is_file():
        raise InputError(f"{path}: not found; pass the folder written by `inconcert detect … -o DIR`")
    # read_csv_rows undoes accounts.csv's spreadsheet escapes (a name starting with = or @)
    return {r["account_id"]: r["group_id"] for r in read_csv_rows(path) if r.get("group_id") not in ("", None)}


def join_groups(rows: list[dict[str, Any]], groups: dict[str, str]) -> int:
    """Add ``group_a``/``group_b`` to every same-hand row (empty when not in a group);
    returns how many rows touch a group."""
    n = 0
    for r in rows:
        r["group_a"] = groups.get(r["account_a"], "")
        r["group_b"] = groups.get(r["account_b"], "")
        n += bool(r["group_a"] or r["group_b"])
    return n
