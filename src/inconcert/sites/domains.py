"""Sites as actors: the registered domain of a URL, from the bundled public-suffix list.

The actor of a page is its **site**: the registered domain of its URL
(``lt.sputniknews.ru`` → ``sputniknews.ru``, ``news.bbc.co.uk`` →
``bbc.co.uk``), found with tldextract's bundled snapshot of the Public
Suffix List. Nothing is ever downloaded (``suffix_list_urls=()``, no cache
directory), so results do not depend on the network or the day.

>>> site_of("https://lt.sputniknews.ru/2024/01/a.html")
'sputniknews.ru'
>>> site_of("http://news.bbc.co.uk/x"), site_of("not a url")
('bbc.co.uk', None)
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from inconcert.errors import InconcertError

__all__ = ["site_of", "host_of", "INSTALL_HINT"]

#: How to install what the site readers need.
INSTALL_HINT = "pip install 'inconcert[sites]'  (trafilatura, lxml_html_clean, fastwarc, tldextract, htmldate, resiliparse)"


#: scheme://[user@]host[:port] then / ? # or the end: the host (anything else goes to urlsplit)
_HOST = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#\s]*@)?([^/?#:@\[\]\s]+)(?::\d*)?(?=[/?#]|\s*$)")


@lru_cache(maxsize=1)
def _extractor():  # type: ignore[no-untyped-def]
    try:
        import tldextract
    except ImportError as e:  # pragma: no cover - optional dependency
        raise InconcertError(f"site inputs need tldextract: {INSTALL_HINT}") from e
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def host_of(url: str) -> str | None:
    """The lower-cased host of ``url`` (``None`` when it has none).

    >>> host_of("HTTPS://WWW.Example.com:8080/a")
    'www.example.com'
    """
    m = _HOST.match(url)
    if m:  # the common case, without urlsplit (a tenth of a page's extraction time)
        h: str | None = m.group(1)
    else:
        try:
            h = urlsplit(url.strip()).hostname
        except ValueError:
            return None
    return h.lower().rstrip(".") if h else None


@lru_cache(maxsize=200_000)
def _site_of_host(host: str) -> str | None:
    r = _extractor()(host)
    if not r.suffix or not r.domain:
        return None
    return f"{r.domain}.{r.suffix}"


def site_of(url: str) -> str | None:
    """The registered domain of ``url`` (``None`` when it has no public suffix)."""
    h = host_of(url) if "/" in url or ":" in url else url.strip().lower()
    if not h or " " in h:
        return None
    return _site_of_host(h)
