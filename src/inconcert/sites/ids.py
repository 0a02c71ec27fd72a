"""IDs embedded in a web page: analytics, ad and verification ids, with where each was found.

A site's operator pastes the same ids into every site they run: a Google
Analytics property (``UA-12345678-1``; GA4 ``G-`` followed by 8–12 capitals
and digits), a Tag Manager container (``GTM-…``), an AdSense publisher
(``pub-`` + 16 digits, written ``ca-pub-…`` in ad tags; reported as
``pub-…``), a Facebook pixel (``fbq('init', '…')`` or ``facebook.com/tr?id=…``),
a Yandex Metrica counter (``ym(…, 'init')``, ``mc.yandex.ru/watch/…``,
``yaCounter…``) and the site-verification tokens of search and social
platforms (``google-site-verification``, ``yandex-verification``,
``msvalidate.01``, ``facebook-domain-verification``, ``p:domain_verify``).
Matching shared ids to tie sites together is an established OSINT method
(Lawrence Alexander's 2015 mapping of pro-Kremlin sites by their Analytics
ids; Bellingcat's wayback-google-analytics; ASD's Disinformation Laundromat).

Only *live* markup counts: HTML comments are removed first (a commented-out
tag is not running on the site), and ids are looked for only in ``<script>``
code and ``src``, in ``<meta>`` verification tags, and in the ``src``/``href``/
``data-*`` attributes of tags — never in the visible prose, where ``UA-2024``
or ``G-20`` are words. ``where`` says which of these held the id:
``script``, ``script-src``, ``meta``, ``attribute``.

>>> html = '''<head><meta name="google-site-verification" content="abcDEF123_-x">
... <script async src="https://www.googletagmanager.com/gtag/js?id=G-7XK2M9QPL1"></script>
... <!-- <script>ga('create', 'UA-1111111-1')</script> --></head>
... <body><p>The G-20 met; UA-2024 was a typo.</p></body>'''
>>> [(i.kind, i.id, i.where) for i in find_ids(html)]
[('google-site-verification', 'abcDEF123_-x', 'meta'), ('ga4', 'G-7XK2M9QPL1', 'script-src')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FoundId", "ID_KINDS", "find_ids", "strip_comments"]


@dataclass(frozen=True)
class FoundId:
    """One id in a page: its ``kind``, the ``id`` as reported, and ``where`` it was."""

    kind: str
    id: str
    where: str


_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_META = re.compile(r"<meta\b[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")

_VERIFY = {
    "google-site-verification": "google-site-verification",
    "yandex-verification": "yandex-verification",
    "msvalidate.01": "msvalidate",
    "facebook-domain-verification": "facebook-domain-verification",
    "p:domain_verify": "pinterest-verification",
}
#: Every kind of id :func:`find_ids` reports.
ID_KINDS: tuple[str, ...] = (
    "ga-ua", "ga4", "gtm", "adsense", "fb-pixel", "yandex-metrica", *_VERIFY.values(),
)

# (kind, literal every match contains, pattern with the id in group 1); patterns for code and URLs.
# A pattern runs only where its literal occurs (Python's re cannot skip ahead to a literal
# behind a look-behind, and these scans were most of the extraction time of a page).
_CODE_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("ga-ua", "UA-", re.compile(r"(?<![A-Za-z0-9_-])(UA-\d{4,10}-\d{1,4})(?![A-Za-z0-9_-])")),
    ("ga4", "G-", re.compile(r"(?<![A-Za-z0-9_-])(G-(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*[0-9])[A-Z0-9]{8,12})(?![A-Za-z0-9_-])")),
    ("gtm", "GTM-", re.compile(r"(?<![A-Za-z0-9_-])(GTM-(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,9})(?![A-Za-z0-9_-])")),
    ("adsense", "pub-", re.compile(r"(?<![A-Za-z0-9_])(?:ca-)?(pub-\d{16})(?![0-9A-Za-z])")),
    ("fb-pixel", "fbq(", re.compile(r"""fbq\(\s*['"]init['"]\s*,\s*['"]?(\d{15,16})['"]?""")),
    ("fb-pixel", "facebook.com/tr", re.compile(r"facebook\.com/tr/?\?(?:[^\"'\s<>]*&(?:amp;)?)?id=(\d{15,16})(?!\d)")),
    ("yandex-metrica", "ym(", re.compile(r"""\bym\(\s*(\d{5,10})\s*,\s*['"]init['"]""")),
    ("yandex-metrica", "mc.yandex.", re.compile(r"mc\.yandex\.(?:ru|com)/watch/(\d{5,10})(?!\d)")),
    ("yandex-metrica", "yaCounter", re.compile(r"\byaCounter(\d{5,10})(?!\d)")),
]


def strip_comments(html: str) -> str:
    """``html`` without its ``<!-- … -->`` comments.

    >>> strip_comments("a<!-- UA-1234567-1 -->b")
    'ab'
    """
    return _COMMENT.sub("", html)


def _attrs(s: str) -> list[tuple[str, str]]:
    return [(m.group(1).lower(), m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTR.finditer(s)]


def _scan(text: str, where: str, out: list[FoundId], seen: set[tuple[str, str]]) -> None:
    for kind, lit, pat in _CODE_PATTERNS:
        if lit not in text:
            continue
        for m in pat.finditer(text):
            key = (kind, m.group(1))
            if key not in seen:
                seen.add(key)
                out.append(FoundId(kind, m.group(1), where))


def find_ids(html: str) -> list[FoundId]:
    """Every distinct id in the live markup of ``html``, in page order by place
    (verification metas, scripts, then tag attributes); see the module docstring."""
    html = strip_comments(html)
    out: list[FoundId] = []
    seen: set[tuple[str, str]] = set()
    for m in _META.finditer(html):
        a = dict(_attrs(m.group(0)))
        name = (a.get("name") or a.get("property") or "").lower()
        kind = _VERIFY.get(name)
        token = a.get("content", "").strip()
        if kind and token and (kind, token) not in seen:
            seen.add((kind, token))
            out.append(FoundId(kind, token, "meta"))
    for m in _SCRIPT.finditer(html):
        attrs = dict(_attrs(m.group(1)))
        if "src" in attrs:
            _scan(attrs["src"], "script-src", out, seen)
        for k, v in attrs.items():
            if k.startswith("data-"):
                _scan(v, "attribute", out, seen)
        typ = attrs.get("type", "").lower()
        if typ in ("", "text/javascript", "application/javascript", "module", "text/partytown"):
            _scan(m.group(2), "script", out, seen)
    rest = _META.sub("", _SCRIPT.sub("", html))
    # ids in tag attributes (src, href, data-*), never in the text between tags
    for kind, lit, pat in _CODE_PATTERNS:
        if lit not in rest:
            continue
        for m in pat.finditer(rest):
            start = m.start()
            if rest.rfind("<", 0, start) <= rest.rfind(">", 0, start):
                continue  # between tags: prose
            key = (kind, m.group(1))
            if key not in seen:
                seen.add(key)
                out.append(FoundId(kind, m.group(1), "attribute"))
    return out
