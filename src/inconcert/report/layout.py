"""The network picture: a seeded, server-side layout drawn as inline SVG.

Each connected component is laid out on its own (Kamada–Kawai for small
components, Fruchterman–Reingold for big ones: Kamada & Kawai 1989, *An
algorithm for drawing general undirected graphs*; Fruchterman & Reingold 1991,
*Graph drawing by force-directed placement*), seeded so the picture is the same on every run, then components are packed on
shelves, biggest first. The result is plain data that the template turns into
SVG, so the picture prints and needs no JavaScript to show.

>>> pos = layout_positions(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)], seed=1)
>>> len(pos), pos == layout_positions(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0)], seed=1)
(4, True)
"""

from __future__ import annotations

import math
import random
from typing import Any

import igraph as ig
import pyarrow as pa

__all__ = ["OTHER_GROUPS", "PALETTE", "UNGROUPED", "group_colour", "layout_positions", "network_picture"]

#: distinct colours for the top-ranked groups, one each, never repeated: Tableau 10
#: without its grey, plus navy and wine (far from the others and from the greys)
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#1f3a68",
    "#8b1e3f",
)
#: groups ranked below the palette's size
OTHER_GROUPS = "#7b8087"
#: accounts in no group
UNGROUPED = "#cdd1d6"
WIDTH = 1000.0


def group_colour(rank: int | None) -> str:
    """Colour of the group ranked ``rank`` (1-based): its own for the top
    ``len(PALETTE)`` groups, dark grey for the others, light grey for no group.

    >>> group_colour(1), group_colour(len(PALETTE) + 1), group_colour(None)
    ('#4e79a7', '#7b8087', '#cdd1d6')
    """
    if rank is None:
        return UNGROUPED
    return PALETTE[rank - 1] if 1 <= rank <= len(PALETTE) else OTHER_GROUPS


def _component_layout(
    n: int, edges: list[tuple[int, int, float]], rng: random.Random
) -> list[list[float]]:
    if n == 1:
        return [[0.0, 0.0]]
    if n == 2:
        return [[-0.5, 0.0], [0.5, 0.0]]
    g = ig.Graph(n=n, edges=[(a, b) for a, b, _ in edges])
    weights = [1.0 + math.log1p(w) for _, _, w in edges]
    seed = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    if n <= 400:
        # Kamada & Kawai (1989): even spacing for the small components groups usually are
        layout = g.layout_kamada_kawai(seed=seed, maxiter=50 * n)
    else:
        niter = 500 if n < 2000 else 200
        layout = g.layout_fruchterman_reingold(weights=weights, seed=seed, niter=niter, grid="auto")
    return [list(map(float, p)) for p in layout.coords]


def layout_positions(
    n: int, edges: list[tuple[int, int, float]], seed: int = 0
) -> list[tuple[float, float]]:
    """Positions (x in 0..1000, y ≥ 0) for ``n`` nodes joined by ``(a, b, weight)`` edges.

    Deterministic for a given input and seed: components are laid out one by one
    from seeded starting points and packed biggest first.
    """
    if n == 0:
        return []
    g = ig.Graph(n=n, edges=[(a, b) for a, b, _ in edges])
    comps = [list(c) for c in g.connected_components()]
    comps.sort(key=lambda c: (-len(c), c[0]))
    edge_by_comp: dict[int, list[tuple[int, int, float]]] = {}
    comp_of = [0] * n
    local = [0] * n
    for ci, comp in enumerate(comps):
        for li, v in enumerate(comp):
            comp_of[v] = ci
            local[v] = li
    for a, b, w in edges:
        edge_by_comp.setdefault(comp_of[a], []).append((local[a], local[b], w))

    old_rng = random.Random()
    rng = random.Random(seed)
    ig.set_random_number_generator(rng)
    try:
        boxes = []
        for ci, comp in enumerate(comps):
            coords = _component_layout(len(comp), edge_by_comp.get(ci, []), rng)
            xs = [p[0] for p in coords]
            ys = [p[1] for p in coords]
            w = max(xs) - min(xs)
            h = max(ys) - min(ys)
            span = max(w, h, 1e-9)
            size = math.sqrt(len(comp)) if len(comp) > 1 else 0.0
            scale = size / span if size else 0.0
            pts = [((x - min(xs)) * scale, (y - min(ys)) * scale) for x, y in coords]
            boxes.append((pts, w * scale, h * scale))
    finally:
        ig.set_random_number_generator(random)
        del old_rng

    # shelf packing: rows of components, biggest first
    pad = 0.9
    total = sum((bw + pad) * (bh + pad) for _, bw, bh in boxes)
    row_width = max(max(bw for _, bw, _ in boxes) + pad, math.sqrt(total) * 1.6)
    placed: list[tuple[float, float]] = [(0.0, 0.0)] * n
    x = y = row_h = 0.0
    for (pts, bw, bh), comp in zip(boxes, comps, strict=True):
        if x > 0 and x + bw > row_width:
            x = 0.0
            y += row_h + pad
            row_h = 0.0
        for v, (px, py) in zip(comp, pts, strict=True):
            placed[v] = (x + px, y + py)
        x += bw + pad
        row_h = max(row_h, bh)
    max_x = max(p[0] for p in placed) or 1.0
    max_y = max(p[1] for p in placed)
    scale = (WIDTH - 40) / max(max_x, 1e-9, max_y * 1.6)
    return [(round(20 + px * scale, 1), round(20 + py * scale, 1)) for px, py in placed]


def network_picture(
    con: Any,
    ranked: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    limits: Any,
    notes: list[str],
) -> dict[str, Any]:
    """Choose nodes and edges from the ``lk`` (links) view, lay them out, style them.

    Only links that pass the detection thresholds are drawn when links.parquet
    says which (``passes_threshold``). Accounts in groups come first (by group
    rank), then other linked accounts by strength, up to ``limits.nodes``;
    in-group links first, then the heaviest others, up to ``limits.edges``.
    """
    rank_of = {g["group_id"]: g["rank"] for g in ranked}
    section_of = {g["group_id"]: g["has_section"] for g in ranked}
    verdict_of = {g["group_id"]: g.get("verdict") or "" for g in ranked}
    cols = {r[0] for r in con.execute("DESCRIBE lk").fetchall()}
    all_links = con.execute("SELECT count(*) FROM lk").fetchone()[0]
    if "passes_threshold" in cols:
        # draw the graph the groups were found in: links that pass the thresholds
        con.execute(
            "CREATE TEMP VIEW pic AS SELECT * FROM lk "
            "WHERE passes_threshold OR group_id IS NOT NULL"
        )
        shown = con.execute("SELECT count(*) FROM pic").fetchone()[0]
        if shown < all_links:
            notes.append(
                f"The network picture draws the {shown:,} links that pass the detection "
                f"thresholds, of the {all_links:,} account links in links.parquet."
            )
    else:
        con.execute("CREATE TEMP VIEW pic AS SELECT * FROM lk")
    linked = {
        r[0]
        for r in con.execute(
            "SELECT DISTINCT CAST(account_a AS VARCHAR) FROM pic UNION "
            "SELECT DISTINCT CAST(account_b AS VARCHAR) FROM pic"
        ).fetchall()
    }
    info = {str(a["account_id"]): a for a in accounts}
    for aid in linked - info.keys():
        info[aid] = {"account_id": aid, "group_id": None, "strength": 0}
    candidates = sorted(
        (aid for aid in info if aid in linked or info[aid].get("group_id") is not None),
        key=lambda aid: (
            rank_of.get(info[aid].get("group_id"), math.inf),
            -(info[aid].get("strength") or 0),
            aid,
        ),
    )
    nodes = candidates[: limits.nodes]
    if len(candidates) > len(nodes):
        notes.append(
            f"The network picture shows {len(nodes)} of {len(candidates)} linked accounts "
            "(accounts in the highest-ranked groups first)."
        )
    index = {aid: i for i, aid in enumerate(nodes)}
    con.register("nodes_arrow", pa.table({"account": pa.array(nodes, pa.string())}))
    con.execute("CREATE TEMP TABLE picnodes AS SELECT account FROM nodes_arrow")
    con.unregister("nodes_arrow")
    where = (
        "CAST(account_a AS VARCHAR) IN (SELECT account FROM picnodes) "
        "AND CAST(account_b AS VARCHAR) IN (SELECT account FROM picnodes)"
    )
    total_edges = con.execute(f"SELECT count(*) FROM pic WHERE {where}").fetchone()[0]
    rows = con.execute(
        f"""
        SELECT CAST(account_a AS VARCHAR), CAST(account_b AS VARCHAR), weight, group_id FROM pic
        WHERE {where}
        ORDER BY group_id IS NULL, weight DESC, 1, 2 LIMIT {int(limits.edges)}
        """
    ).fetchall()
    if total_edges > len(rows):
        notes.append(
            f"The network picture draws {len(rows)} of {total_edges} links "
            "(links inside groups first, then the heaviest)."
        )
    edges = [(index[a], index[b], float(w or 1)) for a, b, w, _ in rows]
    pos = layout_positions(len(nodes), edges, seed=0)
    height = round(max((p[1] for p in pos), default=0.0) + 20, 1)
    n = max(len(nodes), 1)
    r = round(min(6.0, max(1.6, 220 / math.sqrt(n) / 2.2)), 1)

    groups: dict[Any, dict[str, Any]] = {}
    for aid in nodes:
        gid = info[aid].get("group_id")
        key = gid if gid in rank_of else None
        if key not in groups:
            rank = rank_of.get(key)
            groups[key] = {
                "gid": key,
                "rank": rank,
                "colour": group_colour(rank),
                "verdict": verdict_of.get(key, ""),
                "href": (
                    f"#group-{key}"
                    if key is not None and section_of.get(key)
                    else (f"#row-{key}" if key is not None else "")
                ),
                "nodes": [],
            }
        x, y = pos[index[aid]]
        groups[key]["nodes"].append((x, y, aid))
    ordered_groups = sorted(
        groups.values(), key=lambda g: (g["rank"] is not None, -(g["rank"] or 0))
    )
    # ungrouped first (drawn underneath), then groups from lowest to highest rank on top

    # edges: one path per (colour, width class)
    maxw = max((w for _, _, w in edges), default=1.0)
    paths: dict[tuple[str, int], list[str]] = {}
    for (a, b, w), (_, _, _, gid) in zip(edges, rows, strict=True):
        rank = rank_of.get(gid)
        colour = group_colour(rank) if rank is not None else UNGROUPED
        cls = 0 if maxw <= 1 else min(2, int(3 * math.log1p(w) / math.log1p(maxw) - 1e-9))
        xa, ya = pos[a]
        xb, yb = pos[b]
        paths.setdefault((colour, cls), []).append(f"M{xa:g} {ya:g}L{xb:g} {yb:g}")
    edge_paths = [
        {
            "colour": colour,
            "width": (0.4, 0.9, 1.6)[cls],
            "opacity": 0.35 if colour == UNGROUPED else 0.5,
            "d": "".join(segs),
        }
        for (colour, cls), segs in sorted(
            paths.items(), key=lambda kv: (kv[0][0] != UNGROUPED, kv[0][0], kv[0][1])
        )
    ]
    # labels for the top groups, where they fit without overlapping each other
    labels: list[dict[str, Any]] = []
    boxes: list[tuple[float, float, float, float]] = []
    for g in sorted(groups.values(), key=lambda g: g["rank"] or math.inf):
        if g["rank"] is None or len(labels) >= 150 or len(g["nodes"]) < 3:
            continue
        text = f"G{g['gid']}"
        xs = [p[0] for p in g["nodes"]]
        ys = [p[1] for p in g["nodes"]]
        x = sum(xs) / len(xs)
        y = max(12.0, min(ys) - r - 3)
        half = len(text) * 3.4 + 2
        if max(xs) - min(xs) < 2 * half:  # too small to carry a label: legend and hover name it
            continue
        box = (x - half, y - 11, x + half, y + 2)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes):
            continue
        boxes.append(box)
        labels.append({"x": round(x, 1), "y": round(y, 1), "text": text, "href": g["href"]})
    shown = sorted((g for g in groups.values() if g["rank"] is not None), key=lambda g: g["rank"])
    legend = [
        {
            "gid": g["gid"],
            "rank": g["rank"],
            "colour": g["colour"],
            "verdict": g["verdict"],
            "href": g["href"],
            "n": len(g["nodes"]),
        }
        for g in shown
        if g["colour"] != OTHER_GROUPS
    ]
    others = [g for g in shown if g["colour"] == OTHER_GROUPS]
    return {
        "width": WIDTH,
        "height": max(height, 60.0),
        "r": r,
        "groups": ordered_groups,
        "edge_paths": edge_paths,
        "labels": labels,
        "legend": legend,
        "palette_size": len(PALETTE),
        "other_groups": len(others),
        "other_colour": OTHER_GROUPS,
        "ungrouped_colour": UNGROUPED,
        "has_ungrouped": None in groups,
        "n_nodes": len(nodes),
        "n_edges": len(rows),
        "total_nodes": len(candidates),
        "total_edges": int(total_edges),
    }
