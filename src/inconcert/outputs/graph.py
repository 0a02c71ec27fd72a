"""Account graphs for Gephi: GEXF and GraphML.

Nodes are accounts in links that pass the thresholds, with their group and
metrics; edges carry weight, pairs and behaviours.

>>> import pyarrow as pa, tempfile, pathlib
>>> links = pa.table({"account_a": ["a"], "account_b": ["b"], "weight": [3], "pairs": [4],
...                   "behaviours": ["url"], "mean_dt": [2.0]})
>>> accounts = pa.table({"account_id": ["a", "b"], "group_id": [1, 1]})
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> write_graphs(links, accounts, d / "g.gexf", d / "g.graphml")
>>> "<gexf" in (d / "g.gexf").read_text()
True
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyarrow as pa

from inconcert.outputs.atomic import atomic_path

__all__ = ["write_graphs", "build_graph"]

_EDGE_ATTRS = ("weight", "pairs", "behaviours", "mean_dt", "p_value", "q_value", "group_id")


def _clean(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float, str)):
        return v
    return str(v)


def build_graph(links: pa.Table, accounts: pa.Table) -> nx.Graph:
    """A networkx graph of ``links`` with node attributes from ``accounts``."""
    g = nx.Graph()
    attrs = {r["account_id"]: r for r in accounts.to_pylist()}
    cols = [c for c in _EDGE_ATTRS if c in links.column_names]
    for row in links.select(["account_a", "account_b", *cols]).to_pylist():
        for acc in (row["account_a"], row["account_b"]):
            if acc not in g:
                node = {k: _clean(v) for k, v in attrs.get(acc, {}).items() if k != "account_id"}
                node["label"] = acc
                g.add_node(acc, **node)
        g.add_edge(row["account_a"], row["account_b"], **{c: _clean(row[c]) for c in cols})
    return g


def write_graphs(links: pa.Table, accounts: pa.Table, gexf: str | Path, graphml: str | Path) -> None:
    """Write the graph as GEXF and GraphML (atomically)."""
    g = build_graph(links, accounts)
    with atomic_path(gexf) as tmp:
        nx.write_gexf(g, tmp)
    with atomic_path(graphml) as tmp:
        nx.write_graphml(g, tmp)
