"""account_stats_sql: coordinated actions count each post (seq) in share pairs once."""

import duckdb

from inconcert.sql.dialect import DuckDBDialect
from inconcert.sql.summaries import account_stats_sql


def test_n_coordinated_counts_distinct_posts() -> None:
    c = duckdb.connect()
    c.execute("CREATE TABLE ic_accounts AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(account_id, name)")
    c.execute(
        "CREATE TABLE actions AS SELECT * FROM (VALUES ('a', 'x'), ('a', 'x'), ('a', 'x'), ('b', 'x'), ('b', 'x'),"
        " ('c', 'x')) t(account_id, platform)"
    )
    # a's post 10 pairs with b's 20 and 21; b's 20 pairs twice more with a's 11 and 10 (another object)
    c.execute(
        "CREATE TABLE pairs AS SELECT * FROM (VALUES (1, 2, 10, 20), (1, 2, 10, 21), (2, 1, 20, 11),"
        " (1, 2, 10, 20)) t(account_a, account_b, seq_a, seq_b)"
    )
    c.execute("CREATE TABLE glinks AS SELECT 1 AS account_a, 2 AS account_b, 1.0 AS weight")
    c.execute("CREATE TABLE membership AS SELECT * FROM (VALUES (1, 0), (2, 0)) t(account_id, group_id)")
    c.execute("CREATE TABLE account_networks AS SELECT * FROM (VALUES (1, 0), (2, 0)) t(account_id, network_id)")
    rows = c.execute(
        f"SELECT account_id, n_actions, n_coordinated, coordinated_share FROM ({account_stats_sql(DuckDBDialect())})"
        " ORDER BY account_id"
    ).fetchall()
    assert rows == [("a", 3, 2, 2 / 3), ("b", 2, 2, 1.0), ("c", 1, 0, 0.0)]
