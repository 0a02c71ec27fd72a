"""The report's section for site runs: each network, its sites, the articles they carried
(with the timeline of copies) and the ids they share.

Read from a site run's outputs (``articles.csv``, ``article_copies.csv``,
``trackers.csv``, ``accounts.csv``, ``groups.csv``); nothing when they are
absent (an account run).

>>> collect_site_data("/nonexistent") is None
True
>>> str(render_site_section(None))
''
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import Any

from markupsafe import Markup

from inconcert.outputs.csvfile import read_csv_rows

__all__ = ["collect_site_data", "render_site_section"]

MAX_ARTICLES = 30  # per network
MAX_NETWORKS = 100


def _rows(path: Path) -> list[dict[str, str]]:
    return list(read_csv_rows(path))  # escapes undone, BOM skipped


def collect_site_data(outdir: str | Path) -> dict[str, Any] | None:
    """Networks with their sites, articles and shared ids; ``None`` for account runs."""
    out = Path(outdir)
    if not (out / "articles.csv").exists():
        return None
    groups = {g["group_id"]: g for g in _rows(out / "groups.csv")}
    accounts = _rows(out / "accounts.csv")
    site_group = {a["account_id"]: a.get("group_id", "") for a in accounts}
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    for a in accounts:
        if a.get("group_id"):
            members[a["group_id"]].append(a)
    copies: dict[str, list[dict[str, str]]] = defaultdict(list)
    if (out / "article_copies.csv").exists():
        for c in _rows(out / "article_copies.csv"):
            copies[c["article"]].append(c)
    arts_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in _rows(out / "articles.csv"):
        gs = {site_group.get(c["site"], "") for c in copies.get(a["article"], [])} - {""}
        for g in gs:
            arts_of[g].append({**a, "copies_list": copies.get(a["article"], [])})
    trackers = _rows(out / "trackers.csv") if (out / "trackers.csv").exists() else []
    ids_of: dict[str, list[dict[str, str]]] = defaultdict(list)
    for t in trackers:
        for g in {site_group.get(s, "") for s in t.get("site_list", "").split(";")} - {""}:
            ids_of[g].append(t)
    nets = []
    for gid, g in sorted(groups.items(), key=lambda kv: (kv[1].get("verdict") != "operation", -int(kv[1]["size"]))):
        nets.append({"group": g, "sites": sorted(members[gid], key=lambda a: a["account_id"]),
                     "articles": arts_of[gid][:MAX_ARTICLES], "n_articles": len(arts_of[gid]),
                     "ids": ids_of[gid]})
    wide = [t for t in trackers if t.get("evidence") == "false"]
    return {"networks": nets[:MAX_NETWORKS], "wide_ids": wide}


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def render_site_section(data: dict[str, Any] | None) -> Markup:
    """The HTML of the site section (empty markup when ``data`` is None)."""
    if not data:
        return Markup("")
    h = ['<section id="sites"><h2>Site networks</h2>',
         "<p>Each group of sites with the articles they carried (origin first, then each copy's lag and "
         "whether it credits the origin) and the embedded ids they share. A shared id shows a shared "
         "operator of the page code, not who writes the articles.</p>"]
    for n in data["networks"]:
        g = n["group"]
        h.append(f'<section class="site-network" id="site-group-{_e(g["group_id"])}"><h3>Group {_e(g["group_id"])}'
                 f' · {_e(g.get("verdict", ""))} · {_e(g["size"])} sites</h3>'
                 f'<p class="reasons">{_e(g.get("reasons", ""))}</p>')
        h.append("<table><thead><tr><th>site</th><th>pages</th><th>copies</th><th>credited</th>"
                 "<th>first published</th><th>last published</th></tr></thead><tbody>")
        for s in n["sites"]:
            h.append(f'<tr><td>{_e(s["account_id"])}</td><td>{_e(s.get("pages"))}</td><td>{_e(s.get("copies"))}</td>'
                     f'<td>{_e(s.get("credited_copies"))}</td><td>{_e(s.get("first_published"))}</td>'
                     f'<td>{_e(s.get("last_published"))}</td></tr>')
        h.append("</tbody></table>")
        if n["ids"]:
            h.append("<h4>Shared ids</h4><ul>" + "".join(
                f'<li><code>{_e(t["id"])}</code> ({_e(t["kind"])}, in {_e(t.get("found_in"))}) on {_e(t["sites"])} sites'
                f' — {_e(t["reason"])}</li>' for t in n["ids"]) + "</ul>")
        h.append(f"<h4>Articles ({_e(n['n_articles'])})</h4>")
        for a in n["articles"]:
            h.append(f'<details><summary>{_e(a["origin_site"])} → {_e(a["copy_sites"])} sites, first copy after '
                     f'{_e(a["first_lag_h"])} h, {_e(a["credited_copies"])} of {_e(a["copies"])} credit it</summary>'
                     f'<p>origin: <a href="{_e(a["origin_url"])}">{_e(a["origin_url"])}</a> '
                     f'({_e(a["origin_published"])})</p><ol>')
            for c in a["copies_list"]:
                h.append(f'<li>{_e(c["site"])} +{_e(c["lag_h"])} h {"(credits)" if c["credited"] == "true" else ""}'
                         f' · Jaccard {_e(c["jaccard"])}, containment {_e(c["containment"])} · '
                         f'<a href="{_e(c["url"])}">{_e(c["url"])}</a><br><q>{_e(c["snippet"][:160])}</q></li>')
            h.append("</ol></details>")
        h.append("</section>")
    if data["wide_ids"]:
        h.append("<h3>Ids that are not evidence</h3><ul>" + "".join(
            f'<li><code>{_e(t["id"])}</code> ({_e(t["kind"])}): {_e(t["reason"])}; spread {_e(t["spread"])}, '
            f'coherence {_e(t["coherence"])}</li>' for t in data["wide_ids"]) + "</ul>")
    h.append("</section>")
    return Markup("".join(h))
