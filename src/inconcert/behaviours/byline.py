"""``byline``: the same author name on several sites.

One trace per site and byline (from the ``site_pages`` side table), at one
instant (a persona shared across sites is not an action in time). Bylines
are compared case- and space-insensitively; generic ones ("staff",
"editorial team", "admin", "news desk") are ignored.

>>> BylineBehaviour.name
'byline'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.tracker import ensure_site_tables
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.sql.dialect import Dialect
from inconcert.tables import NO_TIME

__all__ = ["BylineBehaviour", "GENERIC_BYLINES"]

#: Bylines that name no one.
GENERIC_BYLINES = ("staff", "admin", "administrator", "editor", "editors", "editorial team", "editorial staff",
                   "news desk", "newsdesk", "web desk", "guest author", "guest", "anonymous", "redaktion", "team")


class BylineBehaviour(Behaviour):
    name = "byline"
    description = "same author name (byline) on several sites; no window"
    columns = ("text",)
    opt_in = True

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        ensure_site_tables(engine)

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        generic = ", ".join(f"'{g}'" for g in GENERIC_BYLINES)
        return f"""SELECT p.account_id, 'byline:' || b AS object, CAST({NO_TIME} AS BIGINT) AS t,
                          min(a.post_id) AS post_id, min(a.seq) AS seq
            FROM (SELECT account_id, post_id, lower(trim(byline)) AS b
                  FROM site_pages WHERE byline IS NOT NULL) p
            JOIN actions a ON a.post_id = p.post_id AND a.account_id = p.account_id
            WHERE b <> '' AND b NOT IN ({generic})
            GROUP BY p.account_id, b"""

