"""CSV helpers of the platform readers: header sniffing, record streaming, list cells.

>>> csv_header(b"id,author\\n1,a\\n")
['id', 'author']
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from inconcert.readers.base import ReadContext, head_text, open_text

__all__ = ["csv_header", "iter_csv", "parse_list", "column_lookup"]


def csv_header(head: bytes) -> list[str]:
    """Column names of a CSV's first line (empty list if the head is not CSV-like)."""
    text = head_text(head)
    if not text or text[0] in "{[":
        return []
    line = text.split("\n", 1)[0].rstrip("\r")
    try:
        return [c.strip() for c in next(csv.reader(io.StringIO(line)))]
    except (StopIteration, csv.Error):
        return []


# ---------------------------------------------------------------- CSV
def iter_csv(path: Path, ctx: ReadContext) -> Iterator[tuple[int, dict[str, str]]]:
    """(record number, row dict) for every CSV record; short/long rows are rejected.

    Record numbers are 1-based and do not count the header (as the generic reader).
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with open_text(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            from inconcert.errors import InputError

            raise InputError(f"{path}: cannot read the CSV header: {e}") from None
        if header:
            header[0] = header[0].lstrip("\ufeff")
        header = [h.strip() for h in header]
        n = len(header)
        row = 0
        while True:
            try:
                rec = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                row += 1
                ctx.reject(row, f"malformed CSV record: {e}", "")
                continue
            row += 1
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                row -= 1
                continue
            if len(rec) != n:
                ctx.reject(row, f"expected {n} fields, found {len(rec)}", ",".join(rec))
                continue
            yield row, dict(zip(header, rec, strict=True))


def parse_list(cell: str | None) -> list[str]:
    """A list cell as the releases write it: ``[a, b]``, ``['a', 'b']``, ``["a"]`` or ``a b``.

    >>> parse_list("['#x', 'y']"), parse_list("[]"), parse_list("a b")
    (['#x', 'y'], [], ['a', 'b'])
    """
    if not cell:
        return []
    s = cell.strip()
    if s.startswith("[") and s.endswith("]"):
        inner = s[1:-1].strip()
        if not inner:
            return []
        if inner.startswith('"'):
            try:
                v = json.loads(s)
                if isinstance(v, list):
                    return [str(x).strip() for x in v if x is not None and str(x).strip()]
            except ValueError:
                pass
        items = inner.split(",")
    else:
        items = s.split()
    return [x for x in (i.strip().strip("'\"").strip() for i in items) if x]


def column_lookup(header: list[str]) -> dict[str, str]:
    """Lower-cased, trimmed column name → the file's spelling."""
    return {h.strip().lower(): h for h in header}
