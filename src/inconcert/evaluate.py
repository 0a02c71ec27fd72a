"""Score a detection run against known labels (from the simulator or a study).

Two levels, one module (the CLI's ``inconcert evaluate``, ``inconcert demo``
and ``benchmarks/bench_scenarios.py`` all use it):

- :func:`evaluate` — account level: precision, recall and F1 of "in a group"
  vs "labelled operation", the false-positive rate on organic accounts, and the
  adjusted Rand index between found groups and labelled operations (over
  labelled-operation accounts and accounts in groups);
- :func:`evaluate_verdicts` — verdict level against ``operation``,
  ``automation`` and ``organic`` labels: an account is *called an operation*
  when it belongs to a group whose verdict is ``operation``, and *flagged* when
  its group's verdict is not ``weak``.

>>> adjusted_rand([1, 1, 2, 2], [5, 5, 7, 7])
1.0
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "accounts.csv").write_text("account_id,group_id\\na,1\\nb,1\\nc,2\\nd,2\\ne,\\n")
>>> _ = (d / "groups.csv").write_text("group_id,verdict\\n1,operation\\n2,automation\\n")
>>> _ = (d / "labels.csv").write_text(
...     "account_id,label\\na,operation\\nb,operation\\nc,automation\\nd,organic\\ne,organic\\n")
>>> m = evaluate_verdicts(d, d / "labels.csv")
>>> m["operation_f1"], m["organic_false_positive_rate"], m["automation_called_operation"]
(1.0, 0.5, 0)
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.errors import InputError
from inconcert.outputs.csvfile import read_csv_rows

__all__ = [
    "evaluate",
    "evaluate_verdicts",
    "network_recall",
    "role_agreement",
    "evidence_support",
    "networks",
    "nmi",
    "adjusted_rand",
    "precision_recall_f1",
    "read_rows",
]


def _comb2(n: int) -> float:
    return n * (n - 1) / 2.0


def adjusted_rand(a: list[Any], b: list[Any]) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985)."""
    n = len(a)
    if n < 2:
        return 1.0
    cont = Counter(zip(a, b, strict=True))
    sum_ij = sum(_comb2(v) for v in cont.values())
    sum_a = sum(_comb2(v) for v in Counter(a).values())
    sum_b = sum(_comb2(v) for v in Counter(b).values())
    expected = sum_a * sum_b / _comb2(n)
    maximum = (sum_a + sum_b) / 2.0
    if maximum == expected:
        return 1.0
    return round((sum_ij - expected) / (maximum - expected), 6)


def read_rows(path: Path, hint: str = "") -> list[dict[str, str]]:
    """The rows of a CSV file as dicts; a missing file is an :class:`InputError`
    (``hint`` is appended to its message)."""
    if not path.exists():
        raise InputError(f"{path}: no such file{hint}")
    return list(read_csv_rows(path))  # our CSVs' spreadsheet escapes undone (labels files have none)


def precision_recall_f1(found: set[Any], positives: set[Any]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the ``found`` items against the ``positives``.

    >>> precision_recall_f1({"a", "b", "x"}, {"a", "b", "c", "d"})
    (0.6666666666666666, 0.5, 0.5714285714285715)
    """
    tp = len(found & positives)
    fp = len(found - positives)
    fn = len(positives - found)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(outdir: str | Path, labels: str | Path, positive: str = "operation") -> dict[str, Any]:
    """Compare ``OUTDIR/accounts.csv`` with a labels file (``account_id, label[, group]``)."""
    out = Path(outdir)
    acc_rows = read_rows(out / "accounts.csv")
    lab_rows = read_rows(Path(labels))
    if lab_rows and not {"account_id", "label"} <= set(lab_rows[0]):
        raise InputError(f"{labels}: needs columns account_id and label")
    group = {
        r["account_id"]: r["group_id"] for r in acc_rows if r.get("group_id") not in (None, "")
    }
    label = {r["account_id"]: r["label"] for r in lab_rows}
    truth_group = {r["account_id"]: r.get("group", "") for r in lab_rows}
    pos = {a for a, lab in label.items() if lab == positive}
    neg = {a for a, lab in label.items() if lab == "organic"}
    flagged = set(group)
    tp, fp, fn = len(flagged & pos), len(flagged - pos), len(pos - flagged)
    precision, recall, f1 = precision_recall_f1(flagged, pos)
    fpr = len(flagged & neg) / len(neg) if neg else 0.0
    items = sorted(pos | flagged)
    ari = adjusted_rand(
        [truth_group.get(a) or f"none:{a}" for a in items],
        [group.get(a) or f"none:{a}" for a in items],
    )
    result: dict[str, Any] = {
        "accounts_labelled": len(label),
        "operation_accounts": len(pos),
        "flagged_accounts": len(flagged),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "organic_false_positive_rate": round(fpr, 6),
        "adjusted_rand_index": ari,
    }
    return result


def _rows(path: Path) -> list[dict[str, str]]:
    return read_rows(path, "; run `inconcert detect` first")


def evaluate_verdicts(outdir: str | Path, labels: str | Path | pa.Table) -> dict[str, Any]:
    """Operation precision/recall/F1, organic false-positive rate and automation
    accounts called ``operation``, from ``OUTDIR/{accounts,groups}.csv`` and labels
    (a CSV path or table with ``account_id, label``)."""
    out = Path(outdir)
    acc = _rows(out / "accounts.csv")
    grp = _rows(out / "groups.csv")
    if isinstance(labels, pa.Table):
        lab_rows = labels.select(["account_id", "label"]).to_pylist()
    else:
        lab_rows = _rows(Path(labels))
        if lab_rows and not {"account_id", "label"} <= set(lab_rows[0]):
            raise InputError(f"{labels}: needs columns account_id and label")
    verdict_of = {r["group_id"]: (r.get("verdict") or "operation") for r in grp}
    verdict = {
        r["account_id"]: verdict_of.get(r["group_id"], "operation")
        for r in acc
        if r.get("group_id") not in (None, "")
    }
    label = {str(r["account_id"]): str(r["label"]) for r in lab_rows}
    ops = {a for a, x in label.items() if x == "operation"}
    organic = {a for a, x in label.items() if x == "organic"}
    auto = {a for a, x in label.items() if x == "automation"}
    called_op = {a for a, v in verdict.items() if v == "operation"}
    flagged = {a for a, v in verdict.items() if v != "weak"}
    prec, rec, f1 = precision_recall_f1(called_op, ops)
    return {
        "operation_precision": round(prec, 4),
        "operation_recall": round(rec, 4),
        "operation_f1": round(f1, 4),
        "operation_accounts": len(ops),
        "organic_accounts": len(organic),
        "organic_flagged": len(flagged & organic),
        "organic_false_positive_rate": round(len(flagged & organic) / len(organic), 6)
        if organic
        else 0.0,
        "automation_accounts": len(auto),
        "automation_called_operation": len(called_op & auto),
        "automation_called_automation": sum(1 for a in auto if verdict.get(a) == "automation"),
        "groups_by_verdict": dict(sorted(Counter(verdict_of.values()).items())),
    }


def _verdicts(out: Path) -> dict[str, str]:
    """Account → verdict of its group (accounts in no group left out)."""
    acc = _rows(out / "accounts.csv")
    grp = _rows(out / "groups.csv")
    verdict_of = {r["group_id"]: (r.get("verdict") or "operation") for r in grp}
    return {
        r["account_id"]: verdict_of.get(r["group_id"], "operation")
        for r in acc
        if r.get("group_id") not in (None, "")
    }


def network_recall(outdir: str | Path, labels: str | Path | pa.Table) -> list[dict[str, Any]]:
    """For each labelled network (``group`` ≠ 0 in the labels): its role, tactic,
    size, how many members are in any group and how many are called ``operation``.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "accounts.csv").write_text("account_id,group_id\\na,1\\nb,\\n")
    >>> _ = (d / "groups.csv").write_text("group_id,verdict\\n1,operation\\n")
    >>> lab = pa.table({"account_id": ["a", "b"], "label": ["operation"] * 2, "group": [7, 7]})
    >>> network_recall(d, lab)
    [{'network': '7', 'label': 'operation', 'tactic': '', 'size': 2, 'grouped': 1, 'called_operation': 1}]
    """
    out = Path(outdir)
    verdict = _verdicts(out)
    if isinstance(labels, pa.Table):
        rows = labels.to_pylist()
    else:
        rows = _rows(Path(labels))
    nets: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = str(r.get("group", "") or "")
        if g in ("", "0"):
            continue
        n = nets.setdefault(
            g,
            {
                "network": g,
                "label": str(r["label"]),
                "tactic": str(r.get("tactic") or ""),
                "size": 0,
                "grouped": 0,
                "called_operation": 0,
            },
        )
        n["size"] += 1
        v = verdict.get(str(r["account_id"]))
        n["grouped"] += v is not None
        n["called_operation"] += v == "operation"
    return [nets[k] for k in sorted(nets, key=lambda x: (len(x), x))]


def nmi(a: list[Any], b: list[Any]) -> float:
    """Normalised mutual information of two labelings (arithmetic-mean
    normalisation, as scikit-learn's default; Vinh, Epps & Bailey 2010).

    >>> nmi([1, 1, 2, 2], ["x", "x", "y", "y"]), nmi([1, 1, 1, 1], [1, 2, 3, 4])
    (1.0, 0.0)
    """

    n = len(a)
    if n == 0:
        return 1.0
    ca, cb, cab = Counter(a), Counter(b), Counter(zip(a, b, strict=True))
    ha = -sum(v / n * math.log(v / n) for v in ca.values())
    hb = -sum(v / n * math.log(v / n) for v in cb.values())
    if ha == 0.0 and hb == 0.0:
        return 1.0
    mi = sum(v / n * math.log(v * n / (ca[x] * cb[y])) for (x, y), v in cab.items())
    denom = (ha + hb) / 2.0
    return round(max(0.0, mi / denom), 6) if denom > 0 else 0.0


def _components(edges: list[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def networks(outdir: str | Path) -> dict[str, str]:
    """Account → network: the output's ``network_id`` when ``accounts.csv`` has one,
    else connected components of the links that pass the threshold (``links.parquet``)."""
    out = Path(outdir)
    acc = _rows(out / "accounts.csv")
    if acc and "network_id" in acc[0]:
        return {
            r["account_id"]: r["network_id"] for r in acc if r.get("network_id") not in (None, "")
        }

    links = pq.read_table(
        out / "links.parquet", columns=["account_a", "account_b", "passes_threshold"]
    )
    keep = links.filter(links.column("passes_threshold"))
    edges = list(
        zip(keep.column("account_a").to_pylist(), keep.column("account_b").to_pylist(), strict=True)
    )
    return _components([(str(a), str(b)) for a, b in edges])


def role_agreement(outdir: str | Path, roles: dict[str, str]) -> dict[str, Any]:
    """How groups and networks match known roles (e.g. IRA ``account_category``).

    ``grouped_share``: share of the labelled accounts in a group; ``purity``:
    each group's share of its most common role (``min_purity``, ``groups_pure_95``);
    ``nmi_groups``/``nmi_networks``: NMI between role and group / network over the
    labelled accounts placed in one (``*_all``: over all labelled accounts, those
    in none as singletons).
    """
    out = Path(outdir)
    group = {
        r["account_id"]: r["group_id"]
        for r in _rows(out / "accounts.csv")
        if r.get("group_id") not in (None, "")
    }
    net = networks(out)
    labelled = sorted(roles)
    in_group = [a for a in labelled if a in group]
    members: dict[str, list[str]] = {}
    for a in in_group:
        members.setdefault(group[a], []).append(roles[a])
    purity = {g: Counter(r).most_common(1)[0][1] / len(r) for g, r in members.items()}
    in_net = [a for a in labelled if a in net]

    def nmi_all(assign: dict[str, str]) -> float:
        return nmi([roles[a] for a in labelled], [assign.get(a, f"none:{a}") for a in labelled])

    return {
        "accounts": len(labelled),
        "grouped": len(in_group),
        "grouped_share": round(len(in_group) / len(labelled), 4) if labelled else 0.0,
        "groups": len(members),
        "min_purity": round(min(purity.values()), 4) if purity else 1.0,
        "groups_pure_95": sum(1 for p in purity.values() if p >= 0.95),
        "nmi_groups": nmi([roles[a] for a in in_group], [group[a] for a in in_group]),
        "nmi_groups_all": nmi_all(group),
        "networks": len(set(net[a] for a in in_net)),
        "in_networks": len(in_net),
        "nmi_networks": nmi([roles[a] for a in in_net], [net[a] for a in in_net]),
        "nmi_networks_all": nmi_all(net),
    }


def evidence_support(outdir: str | Path, derived: tuple[str, ...] = ("object",)) -> dict[str, Any]:
    """What each group's evidence rests on (``evidence.parquet``), to check that no
    group rests on one post pair or on one object.

    A group *rests on one post pair* when all its in-group evidence comes from one
    (unordered) pair of posts, and *on one object* when it has at most one distinct
    object outside the ``derived`` behaviours (by default the generic ``object``,
    which holds the domain column on CooRTweet exports: a URL's domain is not a
    second object). ``links_one_pair``: in-group significant links resting on one
    post pair.
    """

    out = Path(outdir)
    ev = pq.read_table(
        out / "evidence.parquet",
        columns=["behaviour", "object", "post_a", "post_b", "account_a", "account_b", "group_id"],
    )
    ev = ev.filter(pc.is_valid(ev.column("group_id")))
    pairs: dict[int, set[tuple[str, str]]] = {}
    objs: dict[int, set[tuple[str, str]]] = {}
    dobjs: dict[int, set[tuple[str, str]]] = {}
    link_pairs: dict[tuple[str, str], set[tuple[str, str]]] = {}
    cols = [
        ev.column(c).to_pylist()
        for c in ("behaviour", "object", "post_a", "post_b", "account_a", "account_b", "group_id")
    ]
    for beh, obj, pa_, pb, aa, ab, g in zip(*cols, strict=True):
        pp = (min(pa_, pb), max(pa_, pb))
        pairs.setdefault(g, set()).add(pp)
        (dobjs if beh in derived else objs).setdefault(g, set()).add((beh, obj))
        link_pairs.setdefault((min(aa, ab), max(aa, ab)), set()).add(pp)
    groups = sorted(pairs)
    one_pair = [g for g in groups if len(pairs[g]) == 1]
    one_obj = [g for g in groups if len(objs.get(g) or dobjs.get(g, set())) <= 1]
    sig = set()
    lp = out / "links.parquet"
    if lp.exists():
        lk = pq.read_table(lp)
        if "significant" in lk.column_names:
            lk = lk.filter(
                pc.and_(
                    pc.fill_null(lk.column("significant"), False),
                    pc.is_valid(lk.column("group_id")),
                )
            )
        for a, b in zip(
            lk.column("account_a").to_pylist(), lk.column("account_b").to_pylist(), strict=True
        ):
            sig.add((min(a, b), max(a, b)))
    return {
        "groups_with_evidence": len(groups),
        "groups_one_post_pair": len(one_pair),
        "groups_one_object": len(one_obj),
        "links_one_pair": sum(1 for k in sig if len(link_pairs.get(k, ())) == 1),
        "examples_one_object": one_obj[:5],
    }
