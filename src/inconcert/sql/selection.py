"""Which links form groups: the thresholds as SQL. Pure functions returning SQL.

A link joins accounts into groups when its weight reaches ``min_weight`` and,
optionally, the ``weight_percentile`` of all link weights (as CooRTweet and
CooRnet do), and, once the null model has scored it, when it is significant.

>>> passing_links_sql(2, None, significant_only=True)
'SELECT * FROM links WHERE weight >= 2 AND significant'
"""

from __future__ import annotations

from inconcert.sql.dialect import Dialect

__all__ = ["weight_quantile_sql", "passing_links_sql", "group_edges_sql"]


def weight_quantile_sql(d: Dialect, q: float, links: str = "links") -> str:
    """One row, column ``q``: the ``q``-quantile (0–1) of the link weights.

    >>> from inconcert.sql.dialect import DuckDBDialect
    >>> weight_quantile_sql(DuckDBDialect(), 0.5)
    'SELECT quantile_cont(weight, 0.5) AS q FROM links'
    """
    return f"SELECT {d.quantile('weight', q)} AS q FROM {links}"


def passing_links_sql(
    min_weight: int, min_quantile_weight: float | None, significant_only: bool, links: str = "links"
) -> str:
    """The links that pass: weight ≥ ``min_weight`` and ≥ ``min_quantile_weight``
    (the weight at the percentile, when one is set) and, with ``significant_only``,
    significant under the null model."""
    cond = f"weight >= {int(min_weight)}"
    if min_quantile_weight is not None:
        cond += f" AND weight >= {float(min_quantile_weight)}"
    if significant_only:
        cond += " AND significant"
    return f"SELECT * FROM {links} WHERE {cond}"


def group_edges_sql(passing: str = "glinks") -> str:
    """The weighted edges community detection runs on, in a fixed order.

    >>> group_edges_sql()
    'SELECT account_a, account_b, weight FROM glinks ORDER BY account_a, account_b'
    """
    return f"SELECT account_a, account_b, weight FROM {passing} ORDER BY account_a, account_b"
