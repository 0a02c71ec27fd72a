"""``url``: accounts that share the same (canonicalised) link.

>>> UrlBehaviour.name
'url'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.normalize.url import canonical_url_array
from inconcert.sql.dialect import Dialect

__all__ = ["UrlBehaviour"]


class UrlBehaviour(Behaviour):
    name = "url"
    description = "same link (canonical URL: case, www., ports, slash, fragment, tracking params)"
    columns = ("urls",)
    scratch = ("ic_url_raw", "ic_url_map")

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        d = engine.dialect
        engine.create_table(
            "ic_url_raw",
            f"SELECT DISTINCT u AS raw FROM (SELECT {d.explode('urls')} AS u FROM actions "
            f"WHERE urls IS NOT NULL) s WHERE u IS NOT NULL",
        )
        # canonicalised where the engine runs (Spark: on the executors), not on the driver
        engine.map_table("ic_url_map", "SELECT raw FROM ic_url_raw", ["raw"], canonical_url_array, "raw", "canon")

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        return f"""SELECT s.account_id, m.canon AS object, s.t, s.post_id, s.seq
            FROM (SELECT account_id, post_id, seq, {d.epoch_us('ts')} AS t,
                         {d.explode('urls')} AS u
                  FROM actions WHERE urls IS NOT NULL) s
            JOIN ic_url_map m ON s.u = m.raw
            WHERE m.canon IS NOT NULL"""
