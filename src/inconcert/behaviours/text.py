"""``text``: the same text after normalisation (copy-paste).

Reposts are left out (their text is the original's); texts with fewer than
``min_text_tokens`` tokens after normalisation are left out because short
phrases ("thank you", "lol") are shared by chance.

Each distinct text is normalised once (:func:`text_map`): copies are what this
behaviour looks for, so there are far fewer distinct texts than posts (a
quarter in the simulated data), and the traces are read from ``actions``
joined with that map on the text, with no second join back by ``seq``.

>>> TextBehaviour.name
'text'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.normalize.text import normalize_text_array
from inconcert.sql.dialect import Dialect

__all__ = ["TextBehaviour", "text_map", "normalized_texts"]

#: what counts as a text post: the text behaviours' common filter on ``actions``
_TEXT_POSTS = "text IS NOT NULL AND repost_of IS NULL"


def text_map(engine: Engine) -> str:
    """Create ``ic_text_map(text, norm)``: every distinct text of the posts that
    are not reposts, with its normalised form; returns the table name."""
    engine.map_table(
        "ic_text_map",
        f"SELECT DISTINCT text FROM actions WHERE {_TEXT_POSTS}",
        ["text"],
        normalize_text_array,
        "text",
        "norm",
    )
    return "ic_text_map"


def normalized_texts(engine: Engine) -> str:
    """Create ``ic_text_norm(seq, norm)``: the normalised text of every post that
    is not a repost (the near-duplicate behaviours' input), from
    :func:`text_map` (which stays, for the caller to drop); returns the table name."""
    m = text_map(engine)
    engine.create_table(
        "ic_text_norm",
        f"SELECT a.seq, m.norm FROM actions a JOIN {m} m ON a.text = m.text WHERE a.repost_of IS NULL",
    )
    return "ic_text_norm"


class TextBehaviour(Behaviour):
    name = "text"
    description = "same text after normalisation (NFKC, case, URLs/mentions, Arabic/Persian variants)"
    columns = ("text",)
    scratch = ("ic_text_map",)

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        text_map(engine)

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        # at least n space-separated tokens: at least n - 1 spaces (no list of tokens is made)
        spaces = "%" + " %" * max(int(config.min_text_tokens) - 1, 0)
        return f"""SELECT a.account_id, m.norm AS object, {d.epoch_us('a.ts')} AS t, a.post_id, a.seq
            FROM actions a JOIN ic_text_map m ON a.text = m.text
            WHERE a.repost_of IS NULL AND m.norm IS NOT NULL AND m.norm LIKE '{spaces}'"""
