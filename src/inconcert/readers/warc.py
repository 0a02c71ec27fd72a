"""``warc``: web archives (WARC, WARC.gz) from a crawler, Browsertrix or the Wayback Machine.

Only ``response`` records whose HTTP content type is HTML become pages; the
URL is the record's ``WARC-Target-URI`` unless the page names a canonical
URL, and the crawl time is its ``WARC-Date``. A response that is not a page
(an image, a redirect, an error status) is rejected with the reason;
``request``, ``metadata``, ``revisit`` and ``warcinfo`` records are not
pages and are not counted as records.

fastwarc (Bevendorff et al. 2021) is used: on this machine it iterates
~8,700 records/s against warcio's ~2,000 (``benchmarks/RESULTS.md``);
warcio is the fallback when fastwarc is not installed.

>>> WarcReader().sniff(Path("crawl.warc.gz"), b"")
0.95
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from inconcert.errors import InconcertError
from inconcert.readers.base import ReadContext, Reader
from inconcert.sites.domains import INSTALL_HINT
from inconcert.sites.extract import parse_time
from inconcert.sites.rows import PageBatcher, RawPage

__all__ = ["WarcReader", "content_type"]


def content_type(value: str | None) -> tuple[str, str | None]:
    """``(mime type, charset)`` of a Content-Type header.

    >>> content_type("text/html; charset=ISO-8859-1")
    ('text/html', 'ISO-8859-1')
    """
    if not value:
        return "", None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip("\"'") or None
    return parts[0].lower(), charset


def _html_type(mime: str) -> bool:
    return mime in ("text/html", "application/xhtml+xml") or mime == ""


def _fastwarc_records(path: Path, ctx: ReadContext) -> Iterator[RawPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    row = 0
    recs = ArchiveIterator(str(path), record_types=WarcRecordType.response, parse_http=True, fsspec_args=False)
    for rec in recs:
        row += 1
        ctx.records_read = row
        url = rec.headers.get("WARC-Target-URI")
        crawl = parse_time(rec.headers.get("WARC-Date"))
        http = rec.http_headers
        status = http.status_code if http is not None else None
        mime, charset = content_type(http.get("Content-Type") if http is not None else None)
        if status is not None and status != 200:
            ctx.reject(row, f"HTTP status {status} (not a page)", url or "")
            rec.consume()
            continue
        if not _html_type(mime):
            ctx.reject(row, f"not HTML ({mime})", url or "")
            rec.consume()
            continue
        yield RawPage(row, rec.reader.read(), url, crawl, charset, url or "")


def _warcio_records(path: Path, ctx: ReadContext) -> Iterator[RawPage]:
    from warcio.archiveiterator import ArchiveIterator

    row = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            row += 1
            ctx.records_read = row
            url = rec.rec_headers.get_header("WARC-Target-URI")
            crawl = parse_time(rec.rec_headers.get_header("WARC-Date"))
            http = rec.http_headers
            status = int(http.get_statuscode()) if http is not None else None
            mime, charset = content_type(http.get_header("Content-Type") if http is not None else None)
            if status is not None and status != 200:
                ctx.reject(row, f"HTTP status {status} (not a page)", url or "")
                continue
            if not _html_type(mime):
                ctx.reject(row, f"not HTML ({mime})", url or "")
                continue
            yield RawPage(row, rec.content_stream().read(), url, crawl, charset, url or "")


def warc_pages(path: Path, ctx: ReadContext) -> Iterator[RawPage]:
    """The HTML pages of a WARC (fastwarc, else warcio)."""
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        try:
            import warcio  # noqa: F401
        except ImportError as e:  # pragma: no cover - optional dependency
            raise InconcertError(f"WARC input needs fastwarc or warcio: {INSTALL_HINT}") from e
        yield from _warcio_records(path, ctx)
        return
    yield from _fastwarc_records(path, ctx)


class WarcReader(Reader):
    name = "warc"
    description = "web archive (WARC / WARC.gz): HTML response records are pages; the actor is the site"
    platform = "web"
    decodes_itself = True

    def sniff(self, path: Path, head: bytes) -> float:
        n = path.name.lower()
        if n.endswith((".warc", ".warc.gz", ".arc.gz")):
            return 0.95
        if head.startswith(b"WARC/"):
            return 0.95
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        yield from PageBatcher(ctx).run(warc_pages(path, ctx))



