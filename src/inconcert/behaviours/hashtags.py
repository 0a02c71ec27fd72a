"""``hashtags``: the same set of two or more hashtags in one post.

>>> HashtagsBehaviour.name
'hashtags'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.sql.dialect import Dialect

__all__ = ["HashtagsBehaviour"]


class HashtagsBehaviour(Behaviour):
    name = "hashtags"
    description = "same set of ≥ 2 hashtags (case-insensitive, order ignored)"
    columns = ("hashtags",)

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        # posts with fewer than two tags (most) are set aside before their tags are cleaned
        tags = d.lower_trim_list("hashtags")
        joined = d.list_join_sorted_distinct(tags, " #")
        return f"""SELECT account_id, '#' || {joined} AS object, {d.epoch_us('ts')} AS t, post_id, seq
            FROM actions
            WHERE hashtags IS NOT NULL AND {d.list_len("hashtags")} >= 2
              AND {d.list_len(d.list_distinct(tags))} >= 2"""
