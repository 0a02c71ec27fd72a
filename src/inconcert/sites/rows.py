"""Pages become rows: extracted pages to actions batches and the site side tables.

Every site reader (HTML files, WARC, article tables) hands raw pages to
:class:`PageBatcher`, which extracts them (in worker processes when there
are many), rejects what it cannot use with the reason, and yields actions
tables of ``chunk`` pages: ``post_id`` = the page URL, ``account_id`` = the
site (registered domain), ``ts`` = publication time, ``text`` = the body,
``urls`` = outbound links in the body, ``platform = "web"``. What only site
runs use goes to two side tables (``ctx.add_side``):

- ``site_pages(post_id, account_id, url, title, byline, lang, time_source, words, linked_sites, site_name)``
  (``linked_sites``: ``;a.com;b.org;``, every site the page links to; ``site_name``:
  the name the page gives its site);
- ``site_ids(account_id, post_id, kind, id, where)``: one row per id per page.

The extraction mode and the number of worker processes are the run's
``sites.extract`` and ``sites.workers`` settings
(:class:`~inconcert.config.SiteParams`, handed to the readers in
``ReadContext.sites``): ``auto`` is ``fast`` when resiliparse is installed,
else ``precise``; ``raw`` keeps the boilerplate; workers default to one per
CPU. Memory is bounded by ``chunk`` pages in flight.

>>> extraction_mode("auto") in ("fast", "precise"), extraction_mode("raw")
(True, 'raw')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from inconcert.actions import conform
from inconcert.errors import ConfigError
from inconcert.sites.extract import MODES, Page, extract_page

if TYPE_CHECKING:  # the readers import this module; workers import it alone
    from inconcert.readers.base import ReadContext

__all__ = [
    "RawPage", "PageBatcher", "SITE_PAGES_SCHEMA", "SITE_IDS_SCHEMA",
    "extraction_mode", "workers", "page_from_text",
]

SITE_PAGES_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()), ("account_id", pa.string()), ("url", pa.string()),
        ("title", pa.string()), ("byline", pa.string()), ("lang", pa.string()),
        ("time_source", pa.string()), ("words", pa.int64()), ("linked_sites", pa.string()),
        ("site_name", pa.string()),
    ]
)
SITE_IDS_SCHEMA = pa.schema(
    [("account_id", pa.string()), ("post_id", pa.string()), ("kind", pa.string()),
     ("id", pa.string()), ("location", pa.string())]
)
_PARALLEL_MIN = 64
#: pages sent to a worker at a time, and slices per worker waiting to be extracted
_SLICE = 32
_IN_FLIGHT = 6
_SERIAL = object()  # marks a batcher whose worker processes could not start


@dataclass
class RawPage:
    """One page as read: ``row`` (1-based record number), the HTML, a URL hint
    (from the WARC header or the file name), the crawl time, the HTTP charset."""

    row: int
    html: bytes | str
    url: str | None = None
    crawl_time: dt.datetime | None = None
    charset: str | None = None
    record: str = ""
    #: what an article table already says (site, title, text, byline, published)
    extra: dict[str, Any] | None = None


def extraction_mode(setting: str = "auto") -> str:
    """The body-extraction mode a ``sites.extract`` setting means (``auto``: fast if resiliparse is installed)."""
    mode = (setting or "auto").strip().lower()
    if mode == "auto":
        try:
            import resiliparse  # noqa: F401
        except ImportError:  # pragma: no cover - optional dependency
            return "precise"
        return "fast"
    if mode not in MODES:
        raise ConfigError(f"sites.extract must be one of auto, {', '.join(MODES)}, not {mode!r}")
    return mode


def workers(setting: int | None = None) -> int:
    """Worker processes for extraction: the ``sites.workers`` setting, or one per CPU.

    >>> workers(1)
    1
    """
    if setting is not None:
        if not isinstance(setting, int) or isinstance(setting, bool) or setting < 1:
            raise ConfigError(f"sites.workers must be an integer ≥ 1, not {setting!r}")
        return setting
    return max(1, os.cpu_count() or 1)


def _extract(args: tuple[Any, ...]) -> Page | str:
    html, url, crawl, charset, mode = args
    try:
        return extract_page(html, url, crawl, mode, charset)  # type: ignore[arg-type]
    except Exception as e:  # one broken page must not stop a crawl: it is rejected
        return f"extraction failed: {type(e).__name__}"


def _extract_many(args: list[tuple[Any, ...]]) -> list[Page | str]:
    return [_extract(a) for a in args]


def page_from_text(
    url: str, site: str | None, published: dt.datetime | None, title: str | None, text: str,
    byline: str | None = None,
) -> Page:
    """A :class:`Page` from an already-extracted article (article tables)."""
    from inconcert.sites.domains import site_of

    return Page(url, site or site_of(url), title, byline, None, published,
                "published_time" if published else "crawl", text, [], [])


class PageBatcher:
    """Extract raw pages into actions batches and side tables (see the module docstring)."""

    def __init__(self, ctx: ReadContext, chunk: int = 2000, mode: str | None = None) -> None:
        self.ctx = ctx
        self.chunk = chunk
        settings = ctx.sites
        self.mode = mode or extraction_mode(settings.extract if settings is not None else "auto")
        self.workers = workers(settings.workers if settings is not None else None)
        self._seen: set[bytes] = set()
        self._pool: Any = None

    def _pool_or_none(self) -> Any:
        """The worker pool (started on first use), or None when extraction runs here."""
        if self.workers <= 1 or self._pool is _SERIAL:
            return None
        if self._pool is None:
            # spawn, not fork: the ingest writer thread may hold locks a fork would copy
            self._pool = ProcessPoolExecutor(self.workers, mp_context=mp.get_context("spawn"))
        return self._pool

    def _args(self, pages: list[RawPage]) -> list[tuple[Any, ...]]:
        return [(p.html, p.url, p.crawl_time, p.charset, self.mode) for p in pages]

    def _map(self, pages: list[RawPage]) -> list[Page | str]:
        """Extract ``pages`` (in the worker processes when there are enough of them)."""
        args = self._args(pages)
        pool = self._pool_or_none() if len(args) >= _PARALLEL_MIN else None
        if pool is None:
            return [_extract(a) for a in args]
        try:
            return list(pool.map(_extract, args, chunksize=16))
        except BrokenProcessPool:  # workers cannot start (e.g. a script read from stdin): extract here
            self._serial()
            return [_extract(a) for a in args]

    def _serial(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = _SERIAL

    def close(self) -> None:
        if self._pool is not None and self._pool is not _SERIAL:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _extracted(self, raw: Iterable[RawPage]) -> Iterator[tuple[list[RawPage], list[Page | str]]]:
        """``(raw pages, extracted pages)`` in input order, ``chunk`` pages at a time.

        Pages go to the workers in slices of :data:`_SLICE` while the next ones
        are read, with at most :data:`_IN_FLIGHT` slices per worker waiting, so
        reading, extraction and the rows of the previous chunk overlap and
        memory stays bounded."""
        out_raw: list[RawPage] = []
        out_pages: list[Page | str] = []
        pending: deque[tuple[list[RawPage], Any]] = deque()

        def settle(raws: list[RawPage], fut: Any) -> None:
            try:
                done = fut.result() if fut is not None else _extract_many(self._args(raws))
            except BrokenProcessPool:  # workers cannot start (e.g. a script read from stdin): extract here
                self._serial()
                done = _extract_many(self._args(raws))
            out_raw.extend(raws)
            out_pages.extend(done)

        seen = 0

        def submit(raws: list[RawPage]) -> None:
            pool = self._pool_or_none() if seen >= _PARALLEL_MIN else None  # a few pages: no workers
            pending.append((raws, pool.submit(_extract_many, self._args(raws)) if pool is not None else None))

        buf: list[RawPage] = []
        for p in raw:
            buf.append(p)
            seen += 1
            if len(buf) >= _SLICE:
                submit(buf)
                buf = []
                while len(pending) > _IN_FLIGHT * self.workers or (pending and pending[0][1] is None):
                    settle(*pending.popleft())
                if len(out_raw) >= self.chunk:
                    yield out_raw, out_pages
                    out_raw, out_pages = [], []
        if buf:
            submit(buf)
        while pending:
            settle(*pending.popleft())
            if len(out_raw) >= self.chunk:
                yield out_raw, out_pages
                out_raw, out_pages = [], []
        if out_raw:
            yield out_raw, out_pages

    def run(self, raw: Iterable[RawPage]) -> Iterator[pa.Table]:
        """Yield actions tables of up to ``chunk`` pages from ``raw``."""
        try:
            for raws, pages in self._extracted(raw):
                yield from self._emit(raws, pages)
        finally:
            self.close()

    def emit_pages(self, raws: list[RawPage], pages: list[Page | str]) -> Iterator[pa.Table]:
        """Rows for pages extracted elsewhere (article tables)."""
        yield from self._emit(raws, pages)

    def _emit(self, raws: list[RawPage], pages: list[Page | str]) -> Iterator[pa.Table]:
        ctx = self.ctx
        cols: dict[str, list[Any]] = {k: [] for k in ("post_id", "account_id", "ts", "text", "urls", "row")}
        side: dict[str, list[Any]] = {k: [] for k in SITE_PAGES_SCHEMA.names}
        ids: dict[str, list[Any]] = {k: [] for k in SITE_IDS_SCHEMA.names}
        for raw, page in zip(raws, pages, strict=True):
            if isinstance(page, str):
                ctx.reject(raw.row, page, raw.record)
                continue
            if not page.url:
                ctx.reject(raw.row, "no page URL (no canonical link, og:url or domain in the file name)", raw.record)
                continue
            if not page.site:
                ctx.reject(raw.row, "page URL has no registered domain", page.url)
                continue
            if page.published is None:
                ctx.reject(raw.row, "no publication time and no crawl time", page.url)
                continue
            key = hashlib.blake2b(page.url.encode(), digest_size=12).digest()
            if key in self._seen:
                ctx.reject(raw.row, "duplicate page URL (first copy kept)", page.url)
                continue
            self._seen.add(key)
            cols["post_id"].append(page.url)
            cols["account_id"].append(page.site)
            cols["ts"].append(page.published)
            cols["text"].append(page.text or None)
            cols["urls"].append(page.links)
            cols["row"].append(raw.row)
            for k, v in (("post_id", page.url), ("account_id", page.site), ("url", page.url),
                         ("title", page.title), ("byline", page.byline), ("lang", page.lang),
                         ("time_source", page.time_source), ("words", len(page.text.split())),
                         ("linked_sites", ";" + ";".join(page.linked_sites) + ";" if page.linked_sites else None),
                         ("site_name", page.site_name)):
                side[k].append(v)
            for f in page.ids:
                for k, v in (("account_id", page.site), ("post_id", page.url), ("kind", f.kind),
                             ("id", f.id), ("location", f.where)):
                    ids[k].append(v)
        n = len(cols["post_id"])
        if n == 0:
            return
        ctx.add_side("site_pages", pa.table(side, schema=SITE_PAGES_SCHEMA))
        if ids["id"]:
            ctx.add_side("site_ids", pa.table(ids, schema=SITE_IDS_SCHEMA))
        t = pa.table(
            {
                "post_id": pa.array(cols["post_id"], pa.string()),
                "account_id": pa.array(cols["account_id"], pa.string()),
                "ts": pa.array(cols["ts"], pa.timestamp("us", tz="UTC")),
                "text": pa.array(cols["text"], pa.string()),
                "urls": pa.array(cols["urls"], pa.list_(pa.string())),
                "platform": pa.array(["web"] * n, pa.string()),
                "source": pa.array([ctx.source] * n, pa.string()),
                "row": pa.array(cols["row"], pa.int64()),
            }
        )
        yield conform(t)
