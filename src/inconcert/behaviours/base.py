"""What a behaviour is: a rule that turns actions into traces.

A trace is one ``(account_id, object, t, post_id, seq)`` row: the account
acted on ``object`` at time ``t`` (microseconds since 1970, UTC) in post
``post_id``; ``seq`` is the action's position in the input. Two accounts
co-act when they leave traces on the same object within the window.

To add a behaviour, write one module with a :class:`Behaviour` subclass and add
it to :data:`inconcert.behaviours.BEHAVIOURS`. A behaviour that works on pairs
too (like ``near_text``, which measures each share pair's text similarity)
implements :meth:`Behaviour.after_pairs` and names its table in
``pair_similarity``; statistics for ``summary.json`` are what ``prepare`` returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from inconcert.config import DetectConfig
    from inconcert.engines.base import Engine
    from inconcert.sql.dialect import Dialect

__all__ = ["Behaviour"]


class Behaviour:
    """Base class. Subclasses set ``name``, ``columns`` and write ``traces_sql``.

    ``columns``: the actions columns it needs; the behaviour is used by default
    when at least one row has one of them.
    ``prepare`` may register helper tables or functions in the engine (for
    example a URL canonicalisation map) before ``traces_sql`` runs, and returns
    the behaviour's statistics for ``summary.json`` (``behaviour_stats``) or None.
    ``after_pairs`` runs once the share pairs exist (default: nothing).
    ``traces_sql`` returns a SELECT over the ``actions`` table with exactly the
    columns ``account_id, object, t, post_id, seq``.
    """

    #: Tables ``prepare`` makes that are not needed once the traces exist.
    scratch: ClassVar[tuple[str, ...]] = ()
    #: Tables (another behaviour's scratch) this behaviour still needs after the traces.
    keeps: ClassVar[tuple[str, ...]] = ()
    #: Table ``(seq_a, seq_b, similarity)`` that ``after_pairs`` makes for the
    #: evidence of this behaviour's pairs, or None.
    pair_similarity: ClassVar[str | None] = None
    #: Opt-in behaviours run only when named in ``behaviours``.
    opt_in: ClassVar[bool] = False
    #: the engines whose SQL this behaviour's traces have been checked on (DuckDB/Spark equivalence)
    engines: ClassVar[tuple[str, ...]] = ("duckdb", "spark")

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[str, ...]] = ()

    def applicable_sql(self, d: Dialect) -> str:
        """A query returning 1 row if the actions table has data for this behaviour."""
        cond = " OR ".join(self._present(c, d) for c in self.columns)
        return f"SELECT 1 FROM actions WHERE {cond} LIMIT 1"

    @staticmethod
    def _present(col: str, d: Dialect) -> str:
        if col in ("urls", "hashtags", "mentions"):
            return f"({col} IS NOT NULL AND {d.list_len(col)} > 0)"
        return f"({col} IS NOT NULL)"

    def prepare(self, engine: Engine, config: DetectConfig) -> dict[str, Any] | None:
        """Register whatever ``traces_sql`` needs (default: nothing); return statistics or None."""
        return None

    def after_pairs(self, engine: Engine, config: DetectConfig, pairs: str = "pairs") -> None:
        """Pair-level work once the share pairs table ``pairs`` exists (default: nothing)."""

    def traces_sql(self, d: Dialect, config: DetectConfig) -> str:
        raise NotImplementedError
