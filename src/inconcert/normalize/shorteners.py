"""Link shorteners: hosts that wrap other links and are never a source.

Twitter wraps every link in ``t.co``; campaigns and feed tools use ``bit.ly``,
``ow.ly``, ``buff.ly``, ``dlvr.it``, ``ift.tt`` and others. The host of a
shortened link says which tool posted it, not which site it points to, so a
group whose links are all ``t.co`` has *no known* source domain, never "one
source domain". Readers put the expanded URL in ``urls`` where the export has
one (Twitter v1 ``expanded_url`` / ``unwound``, v2 ``unwound_url``), so only
exports without it (the IRA release, for example) keep short links.

The list is the shorteners seen in social-media exports (platform wrappers
first, then general services); a host matches when it is a listed name or a
subdomain of one.

>>> is_shortener("t.co"), is_shortener("www.bit.ly"), is_shortener("nytimes.com")
(True, True, False)
>>> source_domain("https://www.example.com/a?b=1"), source_domain("https://t.co/abc")
('example.com', None)
"""

from __future__ import annotations

import re

__all__ = ["SHORTENERS", "is_shortener", "source_domain", "HOST_PATTERN"]

#: Hosts of link shorteners and platform link wrappers.
SHORTENERS: frozenset[str] = frozenset(
    {
        # platform wrappers
        "t.co", "fb.me", "lnkd.in", "youtu.be", "redd.it", "amzn.to", "amzn.eu", "a.co",
        "flip.it", "wp.me", "apple.co", "spoti.fi", "g.co", "msft.it", "pin.it", "t.me",
        # general shorteners and feed/scheduling tools
        "bit.ly", "bitly.com", "j.mp", "ow.ly", "buff.ly", "dlvr.it", "goo.gl", "tinyurl.com",
        "ift.tt", "trib.al", "is.gd", "v.gd", "tiny.cc", "cutt.ly", "rebrand.ly", "shorturl.at",
        "bl.ink", "soo.gd", "s.id", "t.ly", "rb.gy", "po.st", "su.pr", "mbist.ro", "dld.bz",
        "ln.is", "snip.ly", "shar.es", "smarturl.it", "hubs.ly", "hubs.li", "zpr.io", "tr.im",
        "x.co", "qr.ae", "adf.ly", "bc.vc", "ht.ly", "sco.lt", "linktr.ee", "lnk.to", "kck.st",
        "ed.gr", "dailym.ai", "nyti.ms", "wapo.st", "cnn.it", "bbc.in", "reut.rs", "apne.ws",
        "hill.cm", "politi.co", "huff.to", "bloom.bg", "on.wsj.com", "ti.me", "n.pr", "abcn.ws",
        "cbsn.ws", "nbcnews.to", "usat.ly", "fxn.ws", "ind.pn", "gu.com", "ab.co", "econ.st",
        "tcrn.ch", "engt.co", "m.me", "spr.ly", "instagr.am",
    }
)

#: The host part of a URL (group 1).
HOST_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*://([^/?#:@]+)"
_HOST = re.compile(HOST_PATTERN)


def is_shortener(host: str | None) -> bool:
    """Whether ``host`` (case-insensitive, ``www.`` ignored) is a shortener or a subdomain of one."""
    if not host:
        return False
    h = host.lower().strip(".")
    if h.startswith("www."):
        h = h[4:]
    parts = h.split(".")
    return any(".".join(parts[i:]) in SHORTENERS for i in range(len(parts) - 1))


def source_domain(url: str | None) -> str | None:
    """The host of a web link without ``www.``, or None for shorteners and non-links."""
    m = _HOST.match(url or "")
    if not m:
        return None
    h = m.group(1).lower()
    h = h[4:] if h.startswith("www.") else h
    return None if is_shortener(h) else h
