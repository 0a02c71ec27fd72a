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

from functools import lru_cache

__all__ = ["site_names", "credited_sites", "COMMON_NAME_WORDS"]

#: Words that name no site in particular.
COMMON_NAME_WORDS = frozenset(
    "the a an of and news daily today times post world online media press journal report herald tribune "
    "info net web tv radio channel agency group live new local national global".split())


_KEEP = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))


def _norm(s: str) -> str:
    """Lower-case ASCII letters and digits, every other run of characters one space
    (as ``re.sub("[^0-9a-z]+", " ", s.lower()).strip()``, in C: a tenth of the time).

    >>> _norm("  WASHINGTON (Wire-Press) — Straße ")
    'washington wire press stra e'
    """
    return " ".join(s.lower().encode("ascii", "replace").translate(_KEEP).decode("ascii").split())


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
def _spellings(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """``(first words, spellings)`` of ``name``: the spellings as padded whole words — as
    given, joined into one word, and split in two — and the set of their first words (a
    page without any of them holds no spelling: one set operation before the substring search).

    >>> sorted(_spellings("wire press")[0])[:4]
    ['wi', 'wir', 'wire', 'wirep']
    """
    joined = name.replace(" ", "")
    sp = list(dict.fromkeys([name, joined, *(f"{joined[:k]} {joined[k:]}" for k in range(2, len(joined) - 1))]))
    return frozenset(x.split()[0] for x in sp), tuple(f" {x} " for x in sp)


def credited_sites(text: str, byline: str | None, linked_sites: str, candidates: dict[str, set[str]]) -> set[str]:
    """The sites of ``candidates`` (site → its :func:`site_names`) that a page credits,
    given its ``text``, ``byline`` and ``;a.com;b.org;`` linked sites (module docstring).
    A name matches as whole words, also written as one word or two ("Wire Press", "WirePress")."""
    low = f"{text} | {byline or ''}".lower()
    flat = ""
    words: set[str] = set()
    out = set()
    for site, names in candidates.items():
        if site in low or (linked_sites and f";{site};" in linked_sites):
            out.add(site)
            continue
        for n in names:
            if not flat:  # the page's words, once a page
                flat = f" {_norm(text)} | {_norm(byline or '')} "
                words = set(flat.split())
            firsts, spellings = _spellings(n)
            if not firsts.isdisjoint(words) and any(sp in flat for sp in spellings):
                out.add(site)
                break
    return out
