"""Rows of actions and account attributes, and the per-record driver of the platform readers.

:class:`Rows` gathers converted records column-wise and flushes them as
actions tables of ``ctx.chunk_rows`` rows; :func:`read_records` runs a
reader's ``convert`` on every record and turns a record it cannot use into a
reject, so one bad record costs that record only.

>>> dedupe(["a", "", "b", "a"])
['a', 'b']
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

from inconcert.actions import ACTIONS_SCHEMA
from inconcert.errors import InconcertError
from inconcert.readers.base import ReadContext, RecordError, utf8_safe

__all__ = [
    "Rows",
    "Accounts",
    "read_records",
    "dedupe",
    "short_hash",
    "s_or_none",
    "text_repost_id",
]

_FIELDS = [f.name for f in ACTIONS_SCHEMA]


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
                        pa.array(self._offs[f.name], pa.int32()), _strings(self._vals[f.name], pa.string())
                    )
                )
            else:
                arrays.append(_strings(self._cols[f.name], f.type))
        self.n_out += len(self)
        self._reset()
        return pa.Table.from_arrays(arrays, schema=ACTIONS_SCHEMA)


def _strings(values: list[Any], type_: pa.DataType) -> pa.Array:
    """``pa.array``, with lone surrogates (valid JSON, invalid UTF-8) replaced by U+FFFD."""
    try:
        return pa.array(values, type_)
    except (UnicodeEncodeError, pa.ArrowInvalid):
        if not pa.types.is_string(type_):
            raise
        return pa.array([v if v is None else utf8_safe(v) for v in values], type_)


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
        ctx.add_accounts(pa.table({k: _strings(v, pa.string()) for k, v in cols.items()}))


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
    :class:`RecordError`; any other exception from a malformed record (wrong
    types, ``RecursionError`` on deep nesting, ``OverflowError`` on huge numbers)
    is turned into a reject too, so one record never costs the file. An error
    while reading the file on (truncated archive) ends the file with one reject.
    Sets ``ctx.records_read``.
    """
    last = 0
    while True:
        try:
            row, rec = next(records)
        except StopIteration:
            break
        except InconcertError:
            raise
        except Exception as e:  # truncated .gz/.bz2 (EOFError, zlib.error), unreadable disk
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
        except InconcertError:
            raise
        except Exception as e:
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


