"""Readers: platform exports in, canonical actions out.

:func:`detect_format` picks a reader by looking at a file's content;
:data:`READERS` lists every reader by name. Add a format by writing one module
with a :class:`~inconcert.readers.base.Reader` subclass and adding it here.

>>> "generic" in READERS
True
"""

from __future__ import annotations

from pathlib import Path

from inconcert.errors import (
    AmbiguousFormatError,
    InputError,
    MissingColumnError,
    UnknownFormatError,
)
from inconcert.readers.base import ReadContext, Reader, safe_head
from inconcert.readers.generic import GenericReader, generic_missing

__all__ = ["READERS", "Reader", "ReadContext", "detect_format", "get_reader", "register"]

READERS: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    """Add a reader instance to :data:`READERS` (by its ``name``)."""
    READERS[reader.name] = reader
    return reader


register(GenericReader())
# Site readers (pages as actions, sites as actors); see inconcert.sites.
from inconcert.readers.articles import ArticlesReader  # noqa: E402
from inconcert.readers.html import HtmlReader  # noqa: E402
from inconcert.readers.warc import WarcReader  # noqa: E402

for _r in (HtmlReader(), WarcReader(), ArticlesReader()):
    register(_r)

# Platform readers register themselves on import (one import per module there).
from inconcert.readers import platforms as _platforms  # noqa: E402, F401


def get_reader(name: str) -> Reader:
    """The reader called ``name``; raises a helpful error if there is none."""
    try:
        return READERS[name]
    except KeyError:
        raise InputError(
            f"unknown format '{name}'; known formats: {', '.join(sorted(READERS))}"
        ) from None


def detect_format(path: str | Path) -> Reader:
    """Choose the reader for ``path`` from its content (and name).

    Raises :class:`UnknownFormatError` when no reader claims it and
    :class:`AmbiguousFormatError` when the best readers tie.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():  # folder readers (e.g. telegram: a folder of exports) define sniff_dir
        folder = sorted(
            ((float(r.sniff_dir(p)), r.name) for r in READERS.values() if hasattr(r, "sniff_dir")),
            key=lambda x: (-x[0], x[1]),
        )
        if folder and folder[0][0] >= 0.2:
            return READERS[folder[0][1]]
        raise InputError(f"{p}: is a folder; pass the files inside it (or a folder reader's format)")
    try:
        head = safe_head(p)
    except (OSError, EOFError) as e:
        raise InputError(
            f"{p}: cannot read: {getattr(e, 'strerror', None) or e} (is the file complete and readable?)"
        ) from e
    scores = []
    for reader in READERS.values():
        try:
            s = float(reader.sniff(p, head))
        except Exception:  # a sniffer must never break detection
            s = 0.0
        if s > 0:
            scores.append((s, reader.name))
    scores.sort(key=lambda x: (-x[0], x[1]))
    best = scores[0][0] if scores else 0.0
    tied = [name for s, name in scores if s == best]
    if best < 0.2:
        missing = generic_missing(p, head)  # a plain table without the needed columns
        if missing is not None:
            raise MissingColumnError(str(p), missing[0], missing[1])
        raise UnknownFormatError(str(p), sorted(READERS))
    if len(tied) > 1:
        raise AmbiguousFormatError(str(p), tied)
    return READERS[tied[0]]
