"""Behaviours that read one id column as the object: repost, reply, image, object.

>>> RepostBehaviour().traces_sql(__import__("inconcert.sql.dialect", fromlist=["x"]).DuckDBDialect(), None).split()[1]
'account_id,'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.sql.dialect import Dialect

__all__ = ["RepostBehaviour", "ReplyBehaviour", "ImageBehaviour", "ObjectBehaviour"]


class _ColumnBehaviour(Behaviour):
    column = ""

    def traces_sql(self, d: Dialect, config: DetectConfig | None) -> str:
        c = self.column
        return (
            f"SELECT account_id, {c} AS object, {d.epoch_us('ts')} AS t, post_id, seq "
            f"FROM actions WHERE {c} IS NOT NULL AND {c} <> ''"
        )


class RepostBehaviour(_ColumnBehaviour):
    name = "repost"
    description = "repost/retweet/forward of the same post"
    columns = ("repost_of",)
    column = "repost_of"


class ReplyBehaviour(_ColumnBehaviour):
    name = "reply"
    description = "reply to the same post"
    columns = ("reply_to",)
    column = "reply_to"


class ImageBehaviour(_ColumnBehaviour):
    name = "image"
    description = "same image (perceptual hash or image cluster id)"
    columns = ("image",)
    column = "image"


class ObjectBehaviour(_ColumnBehaviour):
    name = "object"
    description = "same generic object id (CooRTweet's object_id)"
    columns = ("object",)
    column = "object"
