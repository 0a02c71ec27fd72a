"""``text``: the same text after normalisation (copy-paste).

Reposts are left out (their text is the original's); texts with fewer than
``min_text_tokens`` tokens after normalisation are left out because short
phrases ("thank you", "lol") are shared by chance.

>>> TextBehaviour.name
'text'
"""

from __future__ import annotations

import pyarrow as pa

from inconcert.behaviours.base import Behaviour
from inconcert.config import DetectConfig
from inconcert.engines.base import Engine
from inconcert.normalize.text import normalize_text_array
from inconcert.sql.dialect import Dialect

__all__ = ["TextBehaviour", "register_text_functions"]


def register_text_functions(engine: Engine) -> None:
    """Register ``ic_norm_text(text)`` in the engine (idempotent)."""
    if getattr(engine, "_ic_text_fn", False):
        return
    engine.register_function("ic_norm_text", normalize_text_array, pa.string())
    engine._ic_text_fn = True  # type: ignore[attr-defined]


class TextBehaviour(Behaviour):
    name = "text"
    description = "same text after normalisation (NFKC, case, URLs/mentions, Arabic/Persian variants)"
    columns = ("text",)

    def prepare(self, engine: Engine, config: DetectConfig) -> None:
        register_text_functions(engine)
        engine.create_table(
            "ic_text_norm",
            "SELECT post_id, seq, ic_norm_text(text) AS norm FROM actions "
            "WHERE text IS NOT NULL AND repost_of IS NULL",
        )

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        n = int(config.min_text_tokens)
        return f"""SELECT a.account_id, n.norm AS object, {d.epoch_us('a.ts')} AS t, a.post_id, a.seq
            FROM ic_text_norm n JOIN actions a ON a.seq = n.seq
            WHERE n.norm IS NOT NULL AND {d.list_len("split(n.norm, ' ')")} >= {n}"""
