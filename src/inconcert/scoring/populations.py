"""The null model's populations found in the engine, for inputs too big to collect.

:func:`~inconcert.scoring.nullmodel.populations` finds the connected components
of the bipartite graph of who shared what on the driver (scipy), from every
account–object incidence. On a distributed engine with more incidences than
the engine's ``collect_limit``, :func:`engine_populations` finds the same
components in SQL instead: min-label propagation (each account takes the
smallest account key that reaches it through a shared object) with pointer
jumping (a label takes its own label's label), which halves the remaining
distance each round, so a component of diameter ``d`` settles in about
``log₂ d`` rounds after the propagation reaches it. Only the component sizes
(one row per component) come to the driver, to number the populations as
:func:`~inconcert.scoring.nullmodel.populations` does: components of at least
``MIN_POPULATION_SHARE`` of the accounts (and ``MIN_POPULATION_ACCOUNTS``) are
1, 2, … by decreasing size, ties by smallest account key; the rest pooled.

>>> import pyarrow as pa
>>> from inconcert.engines.duckdb_engine import DuckDBEngine
>>> e = DuckDBEngine()
>>> e.register_arrow("inc", pa.table({"account_id": [1, 2, 3, 4, 4], "object": [10, 10, 20, 20, 30]}))
>>> engine_populations(e, "inc", "pop", min_accounts=1, min_share=0.0)
(2, False)
>>> e.to_arrow("SELECT * FROM pop ORDER BY account_id").to_pylist()[:3]
[{'account_id': 1, 'pop': 1}, {'account_id': 2, 'pop': 1}, {'account_id': 3, 'pop': 2}]
"""

from __future__ import annotations

import pyarrow as pa

from inconcert.engines.base import Engine

__all__ = ["engine_populations", "component_labels"]

#: Rounds after which propagation stops with an error (a component's diameter is far smaller).
MAX_ROUNDS = 200


def component_labels(engine: Engine, incidences: str, out: str) -> int:
    """``out(account_id, label)``: per account of ``incidences(account_id, object)``,
    the smallest account key of its connected component; returns the rounds used."""
    engine.create_table("ic_cc_e", f"SELECT DISTINCT account_id, object FROM {incidences}")
    engine.create_table(out, "SELECT account_id, min(account_id) AS label FROM ic_cc_e GROUP BY account_id")
    rounds = 0
    while True:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise RuntimeError(f"connected components did not settle in {MAX_ROUNDS} rounds")
        engine.create_table(
            "ic_cc_o",
            f"SELECT e.object, min(l.label) AS label FROM ic_cc_e e JOIN {out} l ON e.account_id = l.account_id "
            "GROUP BY e.object",
        )
        engine.create_table(
            "ic_cc_step",
            f"""SELECT l.account_id, least(l.label, coalesce(n.label, l.label)) AS label
            FROM {out} l LEFT JOIN (SELECT e.account_id, min(o.label) AS label FROM ic_cc_e e
                                     JOIN ic_cc_o o ON e.object = o.object GROUP BY e.account_id) n
              ON l.account_id = n.account_id""",
        )
        engine.create_table(  # pointer jumping: my label's label
            "ic_cc_next",
            """SELECT s.account_id, least(s.label, coalesce(j.label, s.label)) AS label
            FROM ic_cc_step s LEFT JOIN ic_cc_step j ON s.label = j.account_id""",
        )
        changed = int(engine.scalar(  # type: ignore[arg-type]
            f"SELECT count(*) FROM ic_cc_next x JOIN {out} l ON x.account_id = l.account_id WHERE x.label <> l.label"
        ) or 0)
        engine.create_table(out, "SELECT * FROM ic_cc_next")
        if changed == 0:
            break
    for t in ("ic_cc_e", "ic_cc_o", "ic_cc_step", "ic_cc_next"):
        engine.drop(t)
    return rounds


def engine_populations(
    engine: Engine, incidences: str, out: str, min_accounts: int, min_share: float
) -> tuple[int, bool]:
    """``out(account_id, pop)`` from ``incidences(account_id, object)`` as
    :func:`~inconcert.scoring.nullmodel.populations` numbers them; returns the
    last population and whether it pools the small components
    (:func:`~inconcert.scoring.nullmodel.rest_is_pool`)."""
    component_labels(engine, incidences, "ic_cc_label")
    sizes = engine.to_arrow(
        "SELECT label, count(*) AS n FROM ic_cc_label GROUP BY label ORDER BY n DESC, label"
    ).to_pylist()
    na = sum(int(r["n"]) for r in sizes)
    threshold = max(min_accounts, min_share * na)
    big = [r for r in sizes if r["n"] >= threshold]
    rest = len(big) + 1
    if len(big) == 0:  # every account in the pool: one population
        rest = 1
    numbers = pa.table({
        "label": pa.array([r["label"] for r in big], pa.int64()),
        "pop": pa.array(range(1, len(big) + 1), pa.int64()),
    })
    engine.register_arrow("ic_cc_big", numbers)
    engine.create_table(
        out,
        f"""SELECT l.account_id, CAST(coalesce(b.pop, {rest}) AS BIGINT) AS pop
        FROM ic_cc_label l LEFT JOIN ic_cc_big b ON l.label = b.label""",
    )
    for t in ("ic_cc_label", "ic_cc_big"):
        engine.drop(t)
    n_last = sum(int(r["n"]) for r in sizes[len(big):]) if rest > 1 else na
    last = rest if rest > 1 and n_last else (len(big) if rest > 1 else 1)
    pooled = bool(na) and last > 1 and n_last > 0 and n_last < threshold
    return (last if na else 0), pooled
