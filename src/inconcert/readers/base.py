"""What a reader is, and the context it reads in.

A reader turns one input file into batches of the canonical actions table
(:mod:`inconcert.actions`). It never drops a record silently: a record it
cannot use goes to :meth:`ReadContext.reject` with the reason.

To add a format, write one module with a :class:`Reader` subclass and list it
in :data:`inconcert.readers.READERS` — nothing else changes.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar

import pyarrow as pa

from inconcert.actions import REJECTS_SCHEMA

__all__ = ["Reader", "ReadContext", "open_text", "read_head", "is_compressed"]

HEAD_BYTES = 65536


def is_compressed(path: str | Path) -> str | None:
    """Return ``"gzip"``/``"bz2"`` when the file starts with that magic, else None."""
    with open(path, "rb") as fh:
        magic = fh.read(3)
    if magic[:2] == b"\x1f\x8b":
        return "gzip"
    if magic == b"BZh":
        return "bz2"
    return None


def open_binary(path: str | Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing gzip/bz2 transparently."""
    kind = is_compressed(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def open_text(path: str | Path) -> IO[str]:
    """Open a (possibly compressed) UTF-8 text file; undecodable bytes are replaced."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", errors="replace", newline="")


def read_head(path: str | Path, n: int = HEAD_BYTES) -> bytes:
    """The first ``n`` bytes of the (decompressed) file."""
    with open_binary(path) as fh:
        return fh.read(n)


@dataclass
class ReadContext:
    """Settings and sinks for reading one file.

    ``column_map`` maps canonical names (``account_id``) to file columns;
    ``chunk_rows`` is how many records a reader should put in one batch.
    """

    path: Path
    column_map: dict[str, str] = field(default_factory=dict)
    chunk_rows: int = 100_000
    rejects: list[pa.Table] = field(default_factory=list)
    reject_reasons: Counter = field(default_factory=Counter)
    accounts: list[pa.Table] = field(default_factory=list)
    #: Side tables by name (e.g. the site readers' ``site_pages``, ``site_ids``),
    #: written next to the actions and registered in the engine under that name.
    side: dict[str, list[pa.Table]] = field(default_factory=dict)
    records_read: int = 0
    _pending: list[dict[str, Any]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return str(self.path)

    def reject(self, row: int, reason: str, record: Any = "") -> None:
        """Record one rejected input record (``row`` is 1-based)."""
        if not isinstance(record, str):
            try:
                record = json.dumps(record, ensure_ascii=False, default=str)
            except (TypeError, ValueError):
                record = repr(record)
        self._pending.append(
            {"source": self.source, "row": int(row), "reason": reason, "record": record[:2000]}
        )
        self.reject_reasons[reason] += 1
        if len(self._pending) >= 10_000:
            self.flush_rejects()

    def reject_table(self, table: pa.Table) -> None:
        """Record many rejects at once (a table with ``row``, ``reason``, ``record``)."""
        if table.num_rows == 0:
            return
        n = table.num_rows
        t = pa.table(
            {
                "source": pa.array([self.source] * n, pa.string()),
                "row": table.column("row").cast(pa.int64()),
                "reason": table.column("reason").cast(pa.string()),
                "record": table.column("record").cast(pa.string()),
            },
            schema=REJECTS_SCHEMA,
        )
        for reason, count in Counter(t.column("reason").to_pylist()).items():
            self.reject_reasons[reason] += count
        self.rejects.append(t)

    def flush_rejects(self) -> None:
        if self._pending:
            self.rejects.append(pa.Table.from_pylist(self._pending, schema=REJECTS_SCHEMA))
            self._pending = []

    def add_accounts(self, table: pa.Table) -> None:
        """Attach account attributes (``account_id`` + string columns)."""
        self.accounts.append(table)

    def add_side(self, name: str, table: pa.Table) -> None:
        """Attach rows of the side table ``name`` (same schema for every call)."""
        self.side.setdefault(name, []).append(table)

    @property
    def n_rejected(self) -> int:
        return sum(self.reject_reasons.values())


class Reader:
    """Base class of readers. Subclasses set ``name`` and implement two methods.

    ``sniff`` says how sure the reader is that it can read a file (0 = not
    this format, 1 = certainly), from the file name and its first bytes.
    ``read`` yields pyarrow tables conforming to the actions schema and calls
    ``ctx.reject`` for every record it cannot use; it sets
    ``ctx.records_read`` to the number of records it saw, so that
    ``records_read == rows yielded + rejected``.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    platform: ClassVar[str] = ""

    def sniff(self, path: Path, head: bytes) -> float:
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        raise NotImplementedError
