"""Every CSV inconcert writes, in one dialect, safe to open in a spreadsheet.

The dialect: UTF-8 (with a byte-order mark when ``bom``, for Excel), ``,``
between cells, ``\\n`` after each row, a header row, quotes only around cells
that need them (a ``,``, ``"`` or line break inside), ``""`` for a quote, an
empty cell for a missing value, ``true``/``false`` for booleans and times in
UTC as ISO 8601 with the zone: ``2021-09-03T14:03:03Z``, with the fraction of
a second only when there is one (``2021-09-03T14:03:03.25Z``).

Spreadsheets execute a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return (OWASP, "CSV Injection"). Unless ``raw``, such a text
cell is written with a leading ``'``, which a spreadsheet shows and never
executes; real numbers (``-1.5``, ``+3``, ``-2e-5``) are left as they are. So
that the escape can be undone exactly, a text that already starts with ``'``
followed by one of those characters gets one ``'`` more;
:func:`unneutralise` reverses it (:func:`read_csv_rows` does for our own readers).

>>> import pyarrow as pa, tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> t = pa.table({"name": ["=1+1", "-1", "a,b", "@x"], "n": [1, 2, 3, -4]})
>>> write_csv(t, p)
>>> print(p.read_text(), end="")
name,n
'=1+1,1
-1,2
"a,b",3
'@x,-4
>>> [r["name"] for r in read_csv_rows(p)]
['=1+1', '-1', 'a,b', '@x']
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "write_csv",
    "read_csv_rows",
    "read_csv_table",
    "neutralise",
    "unneutralise",
    "format_timestamps",
    "tidy_types",
    "BOM",
    "TRIGGERS",
]

#: The UTF-8 byte-order mark Excel needs to read a CSV as UTF-8.
BOM = b"\xef\xbb\xbf"
#: First characters that make a spreadsheet execute a cell (OWASP).
TRIGGERS = "=+-@\t\r"
_DANGER = "^'*[=+\\-@\\t\\r]"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_UNDO = re.compile(r"^'('*[=+\-@\t\r])", re.S)


def neutralise(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text cells a spreadsheet would execute, with a leading ``'`` (see module docstring).

    >>> neutralise(pa.array(["=cmd", "+1", "+1+1", "'=x", "ok", None])).to_pylist()
    ["'=cmd", '+1', "'+1+1", "''=x", 'ok', None]
    """
    danger = pc.and_(pc.match_substring_regex(values, _DANGER),
                     pc.invert(pc.match_substring_regex(values, _NUMBER)))
    return pc.if_else(danger, pc.binary_join_element_wise("'", values, ""), values)


def unneutralise(cell: str) -> str:
    """The text :func:`neutralise` was given (one escaping ``'`` removed).

    >>> unneutralise("'=cmd"), unneutralise("''=x"), unneutralise("'tis")
    ('=cmd', "'=x", "'tis")
    """
    return _UNDO.sub(r"\1", cell, count=1)


def format_timestamps(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Timestamps as ``YYYY-MM-DDTHH:MM:SS[.fff]Z`` in UTC (naive ones are taken as UTC).

    >>> import datetime as dt
    >>> format_timestamps(pa.array([dt.datetime(2021, 9, 3, 14, 3, 30),
    ...                             dt.datetime(2021, 9, 3, 14, 3, 3, 250000), None])).to_pylist()
    ['2021-09-03T14:03:30Z', '2021-09-03T14:03:03.25Z', None]
    """
    t = values.type
    naive = pc.cast(values, pa.timestamp(t.unit))  # the UTC wall clock (zone dropped, instant kept)
    whole = pc.cast(pc.cast(naive, pa.timestamp("s"), safe=False), pa.string())  # "2021-09-03 14:03:03"
    s = whole
    if t.unit != "s":
        per_s = {"ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[t.unit]
        ticks = pc.cast(naive, pa.int64())
        has_fraction = pc.not_equal(pc.subtract(ticks, pc.multiply(pc.divide(ticks, per_s), per_s)), 0)
        if pc.any(has_fraction).as_py():  # "03.250000" → "03.25", only where there is a fraction
            fine = pc.replace_substring_regex(pc.cast(naive, pa.string()), r"\.?0+$", "")
            s = pc.if_else(has_fraction, fine, whole)
    return pc.binary_join_element_wise(pc.replace_substring(s, " ", "T", max_replacements=1), "Z", "")


def tidy_types(table: pa.Table) -> pa.Table:
    """Whole-number decimals (SQL sums of integers) as int64, other decimals as float64.

    >>> import decimal
    >>> tidy_types(pa.table({"s": pa.array([decimal.Decimal(3)], pa.decimal128(38, 0))})).schema.field("s").type
    DataType(int64)
    """
    for i, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            table = table.set_column(i, f.name, pc.cast(table.column(i), pa.int64() if f.type.scale == 0 else pa.float64()))
    return table


def _text(c: pa.Array, raw: bool) -> pa.Array:
    """One column as CSV cell text (NULL → empty, quoted where needed)."""
    t = c.type
    if pa.types.is_dictionary(t):
        c, t = pc.cast(c, t.value_type), t.value_type
    if pa.types.is_timestamp(t):
        s = format_timestamps(c)
    elif pa.types.is_boolean(t):
        s = pc.if_else(c, "true", "false")
    elif pa.types.is_decimal(t):
        s = pc.cast(pc.cast(c, pa.int64() if t.scale == 0 else pa.float64()), pa.string())
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        s = c if raw else neutralise(c)
    elif pa.types.is_nested(t):  # lists (and structs) as JSON
        s = pa.array([None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in c.to_pylist()],
                     pa.string())
        s = s if raw else neutralise(s)
    else:
        s = pc.cast(c, pa.string())
    s = pc.cast(s, pa.string())
    if not (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_nested(t)):
        return pc.fill_null(s, "")  # numbers, booleans, times: never quoted
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(s, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(pc.match_substring_regex(s, '[,"\n\r]'), quoted, s), "")


def _line_bytes(lines: pa.Array) -> bytes | memoryview:
    """The bytes of a string array's values, back to back (each ends with a newline)."""
    lines = pc.cast(lines, pa.string())
    if len(lines) == 0:
        return b""
    offsets = lines.buffers()[1]
    start, end = (pa.Array.from_buffers(pa.int32(), len(lines) + 1, [None, offsets], offset=lines.offset)
                  .to_numpy()[[0, -1]])
    return memoryview(lines.buffers()[2])[int(start):int(end)]


def _rows(columns: list[pa.Array]) -> pa.Array:
    """Cells joined by commas, each row ending with a newline."""
    return pc.binary_join_element_wise(pc.binary_join_element_wise(*columns, ","), "\n", "")


def write_csv(
    data: pa.Table | pa.RecordBatchReader,
    path: str | Path,
    raw: bool = False,
    bom: bool = False,
) -> None:
    """Write ``data`` (a table, or a stream of batches) as a CSV in inconcert's dialect.

    ``raw``: write cells a spreadsheet would execute as they are (no ``'``);
    ``bom``: start with the UTF-8 byte-order mark (for Excel). Each batch is
    turned into text with Arrow kernels and written before the next is read,
    so a stream never sits in memory whole.
    """
    batches = data.to_batches(max_chunksize=65_536) if isinstance(data, pa.Table) else data
    names = pa.array(data.schema.names, pa.string())
    with open(path, "wb") as fh:
        if bom:
            fh.write(BOM)
        fh.write(_line_bytes(_rows([_text(pa.array([n], pa.string()), True) for n in names.to_pylist()]))
                 if len(names) else b"\n")
        for b in batches:
            if b.num_rows and b.num_columns:
                fh.write(_line_bytes(_rows([_text(c, raw) for c in b.columns])))


def read_csv_rows(path: str | Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV inconcert wrote, as dicts of text, with escapes undone and any BOM skipped."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            yield {k: (unneutralise(v) if v and v[0] == "'" else v) for k, v in row.items()}


def read_csv_table(path: str | Path) -> pa.Table:
    """A CSV inconcert wrote, as an Arrow table (types inferred, escapes undone, BOM skipped)."""
    import pyarrow.csv as pacsv

    t = pacsv.read_csv(path)
    for i, f in enumerate(t.schema):
        if pa.types.is_string(f.type):
            t = t.set_column(i, f.name, pc.replace_substring_regex(t.column(i), "^'('*[=+\\-@\\t\\r])", "\\1"))
    return t
