"""Streaming JSON: JSON Lines one line at a time, big JSON documents one value at a time.

JSON arrays (Telegram ``result.json``, Mastodon arrays, ``tweet.js``) are walked
by :class:`JsonStream`, so peak memory is one batch of ``ctx.chunk_rows`` rows
plus one record, whatever the file size.

Why not ``ijson`` (``benchmarks/bench_jsonstream.py``, ``benchmarks/RESULTS.md``): on
one JSON array of 10⁵ Twitter v2 tweets (58–64 MB), median of three, on a shared
2-core machine, ``ijson.items`` (yajl2_c backend, 3.6) took 1.08 / 1.61 / 2.47 s
in three sessions against 1.26 / 1.28 / 1.61 s here — not faster. It also stops
the whole file at the first invalid UTF-8 byte or syntax error (here bytes are
decoded with replacement and the reject says where the file breaks), and one
value nested 10⁴ deep costs it 255 MB, 3·10⁴ deep a ``MemoryError`` at 2 GB. The
stdlib decoder (C scanner) over a 1 MiB window stays.

>>> import io
>>> s = JsonStream(io.StringIO('[{"id": 1}, {"id": 2}]'))
>>> [s.value() for _ in s.array_items()]
[{'id': 1}, {'id': 2}]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

from inconcert.readers.base import ReadContext, head_text, open_binary, open_text

try:  # orjson is ~3x faster on JSON Lines; the stdlib is the fallback
    import orjson as _orjson

    def loads(data: bytes | str) -> Any:
        return _orjson.loads(data)

except ImportError:  # pragma: no cover

    def loads(data: bytes | str) -> Any:
        return json.loads(data)


__all__ = [
    "JsonStream",
    "JsonSyntaxError",
    "loads",
    "has_keys",
    "iter_jsonl",
    "iter_json_items",
    "iter_json_objects",
    "open_json_stream",
    "BadValue",
    "MAX_DEPTH",
    "too_deep",
    "MAX_RECORD_BYTES",
]

#: Deepest nesting a JSON line may have (a deeper one is rejected before decoding); a JSON
#: array element deeper than Python's recursion limit (~1,000) is rejected and skipped.
MAX_DEPTH = 512

#: Largest record (one JSON line, one array element) in bytes/characters; a bigger one is
#: rejected ("record larger than …") and skipped without being held in memory.
MAX_RECORD_BYTES = 16 * 1024 * 1024

_NEST = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
_JSON_START = frozenset(b'{["-0123456789tfnNI')
_TOKEN = re.compile(r'["\[\]{}]')
_STRING_REST = re.compile(r'(?:[^"\\]|\\.)*"', re.S)


class BadValue(NamedTuple):
    """An array element that was skipped instead of decoded: why, and how it began."""

    reason: str
    snippet: str


def has_keys(text: str, *keys: str) -> bool:
    """Whether every JSON key ``"k":`` occurs in ``text``."""
    return all(re.search(r'"' + re.escape(k) + r'"\s*:', text) for k in keys)


# ---------------------------------------------------------------- JSON Lines
def too_deep(line: bytes, limit: int | None = None) -> bool:
    """Whether JSON text nests deeper than ``limit`` (:data:`MAX_DEPTH`); brackets in strings
    do not count. Cheap unless the line holds more than ``limit`` brackets.

    >>> too_deep(b'[[["]]]]]]"]]]', 3), too_deep(b"[[[[]]]]", 3)
    (False, True)
    """
    limit = MAX_DEPTH if limit is None else limit
    if line.count(b"[") + line.count(b"{") <= limit:
        return False
    depth = 0
    for m in _NEST.finditer(line):
        c = m.group()
        if c in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif c in (b"]", b"}"):
            depth -= 1
    return False


def iter_jsonl(path: Path, ctx: ReadContext) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for every JSON object line; bad lines are rejected."""
    with open_binary(path) as fh:
        lineno = 0
        while raw := fh.readline(MAX_RECORD_BYTES + 1):
            lineno += 1
            if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
                while (more := fh.readline(1 << 20)) and not more.endswith(b"\n"):
                    pass
                ctx.reject(lineno, f"record larger than {MAX_RECORD_BYTES} bytes", raw[:200].decode("utf-8", "replace"))
                continue
            line = raw.strip()
            if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line:
                continue
            if line[0] not in _JSON_START:  # junk: no need to ask the parser
                ctx.reject(lineno, "invalid JSON", line[:2000].decode("utf-8", "replace"))
                continue
            if too_deep(line):
                ctx.reject(lineno, f"invalid JSON (nested deeper than {MAX_DEPTH} levels)", line[:200].decode("utf-8", "replace"))
                continue
            try:
                obj = loads(line)
            except (ValueError, RecursionError):  # orjson: depth > 1024 is a ValueError
                ctx.reject(lineno, "invalid JSON", line.decode("utf-8", "replace"))
                continue
            if not isinstance(obj, dict):
                ctx.reject(lineno, "not a JSON object", line.decode("utf-8", "replace"))
                continue
            yield lineno, obj


# ---------------------------------------------------------------- JSON arrays
#: Characters at a chunk's end that may hold a cut value (``\\ud83d\\ude00`` is 12).
_TAIL = 16


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

    >>> import io
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
        """Decode the next complete JSON value.

        An object or array that is broken inside, nested too deep or larger than
        :data:`MAX_RECORD_BYTES` is skipped (brackets counted outside strings) and
        returned as a :class:`BadValue`, so the values after it are still read.
        """
        first = self.peek()
        grow = self.chunk
        while True:
            try:
                obj, end = self._dec.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as e:
                if len(self.buf) - self.pos > MAX_RECORD_BYTES and first in "{[":
                    return self._skip(f"record larger than {MAX_RECORD_BYTES} characters")
                # an escape, literal or string cut by the chunk end: read on and retry
                near_end = e.pos >= len(self.buf) - _TAIL or e.msg.startswith("Unterminated")
                if near_end and self._fill(grow):
                    grow *= 2
                    continue
                if first in "{[":
                    return self._skip(f"invalid JSON ({e.msg} at character {self.base + e.pos})")
                raise JsonSyntaxError(e.msg, self.base + e.pos) from None
            except RecursionError:
                if first in "{[":
                    return self._skip(f"invalid JSON (nested deeper than {MAX_DEPTH} levels)")
                raise JsonSyntaxError("nesting too deep", self.offset) from None
            if end >= len(self.buf) - _TAIL and not self.eof and self._fill(grow):
                continue  # a number may go on in the next chunk
            self.pos = end
            return obj

    def _skip(self, reason: str) -> BadValue:
        """Move past the object/array at the cursor without decoding it."""
        bad = BadValue(reason, self.buf[self.pos : self.pos + 200])
        depth = 0
        while True:
            m = _TOKEN.search(self.buf, self.pos)
            if m is None:
                self.pos = len(self.buf)
                if not self._fill():
                    raise JsonSyntaxError(f"{reason}; the value never ends", self.offset)
                continue
            if m.group() == '"':
                rest = _STRING_REST.match(self.buf, m.end())
                if rest is None:
                    self.pos = m.start()
                    if not self._fill():
                        raise JsonSyntaxError(f"{reason}; a string never ends", self.offset)
                    continue
                self.pos = rest.end()
                continue
            depth += 1 if m.group() in "[{" else -1
            self.pos = m.end()
            if depth <= 0:
                return bad

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


def iter_json_items(
    stream: JsonStream, items: Iterator[Any], ctx: ReadContext, start_row: int = 0
) -> Iterator[tuple[int, Any]]:
    """Number the elements of a streamed JSON array (1-based) and stop cleanly on broken JSON.

    ``items`` yields decoded elements; a skipped element (:class:`BadValue`, alone or
    first in a tuple) is one reject; a syntax error between elements becomes one
    reject saying where the file breaks and that the rest was not read.
    """
    row = start_row
    try:
        for obj in items:
            row += 1
            bad = obj if isinstance(obj, BadValue) else None
            if bad is None and isinstance(obj, tuple) and obj and isinstance(obj[0], BadValue):
                bad = obj[0]
            if bad is not None:
                ctx.reject(row, bad.reason, bad.snippet)
                continue
            yield row, obj
    except JsonSyntaxError as e:
        ctx.reject(
            row + 1,
            f"invalid JSON ({e}); the rest of the file was not read",
            stream.buf[stream.pos : stream.pos + 200],
        )


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


