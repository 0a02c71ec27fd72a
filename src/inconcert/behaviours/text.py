"""``text``: the same text after normalisation (copy-paste).

Reposts are left out (their text is the original's); texts with fewer than
``min_text_tokens`` tokens after normalisation are left out because short
phrases ("thank you", "lol") are shared by chance.

>>> TextBehaviour.name
'text'
"""

from __future__ import annotations

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.normalize.text import normalize_text_array
from inconcert.sql.dialect import Dialect

__all__ = ["TextBehaviour", "normalized_texts"]


def normalized_texts(engine: Engine) -> str:
    """Create ``ic_text_norm(post_id, seq, norm)``: the normalised text of every
    post that is not a repost (the text behaviours' common input); returns the
    table name."""
    engine.map_table(
        "ic_text_norm",
        "SELECT post_id, seq, text FROM actions WHERE text IS NOT NULL AND repost_of IS NULL",
        ["post_id", "seq"],
        normalize_text_array,
        "text",
        "norm",
    )
    return "ic_text_norm"


class TextBehaviour(Behaviour):
    name = "text"
    description = "same text after normalisation (NFKC, case, URLs/mentions, Arabic/Persian variants)"
    columns = ("text",)
    scratch = ("ic_text_norm",)

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        normalized_texts(engine)

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        n = int(config.min_text_tokens)
        return f"""SELECT a.account_id, n.norm AS object, {d.epoch_us('a.ts')} AS t, a.post_id, a.seq
            FROM ic_text_norm n JOIN actions a ON a.seq = n.seq
            WHERE n.norm IS NOT NULL AND {d.list_len("split(n.norm, ' ')")} >= {n}"""
