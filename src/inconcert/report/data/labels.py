"""Labels that say what a behaviour or an object is, in the reader's words.

The generic ``object`` behaviour takes the name of the column it came from
(``domain_id`` → "domain"); a repost rebuilt from identical text
(``text:ef10a73c…``) reads "repost of identical text"; URLs become links and
hashtag sets hashtags. Everything stays plain data: the template escapes it.

>>> behaviour_labels({"inputs": [{"format": "coortweet_multi"}]})
{'object': 'domain'}
>>> describe_object("repost", "text:ef10a73c", {})["label"]
'repost of identical text'
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["KNOWN_OBJECT_COLUMNS", "behaviour_labels", "describe_object", "label_behaviours", "object_column"]

#: readers whose generic ``object`` comes from a fixed column
KNOWN_OBJECT_COLUMNS = {"coortweet_multi": "domain_id", "coortweet": "object_id"}
#: only web addresses become links (never javascript:, data: …); the template escapes them
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


def object_column(summary: dict[str, Any]) -> str | None:
    """The input column the generic ``object`` behaviour came from, when known.

    ``summary.json`` ``object_column`` if a run records it, else the ``--map
    object=COLUMN`` given, else the column fixed by the reader of every input.

    >>> object_column({"read_options": {"column_map": {"object": "site"}}})
    'site'
    >>> object_column({"inputs": [{"format": "generic"}]}) is None
    True
    """
    if isinstance(summary.get("object_column"), str) and summary["object_column"]:
        return summary["object_column"]
    opts = summary.get("read_options") if isinstance(summary.get("read_options"), dict) else {}
    cmap = opts.get("column_map") if isinstance(opts.get("column_map"), dict) else {}
    if isinstance(cmap.get("object"), str) and cmap["object"]:
        return cmap["object"]
    inputs = [i for i in summary.get("inputs") or [] if isinstance(i, dict)]
    known = {KNOWN_OBJECT_COLUMNS.get(str(i.get("format"))) for i in inputs}
    if len(known) == 1 and None not in known:
        return known.pop()
    return None


def behaviour_labels(summary: dict[str, Any]) -> dict[str, str]:
    """Display names of behaviours whose own name does not say what they are."""
    col = object_column(summary)
    if not col:
        return {}
    name = re.sub(r"_?ids?$", "", col.strip(), flags=re.IGNORECASE).replace("_", " ").strip()
    return {"object": name or "object"}


def label_behaviours(text: Any, labels: dict[str, str]) -> str:
    """A comma list of behaviours with labels: ``'object,url'`` → ``'domain, url'``.

    >>> label_behaviours("object,url", {"object": "domain"})
    'domain, url'
    """
    parts = [p.strip() for p in str(text or "").split(",") if p.strip()]
    return ", ".join(labels.get(p, p) for p in parts)


def describe_object(
    behaviour: str, obj: str, labels: dict[str, str], text: str | None = None
) -> dict[str, Any]:
    """How to show one object: ``kind`` (``link``, ``hashtags``, ``repost_text``, ``plain``),
    the behaviour's ``label`` and what the kind needs (``href``, ``tags``, ``text``).

    >>> describe_object("url", "https://a.example/x?y=<b>", {})["kind"]
    'link'
    >>> describe_object("hashtags", "#a #b", {})["tags"]
    ['#a', '#b']
    >>> describe_object("object", "2195", {"object": "domain"})["label"]
    'domain'
    """
    label = labels.get(behaviour, behaviour)
    if behaviour == "repost" and obj.startswith("text:"):
        return {"kind": "repost_text", "label": "repost of identical text", "text": text or "", "hash": obj[5:]}
    if _URL.match(obj):
        return {"kind": "link", "label": label, "href": obj}
    if behaviour == "hashtags" and obj.startswith("#"):
        return {"kind": "hashtags", "label": label, "tags": [t for t in obj.split() if t]}
    return {"kind": "plain", "label": label}
