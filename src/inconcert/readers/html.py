"""``html``: saved web pages, one page a file — a file, or a folder searched at any depth.

Each ``*.html`` / ``*.htm`` (optionally ``.gz``) file is one page. Its URL is
the page's ``<link rel="canonical">``, else its ``og:url``, else read from the
file's path: the first folder or file name that is a domain
(``pages/www.example.com/2024/a.html`` → ``https://www.example.com/2024/a.html``;
``example.com_news_a.html`` → ``https://example.com/news_a.html``). Without
a publication time in the page, the file's modification time is used as the
crawl time (``time_source = "crawl"``). The actor is the site (registered
domain); see :mod:`inconcert.sites.rows` for the rows and side tables.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp()) / "pages" / "example.com"
>>> d.mkdir(parents=True)
>>> _ = (d / "a.html").write_text('<html><head><meta property="article:published_time" '
...     'content="2024-01-02T03:04:05Z"></head><body><p>Hello there, world.</p></body></html>')
>>> ctx = ReadContext(d.parent)
>>> t = next(HtmlReader().read(d.parent, ctx))
>>> t.column("post_id")[0].as_py(), t.column("account_id")[0].as_py()
('https://example.com/a.html', 'example.com')
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from inconcert.readers.base import ReadContext, Reader
from inconcert.sites.domains import site_of
from inconcert.sites.rows import PageBatcher, RawPage

__all__ = ["HtmlReader", "url_from_path", "html_files"]

_SUFFIXES = (".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")


def _html_files(folder: Path) -> list[tuple[tuple[str, ...], str]]:
    """``(parts below folder, path)`` of the HTML files under ``folder``, sorted by parts
    (the order of sorted :class:`~pathlib.Path` objects, without making them): the
    folders it descends are those ``Path.rglob`` does (not symlinked ones)."""
    out: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(str(folder), ())]
    while stack:
        d, rel = stack.pop()
        try:
            entries = list(os.scandir(d))
        except OSError:
            continue
        for e in entries:
            try:
                if e.is_dir() and not e.is_symlink():
                    stack.append((e.path, (*rel, e.name)))
                elif e.name.lower().endswith(_SUFFIXES) and e.is_file():
                    out.append(((*rel, e.name), e.path))
            except OSError:
                continue
    out.sort()
    return out


def html_files(folder: Path) -> list[Path]:
    """The HTML files under ``folder`` at any depth, sorted by path (deterministic)."""
    return [Path(p) for _, p in _html_files(folder)]


def url_from_path(path: Path, root: Path | None = None) -> str | None:
    """A page URL read from the file's path (the first part that is a domain).

    >>> url_from_path(Path("/x/pages/www.example.com/2024/a.html"), Path("/x/pages"))
    'https://www.example.com/2024/a.html'
    >>> url_from_path(Path("example.org_news_b.htm")), url_from_path(Path("index.html"))
    ('https://example.org/news_b.htm', None)
    """
    try:
        parts = list(path.relative_to(root).parts) if root else [path.name]
    except ValueError:
        parts = [path.name]
    return _url_from_parts(parts)


def _url_from_parts(parts: Sequence[str]) -> str | None:
    for i, part in enumerate(parts):
        name = part[:-3] if part.endswith(".gz") else part
        if i == len(parts) - 1:  # the file name: "example.com_news_a.html"
            host, _, rest = name.partition("_")
            if "." in host and site_of(host) and not host.lower().endswith(_SUFFIXES):
                return f"https://{host.lower()}/{rest}" if rest else f"https://{host.lower()}/"
            return None
        if "." in part and site_of(part):
            return "https://" + "/".join([part.lower(), *parts[i + 1 :]])
    return None


class HtmlReader(Reader):
    name = "html"
    description = "saved web pages: an HTML file or a folder of them (any depth); the actor is the site"
    platform = "web"
    decodes_itself = True

    def sniff(self, path: Path, head: bytes) -> float:
        low = head[:1024].lstrip().lower()
        if path.name.lower().endswith(_SUFFIXES):
            return 0.9
        if low.startswith((b"<!doctype html", b"<html")):
            return 0.8
        return 0.0

    def sniff_dir(self, path: Path) -> float:
        for i, p in enumerate(path.rglob("*")):
            if p.is_file() and p.name.lower().endswith(_SUFFIXES):
                return 0.9
            if i > 2000:
                break
        return 0.0

    def _pages(self, path: Path, ctx: ReadContext) -> Iterator[RawPage]:
        # strings, not Path objects: path handling was a tenth of the main process's time at 10⁵ pages
        files = _html_files(path) if path.is_dir() else [((path.name,), str(path))]
        for row, (parts, f) in enumerate(files, start=1):
            ctx.records_read = row
            try:
                with open(f, "rb") as fh:
                    data = fh.read()
                    mtime = os.fstat(fh.fileno()).st_mtime
                if f.lower().endswith(".gz"):
                    data = gzip.decompress(data)
            except (OSError, EOFError) as e:
                ctx.reject(row, f"cannot read the file: {e}", f)
                continue
            crawl = dt.datetime.fromtimestamp(mtime, dt.UTC)
            yield RawPage(row, data, _url_from_parts(parts), crawl, None, f)

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        yield from PageBatcher(ctx).run(self._pages(path, ctx))
