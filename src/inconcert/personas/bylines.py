"""Bylines as the profiled unit: when the input is pages (the site readers'
``site_pages`` side table: HTML, WARC or article tables), each page's text is
credited to its byline instead of its site, so the same byline across many
outlets is one profile (the "Heshmat Alavi" case: one name, dozens of outlets,
a team behind it) and several bylines on one site are told apart.

A byline is compared case-insensitively with its spacing collapsed; pages
without a byline are left out (and counted).

>>> import pyarrow as pa
>>> actions = pa.table({"post_id": ["u1", "u2", "u3"], "account_id": ["a.com", "b.org", "a.com"],
...                     "text": ["x", "y", "z"]})
>>> pages = pa.table({"post_id": ["u1", "u2", "u3"], "account_id": ["a.com", "b.org", "a.com"],
...                   "byline": ["Jane  Doe", "jane doe", None]})
>>> t, dropped = bylines_as_accounts(actions, pages)
>>> t["account_id"].to_pylist(), t["site"].to_pylist(), dropped
(['jane doe', 'jane doe'], ['a.com', 'b.org'], 1)
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["bylines_as_accounts", "normalise_byline"]


def normalise_byline(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Lower case, NFKC, spacing collapsed, "By " dropped; empty → null.

    >>> normalise_byline(pa.array(["By  Jane Doe ", "", None])).to_pylist()
    ['jane doe', None, None]
    """
    x = pc.utf8_lower(pc.utf8_normalize(arr, form="NFKC"))
    x = pc.utf8_trim_whitespace(pc.replace_substring_regex(x, pattern=r"\s+", replacement=" "))
    x = pc.replace_substring_regex(x, pattern=r"^by ", replacement="")
    return pc.if_else(pc.equal(x, ""), pa.scalar(None, pa.string()), x)


def bylines_as_accounts(actions: pa.Table, pages: pa.Table) -> tuple[pa.Table, int]:
    """``actions`` with ``account_id`` = the page's normalised byline and ``site`` = its
    site; pages without a byline dropped. Returns (table, pages dropped)."""
    p = pages.select(["post_id", "account_id", "byline"]).rename_columns(["post_id", "site", "byline"])
    p = p.set_column(2, "byline", normalise_byline(p["byline"]))
    a = actions.rename_columns(["site" if c == "account_id" else c for c in actions.column_names])
    j = a.join(p, keys=["post_id", "site"], join_type="left outer")
    keep = pc.is_valid(j["byline"])
    dropped = int(len(j) - pc.sum(keep.cast(pa.int64())).as_py()) if len(j) else 0
    j = j.filter(keep)
    j = j.append_column("account_id", j["byline"]).drop_columns(["byline"])
    return j.sort_by([("account_id", "ascending"), ("post_id", "ascending")]), dropped
