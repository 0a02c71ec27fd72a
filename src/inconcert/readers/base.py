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
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, ClassVar

import pyarrow as pa

from inconcert.actions import REJECTS_SCHEMA

if TYPE_CHECKING:
    from inconcert.config import SiteParams

__all__ = [
    "Reader",
    "ReadContext",
    "RecordError",
    "open_binary",
    "open_text",
    "read_head",
    "safe_head",
    "head_text",
    "is_compressed",
    "is_truncated",
    "utf8_safe",
]

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


def is_truncated(path: str | Path) -> bool:
    """Whether a gzip/bz2 file ends before its end-of-stream marker (one decompression pass;
    False for uncompressed files).

    >>> import gzip, tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.gz"
    >>> data = gzip.compress(b"a,b\\n" * 1000)
    >>> _ = p.write_bytes(data); is_truncated(p)
    False
    >>> _ = p.write_bytes(data[:-20]); is_truncated(p)
    True
    """
    if is_compressed(path) is None:
        return False
    try:
        with open_binary(path) as fh:
            while fh.read(1 << 20):
                pass
    except (EOFError, OSError, zlib.error):
        return True
    return False


def safe_head(path: Path, n: int = HEAD_BYTES) -> bytes:
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
    """The head bytes as text without BOM or leading whitespace.

    >>> head_text(b"\\xef\\xbb\\xbf  [1]")
    '[1]'
    """
    return head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")


def utf8_safe(s: str) -> str:
    """``s`` with lone surrogates (``"\\ud800"`` from a JSON escape) replaced by U+FFFD.

    >>> utf8_safe("a\\ud800b")
    'a\ufffdb'
    """
    if s.isascii():
        return s
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


class RecordError(ValueError):
    """A record cannot become an action; the message is the reject reason."""


@dataclass
class ReadContext:
    """Settings and sinks for reading one file.

    ``column_map`` maps canonical names (``account_id``) to file columns;
    ``time_formats`` are strftime patterns tried first on text times (``--time-format``);
    ``chunk_rows`` is how many records a reader should put in one batch;
    ``sites`` the run's :class:`~inconcert.config.SiteParams` (the site readers'
    extraction mode and workers; None: the defaults).
    """

    path: Path
    column_map: dict[str, str] = field(default_factory=dict)
    time_formats: tuple[str, ...] = ()
    chunk_rows: int = 100_000
    sites: SiteParams | None = None
    rejects: list[pa.Table] = field(default_factory=list)
    reject_reasons: Counter = field(default_factory=Counter)
    accounts: list[pa.Table] = field(default_factory=list)
    #: Side tables by name (e.g. the site readers' ``site_pages``, ``site_ids``),
    #: written next to the actions and registered in the engine under that name.
    side: dict[str, list[pa.Table]] = field(default_factory=dict)
    records_read: int = 0
    #: What the user should know about how the file was read (``summary.json`` ``inputs[].warnings``).
    warnings: list[str] = field(default_factory=list)
    _pending: list[dict[str, Any]] = field(default_factory=list)

    @property
    def source(self) -> str:
        return str(self.path)

    def warn(self, message: str) -> None:
        """Say once how the file was read where a guess was made (an ambiguous date order)."""
        if message not in self.warnings:
            self.warnings.append(message)

    def reject(self, row: int, reason: str, record: Any = "") -> None:
        """Record one rejected input record (``row`` is 1-based).

        Never fails on the record itself: one nested too deep to serialise is
        shown by its type, lone surrogates become U+FFFD.
        """
        if not isinstance(record, str):
            try:
                record = json.dumps(record, ensure_ascii=False, default=str)
            except (TypeError, ValueError, RecursionError):
                record = f"<{type(record).__name__} not shown: cannot be written as JSON>"
        reason, record = utf8_safe(reason), utf8_safe(record[:2000])
        self._pending.append({"source": self.source, "row": int(row), "reason": reason, "record": record})
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
    ``records_read == rows yielded + rejected``. A reader of binary containers
    sets ``decodes_itself``.
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    platform: ClassVar[str] = ""
    #: the reader decodes its records' bytes itself (WARC, HTML: each record or page
    #: names its own charset), so the file is never transcoded to UTF-8 before it
    decodes_itself: ClassVar[bool] = False

    def sniff(self, path: Path, head: bytes) -> float:
        raise NotImplementedError

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        raise NotImplementedError
