"""Shared helpers of the platform readers: row batches, time parsing, JSON and CSV streams.

Everything here streams: JSON Lines and CSV are read one record at a time, JSON
arrays (Telegram ``result.json``, Mastodon arrays, ``tweet.js``) one element at a
time by :class:`JsonStream`, so peak memory is one batch of ``ctx.chunk_rows``
rows plus one record, whatever the file size.

>>> to_us("Wed Oct 10 20:19:24 +0000 2018")
1539202764000000
>>> to_us("2018-10-10T22:19:24+02:00") == to_us(1539202764)
True
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from inconcert.actions import ACTIONS_SCHEMA
from inconcert.readers.base import ReadContext, open_binary, open_text

try:  # orjson is ~3x faster on JSON Lines; the stdlib is the fallback
    import orjson as _orjson

    def loads(data: bytes | str) -> Any:
        return _orjson.loads(data)

except ImportError:  # pragma: no cover

    def loads(data: bytes | str) -> Any:
        return json.loads(data)


__all__ = [
    "RecordError",
    "Rows",
    "JsonStream",
    "JsonSyntaxError",
    "to_us",
    "loads",
    "iter_jsonl",
    "iter_csv",
    "csv_header",
    "head_text",
    "safe_head",
    "has_keys",
    "dedupe",
    "short_hash",
    "Accounts",
    "read_records",
    "iter_json_items",
    "iter_json_objects",
    "text_repost_id",
    "s_or_none",
    "open_json_stream",
    "parse_list",
    "column_lookup",
    "epoch_us",
]

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_FIELDS = [f.name for f in ACTIONS_SCHEMA]
_TS_TYPE = pa.timestamp("us", tz="UTC")
_SLASH = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")


class RecordError(ValueError):
    """A record cannot become an action; the message is the reject reason."""


def _aware_us(d: dt.datetime) -> int:
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return (d - EPOCH) // _US


def epoch_us(x: float) -> int:
    """Unix time in seconds, milliseconds or microseconds (told apart by size) → µs."""
    a = abs(x)
    if a >= 1e14:
        return int(x)
    if a >= 1e11:
        return int(round(x * 1000))
    return int(round(x * 1_000_000))


def to_us(value: Any, tz: dt.tzinfo | None = None) -> int:
    """Parse a timestamp to microseconds since 1970 UTC; raise :class:`RecordError`.

    Accepts unix seconds/ms/µs (number or digits), ISO 8601 (``Z``, offsets,
    fractions), Twitter v1.1's ``Wed Oct 10 20:19:24 +0000 2018`` and
    ``M/D/YYYY H:MM[:SS]``. A time without zone is read in ``tz`` (default UTC).

    >>> to_us("2021-01-01T00:00:00.000Z")
    1609459200000000
    >>> to_us("1/1/2021 01:00", tz=dt.timezone(dt.timedelta(hours=1)))
    1609459200000000
    """
    if value is None or isinstance(value, bool):
        raise RecordError("missing timestamp")
    try:
        if isinstance(value, (int, float)):
            if value != value or abs(value) > 1e17:
                raise RecordError(f"unparseable timestamp: {value!r}")
            return epoch_us(value)
        if not isinstance(value, str):
            raise RecordError(f"unparseable timestamp: {str(value)[:60]!r}")
        s = value.strip()
        if not s:
            raise RecordError("missing timestamp")
        if s.lstrip("-").replace(".", "", 1).isdigit():
            return epoch_us(float(s))
        parts = s.split()
        if len(parts) == 6 and parts[1] in _MONTHS and len(parts[4]) == 5:
            # Twitter v1.1: Wed Oct 10 20:19:24 +0000 2018
            h, m, sec = (int(x) for x in parts[3].split(":"))
            off = parts[4]
            sign = -1 if off[0] == "-" else 1
            offset = dt.timedelta(hours=int(off[1:3]), minutes=int(off[3:5])) * sign
            d = dt.datetime(
                int(parts[5]),
                _MONTHS[parts[1]],
                int(parts[2]),
                h,
                m,
                sec,
                tzinfo=dt.timezone(offset),
            )
            return _aware_us(d)
        m_ = _SLASH.match(s)
        if m_:
            mo, day, yr, hh, mi, ss = m_.groups()
            d = dt.datetime(int(yr), int(mo), int(day), int(hh), int(mi), int(ss or 0))
        else:
            d = dt.datetime.fromisoformat(s)
        if d.tzinfo is None and tz is not None:
            d = d.replace(tzinfo=tz)
        return _aware_us(d)
    except RecordError:
        raise
    except (ValueError, OverflowError, TypeError, IndexError):
        raise RecordError(f"unparseable timestamp: {str(value)[:60]!r}") from None


def dedupe(items: list[str]) -> list[str]:
    """Drop empty and repeated strings, keeping first-seen order.

    >>> dedupe(["a", "", "b", "a"])
    ['a', 'b']
    """
    return list(dict.fromkeys(x for x in items if x))


def short_hash(*parts: Any) -> str:
    """A stable 16-hex-digit hash of ``parts`` (used for synthetic object ids).

    >>> short_hash("a", 1) == short_hash("a", 1)
    True
    """
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8", "replace"))
    return h.hexdigest()[:16]


def s_or_none(v: Any) -> str | None:
    """A non-empty string from a JSON scalar, else None."""
    if v is None or isinstance(v, (bool, dict, list)):
        return None
    s = str(v).strip()
    return s or None


class Rows:
    """Accumulates converted records column-wise and turns them into actions tables.

    List columns are kept flat (values + offsets) so that a batch holds no
    per-row Python lists: the garbage collector has nothing to scan.
    """

    _LISTS = ("urls", "hashtags", "mentions")

    def __init__(self, source: str, platform: str):
        self.source = source
        self.platform = platform
        self.n_out = 0
        self._reset()

    def _reset(self) -> None:
        self._cols: dict[str, list[Any]] = {f: [] for f in _FIELDS if f not in self._LISTS}
        self._vals: dict[str, list[str]] = {f: [] for f in self._LISTS}
        self._offs: dict[str, list[int]] = {f: [0] for f in self._LISTS}

    def __len__(self) -> int:
        return len(self._cols["post_id"])

    def add(
        self,
        row: int,
        post_id: str,
        account_id: str,
        ts: int,
        text: str | None = None,
        urls: list[str] | None = None,
        repost_of: str | None = None,
        reply_to: str | None = None,
        hashtags: list[str] | None = None,
        mentions: list[str] | None = None,
        image: str | None = None,
        object: str | None = None,
        platform: str | None = None,
        source: str | None = None,
    ) -> None:
        """Append one action (all checks done by the caller before calling)."""
        if not post_id:
            raise RecordError("missing post id")
        if not account_id:
            raise RecordError("missing account id")
        c = self._cols
        c["post_id"].append(post_id)
        c["account_id"].append(account_id)
        c["ts"].append(ts)
        c["text"].append(text)
        c["repost_of"].append(repost_of or None)
        c["reply_to"].append(reply_to or None)
        c["image"].append(image or None)
        c["object"].append(object or None)
        c["platform"].append(platform or self.platform)
        c["source"].append(source or self.source)
        c["row"].append(row)
        for name, items in (("urls", urls), ("hashtags", hashtags), ("mentions", mentions)):
            vals = self._vals[name]
            if items:
                vals.extend(items)
            self._offs[name].append(len(vals))

    def rollback(self, n: int) -> None:
        """Forget rows after the first ``n`` (a record that failed half-way)."""
        for col in self._cols.values():
            del col[n:]
        for name in self._LISTS:
            offs = self._offs[name]
            del offs[n + 1 :]
            del self._vals[name][offs[-1] :]

    def flush(self) -> pa.Table:
        """The rows gathered so far as an actions table; the buffer is emptied."""
        arrays = []
        for f in ACTIONS_SCHEMA:
            if f.name in self._LISTS:
                arrays.append(
                    pa.ListArray.from_arrays(
                        pa.array(self._offs[f.name], pa.int32()),
                        pa.array(self._vals[f.name], pa.string()),
                    )
                )
            else:
                arrays.append(pa.array(self._cols[f.name], f.type))
        self.n_out += len(self)
        self._reset()
        return pa.Table.from_arrays(arrays, schema=ACTIONS_SCHEMA)


class Accounts:
    """Account attributes seen while reading (first non-empty value wins)."""

    def __init__(self, columns: list[str]):
        self.columns = columns
        self._data: dict[str, dict[str, str]] = {}
        self._complete: set[str] = set()

    def add(self, account_id: str, **attrs: Any) -> None:
        if not account_id or account_id in self._complete:
            return
        d = self._data.setdefault(account_id, {})
        for k, v in attrs.items():
            if k not in d:
                s = s_or_none(v)
                if s is not None:
                    d[k] = s
        if len(d) == len(self.columns):
            self._complete.add(account_id)

    def emit(self, ctx: ReadContext) -> None:
        """Hand the gathered attributes to ``ctx.add_accounts`` (sorted by account)."""
        if not self._data:
            return
        ids = sorted(self._data)
        cols: dict[str, list[Any]] = {"account_id": ids}
        for c in self.columns:
            cols[c] = [self._data[i].get(c) for i in ids]
        ctx.add_accounts(pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()}))


# ---------------------------------------------------------------- sniffing
def safe_head(path: Path, n: int = 65536) -> bytes:
    """The first ``n`` decompressed bytes, or as many as a truncated archive gives."""
    out = b""
    try:
        with open_binary(path) as fh:
            while len(out) < n:
                chunk = fh.read(min(8192, n - len(out)))
                if not chunk:
                    break
                out += chunk
    except (EOFError, zlib.error, OSError):
        pass
    return out


def head_text(head: bytes) -> str:
    """The head bytes as text without BOM or leading whitespace."""
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def has_keys(text: str, *keys: str) -> bool:
    """Whether every JSON key ``"k":`` occurs in ``text``."""
    return all(re.search(r'"' + re.escape(k) + r'"\s*:', text) for k in keys)


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


# ---------------------------------------------------------------- JSON Lines
def iter_jsonl(path: Path, ctx: ReadContext) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every JSON object line; bad lines are rejected."""
    with open_binary(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.strip()
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line:
                continue
            try:
                obj = loads(line)
            except ValueError:
                ctx.reject(lineno, "invalid JSON", line.decode("utf-8", "replace"))
                continue
            if not isinstance(obj, dict):
                ctx.reject(lineno, "not a JSON object", line.decode("utf-8", "replace"))
                continue
            yield lineno, obj


# ---------------------------------------------------------------- JSON arrays
class JsonSyntaxError(ValueError):
    """The JSON text is broken at ``offset`` (characters from the start)."""

    def __init__(self, msg: str, offset: int):
        self.offset = offset
        super().__init__(f"{msg} at character {offset}")


class JsonStream:
    """Incremental reader of one big JSON document, one value at a time.

    Walk the document with :meth:`object_keys` / :meth:`array_items` and
    decode whole values with :meth:`value`; memory holds one value plus a
    1 MiB buffer.

    >>> s = JsonStream(io.StringIO('{"name": "x", "messages": [{"id": 1}, {"id": 2}]}'))
    >>> out = []
    >>> for k in s.object_keys():
    ...     if k == "messages":
    ...         out += [s.value() for _ in s.array_items()]
    ...     else:
    ...         _ = s.value()
    >>> out
    [{'id': 1}, {'id': 2}]
    """

    def __init__(self, fh: IO[str], chunk: int = 1 << 20):
        self.fh = fh
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.base = 0  # characters dropped before buf
        self.eof = False
        self._dec = json.JSONDecoder()

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _fill(self, n: int | None = None) -> bool:
        if self.eof:
            return False
        data = self.fh.read(n or self.chunk)
        if not data:
            self.eof = True
            return False
        self.base += self.pos
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end)."""
        while True:
            buf, pos, n = self.buf, self.pos, len(self.buf)
            while pos < n and buf[pos] in " \t\r\n\ufeff":
                pos += 1
            self.pos = pos
            if pos < n:
                return buf[pos]
            if not self._fill():
                return ""

    def expect(self, ch: str) -> None:
        c = self.peek()
        if c != ch:
            raise JsonSyntaxError(f"expected {ch!r}, found {c or 'end of file'!r}", self.offset)
        self.pos += 1

    def skip_prefix(self, pattern: re.Pattern[str]) -> None:
        """Skip a non-JSON prefix such as ``window.YTD.tweet.part0 = ``."""
        self.peek()
        while len(self.buf) - self.pos < 4096 and self._fill():
            pass
        m = pattern.match(self.buf, self.pos)
        if m:
            self.pos = m.end()

    def value(self) -> Any:
        """Decode the next complete JSON value."""
        self.peek()
        grow = self.chunk
        while True:
            try:
                obj, end = self._dec.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                near_end = e.pos >= len(self.buf) - 2 or e.msg.startswith("Unterminated")
                if near_end and self._fill(grow):
                    grow *= 2
                    continue
                raise JsonSyntaxError(e.msg, self.base + e.pos) from None
            except RecursionError:
                raise JsonSyntaxError("nesting too deep", self.offset) from None
            if end >= len(self.buf) and not self.eof and self._fill(grow):
                continue  # a number may go on in the next chunk
            self.pos = end
            return obj

    def _items(self, close: str) -> Iterator[None]:
        if self.peek() == close:
            self.pos += 1
            return
        while True:
            yield None
            c = self.peek()
            if c == ",":
                self.pos += 1
            elif c == close:
                self.pos += 1
                return
            else:
                raise JsonSyntaxError(
                    f"expected ',' or {close!r}, found {c or 'end of file'!r}", self.offset
                )

    def array_items(self) -> Iterator[int]:
        """Enter an array; yields 0, 1, … and the caller consumes each element."""
        self.expect("[")
        for i, _ in enumerate(self._items("]")):
            yield i

    def object_keys(self) -> Iterator[str]:
        """Enter an object; yields each key and the caller consumes its value."""
        self.expect("{")
        for _ in self._items("}"):
            if self.peek() != '"':
                raise JsonSyntaxError("expected a key", self.offset)
            key = self.value()
            self.expect(":")
            yield key


def open_json_stream(path: Path) -> JsonStream:
    """A :class:`JsonStream` over a (possibly compressed) file."""
    return JsonStream(open_text(path))


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


# ---------------------------------------------------------------- driver
def iter_json_items(
    stream: JsonStream, items: Iterator[Any], ctx: ReadContext, start_row: int = 0
) -> Iterator[tuple[int, Any]]:
    """Number the elements of a streamed JSON array (1-based) and stop cleanly on broken JSON.

    ``items`` yields decoded elements; a syntax error becomes one reject saying
    where the file breaks and that the rest was not read.
    """
    row = start_row
    try:
        for obj in items:
            row += 1
            yield row, obj
    except JsonSyntaxError as e:
        ctx.reject(
            row + 1,
            f"invalid JSON ({e}); the rest of the file was not read",
            stream.buf[stream.pos : stream.pos + 200],
        )


def text_repost_id(text: str) -> str:
    """Object id standing for "the post with this text" when a repost's source id is unknown.

    >>> text_repost_id("a  b") == text_repost_id("a b")
    True
    """
    return "text:" + short_hash(" ".join(text.split()))


def read_records(
    records: Iterator[tuple[int, Any]],
    convert: Callable[[int, Any, Rows], None],
    rows: Rows,
    ctx: ReadContext,
) -> Iterator[pa.Table]:
    """Run ``convert`` on every record, rejecting those it cannot use; yield batches.

    ``convert(row, record, rows)`` calls ``rows.add`` once per action or raises
    :class:`RecordError`; any other ordinary exception from a malformed record
    is turned into a reject too. Sets ``ctx.records_read``.
    """
    last = 0
    while True:
        try:
            row, rec = next(records)
        except StopIteration:
            break
        except (OSError, EOFError, zlib.error) as e:  # truncated .gz/.bz2, unreadable disk
            ctx.reject(
                last + 1,
                f"cannot read the file further ({type(e).__name__}: {e}); "
                "the rest of the file was not read",
                "",
            )
            break
        last = row
        before = len(rows)
        try:
            convert(row, rec, rows)
        except RecordError as e:
            _rollback(rows, before)
            ctx.reject(row, str(e), rec[0] if isinstance(rec, tuple) else rec)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as e:
            _rollback(rows, before)
            reason = f"malformed record: {type(e).__name__}: {str(e)[:100]}"
            ctx.reject(row, reason, rec[0] if isinstance(rec, tuple) else rec)
        if len(rows) >= ctx.chunk_rows:
            yield rows.flush()
    if len(rows):
        yield rows.flush()
    ctx.flush_rejects()
    ctx.records_read = rows.n_out + ctx.n_rejected


def _rollback(rows: Rows, n: int) -> None:
    rows.rollback(n)


def iter_json_objects(path: Path, ctx: ReadContext, head: bytes) -> Iterator[tuple[int, Any]]:
    """Records of a JSON Lines file (row = line) or of one JSON array (row = element)."""
    if head_text(head).startswith("["):
        stream = open_json_stream(path)
        try:
            items = (stream.value() for _ in stream.array_items())
            for row, obj in iter_json_items(stream, items, ctx):
                if isinstance(obj, dict):
                    yield row, obj
                else:
                    ctx.reject(row, "not a JSON object", obj)
        finally:
            stream.fh.close()
    else:
        yield from iter_jsonl(path, ctx)


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
