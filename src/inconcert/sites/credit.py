"""Whether a copy credits another site: by its domain, a link, or its name.

A page credits a site when its body names the site's domain
(``geopolitica.ru``), when it links to the site anywhere in the page (credit
lines are often short linked paragraphs that boilerplate removal drops), or
when it names the site the way wire copy does — ``(Reuters) —``, ``By Wire
Press`` — by the site's **name**: the name its own pages give it
(``og:site_name``, JSON-LD ``publisher``) or its domain's first label
(``reuters`` of ``reuters.com``, ``iran front`` of ``iran-front.com``). Names
are matched as whole words, in the body or in the byline; names shorter than
four letters and names made only of common newspaper words ("Daily News",
"The Times", ``dailynews``) are not used: they would credit by accident.

>>> names = site_names("wirepress.com", "Wire Press")
>>> sorted(names)
['wire press', 'wirepress']
>>> others = {"wirepress.com": names, "geopolitica.ru": site_names("geopolitica.ru")}
>>> credited_sites("WASHINGTON (Wire Press) — The court ruled.", None, "", others)
{'wirepress.com'}
>>> credited_sites("The court ruled.", "By WirePress staff", "", others)
{'wirepress.com'}
>>> credited_sites("The court ruled.", "Anna Novak", "", others)
set()
>>> sorted(credited_sites("As Geopolitica wrote,", None, ";wirepress.com;", others))
['geopolitica.ru', 'wirepress.com']
>>> site_names("dailynews.com", "Daily News")
set()
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["site_names", "credited_sites", "COMMON_NAME_WORDS"]

#: Words that name no site in particular.
COMMON_NAME_WORDS = frozenset(
    "the a an of and news daily today times post world online media press journal report herald tribune "
    "info net web tv radio channel agency group live new local national global".split())
_NON_WORD = re.compile(r"[^0-9a-z]+")


def _norm(s: str) -> str:
    return _NON_WORD.sub(" ", s.lower()).strip()


def site_names(site: str, *given: str | None) -> set[str]:
    """The names a copy may credit ``site`` by: its domain's first label (hyphens as
    spaces too) and the ``given`` names (its pages' ``og:site_name``), normalised."""
    label = site.split(".", 1)[0].lower()
    out = set()
    for cand in (label, label.replace("-", " "), *(g for g in given if g)):
        n = _norm(cand)
        words = n.split()
        joined = n.replace(" ", "")
        common = all(w in COMMON_NAME_WORDS for w in words) or any(
            joined[:k] in COMMON_NAME_WORDS and joined[k:] in COMMON_NAME_WORDS for k in range(1, len(joined)))
        if len(joined) >= 4 and not common:
            out.add(n)
    return out


@lru_cache(maxsize=65536)
def _spellings(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(probes, spellings)`` of ``name``: substrings one of which the lower-cased page holds
    whenever a spelling matches (a cheap test first), and the spellings as padded whole
    words — as given, joined into one word, and split in two.

    >>> _spellings("wire press")[0]
    ('wire', 'wirep', 'press')
    """
    joined = name.replace(" ", "")
    out = {f" {name} ", f" {joined} "}
    out.update(f" {joined[:k]} {joined[k:]} " for k in range(2, len(joined) - 1))
    h = (len(joined) + 1) // 2  # every split spelling holds the first or the last h letters
    return (name.split()[0], joined[:h], joined[-h:]), tuple(sorted(out))


def credited_sites(text: str, byline: str | None, linked_sites: str, candidates: dict[str, set[str]]) -> set[str]:
    """The sites of ``candidates`` (site → its :func:`site_names`) that a page credits,
    given its ``text``, ``byline`` and ``;a.com;b.org;`` linked sites (module docstring).
    A name matches as whole words, also written as one word or two ("Wire Press", "WirePress")."""
    low = f"{text} | {byline or ''}".lower()
    flat = ""
    out = set()
    for site, names in candidates.items():
        if site.lower() in low or f";{site};" in linked_sites:
            out.add(site)
            continue
        for n in names:
            probes, spellings = _spellings(n)
            if not any(pr in low for pr in probes):
                continue  # no spelling can match: the usual case, without normalising the page
            if not flat:
                flat = f" {_norm(text)} | {_norm(byline or '')} "
            if any(sp in flat for sp in spellings):
                out.add(site)
                break
    return out
