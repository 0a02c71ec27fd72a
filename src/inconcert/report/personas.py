"""Personas in the report: the page of an ``inconcert personas`` output folder
(``same_hand.csv``, ``hands.csv``, ``persona_evidence.json``, ``personas.json``),
and the persona links joined to a detect run's co-action groups (an account that
shares a hand with a group's member is shown in that group's section).

>>> is_personas_dir("/nonexistent")
False
>>> find_personas_dir("/nonexistent") is None
True
"""

from __future__ import annotations

import csv
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from inconcert.errors import InputError

__all__ = ["is_personas_dir", "collect_personas_data", "build_personas_report", "find_personas_dir",
           "collect_persona_links", "PERSONAS_FILES", "PERSONAS_SUBDIR"]

PERSONAS_FILES = ("same_hand.csv", "hands.csv", "personas.json")
_PAIRS_SHOWN = 200
_EVIDENCE_SHOWN = 50
#: where a detect output folder may hold a personas run of the same input
PERSONAS_SUBDIR = "personas"


def is_personas_dir(outdir: str | Path) -> bool:
    """True when ``outdir`` holds a personas run and no detect run (no ``groups.csv``)."""
    d = Path(outdir)
    return all((d / f).is_file() for f in PERSONAS_FILES) and not (d / "groups.csv").is_file()


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: cannot read it as UTF-8 CSV ({e}); re-run `inconcert personas`") from e


def _read_json(d: Path) -> tuple[dict[str, Any], list[Any]]:
    """``personas.json`` and ``persona_evidence.json`` (empty when absent) of a personas folder."""
    try:
        summary = json.loads((d / "personas.json").read_text(encoding="utf-8"))
        evidence = json.loads((d / "persona_evidence.json").read_text(encoding="utf-8")) if (
            d / "persona_evidence.json").is_file() else []
    except ValueError as e:
        raise InputError(f"{d}: cannot read the personas JSON files ({e})") from e
    if not isinstance(summary, dict) or not isinstance(evidence, list):
        raise InputError(f"{d}: personas.json / persona_evidence.json are not what `inconcert personas` writes")
    return summary, evidence


def find_personas_dir(outdir: str | Path, personas: str | Path | None = None) -> Path | None:
    """The personas run whose links a detect report shows: ``personas`` when given
    (an :class:`InputError` naming the missing files when it is not a personas run),
    else ``OUTDIR/personas`` when that holds one, else ``None``."""
    if personas is not None:
        d = Path(personas)
        missing = [f for f in PERSONAS_FILES if not (d / f).is_file()]
        if missing:
            raise InputError(f"{d}: not a personas output folder (missing {', '.join(missing)}); "
                             f"write it with `inconcert personas FILES -o {d}`")
        return d
    d = Path(outdir) / PERSONAS_SUBDIR
    return d if all((d / f).is_file() for f in PERSONAS_FILES) else None


def _float(value: Any, default: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return default
    return x if x == x else default


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def collect_persona_links(
    personas_dir: str | Path,
    groups: list[dict[str, Any]],
    accounts: list[dict[str, Any]],
    passages: int = 2,
    per_group: int = 10,
) -> dict[str, Any]:
    """Same-hand candidates of a personas run joined to a detect run's groups.

    ``groups``: the ranked groups (``group_id``, ``has_section``); ``accounts``:
    accounts.csv rows (``account_id``, ``group_id``). Every ``same_hand.csv`` pair
    with a side in a group is listed in that group (both groups when the sides are
    in two), oriented member → other account, best first (p-value at most the run's
    ``alpha`` first, then by score), at most ``per_group`` per group; the counts say how many there were and how many
    have a p-value below the personas run's ``alpha``.
    """
    d = Path(personas_dir)
    summary, evidence = _read_json(d)
    config = summary.get("config") if isinstance(summary.get("config"), dict) else {}
    alpha = _float(config.get("alpha"), 0.01)
    group_of = {str(a["account_id"]): a.get("group_id") for a in accounts}
    section = {g["group_id"]: bool(g.get("has_section")) for g in groups}
    said: dict[frozenset[str], list[dict[str, Any]]] = {}
    for e in evidence:
        if isinstance(e, dict) and e.get("kind") == "same_hand" and isinstance(e.get("passages"), list):
            said[frozenset((str(e.get("account_a")), str(e.get("account_b"))))] = e["passages"]
    pairs = _rows(d / "same_hand.csv")
    found: dict[Any, list[dict[str, Any]]] = {}
    touching = 0
    for r in pairs:
        a, b = r.get("account_a") or "", r.get("account_b") or ""
        ga, gb = group_of.get(a), group_of.get(b)
        sides = [(a, b, ga, gb)] if ga is not None else []
        if gb is not None and gb != ga:
            sides.append((b, a, gb, ga))
        touching += bool(sides)
        for member, other, g, og in sides:
            if g not in section:
                continue
            flip = member != a
            text = said.get(frozenset((a, b)), [])[:passages]
            found.setdefault(g, []).append({
                "member": member,
                "other": other,
                "other_group": og,
                "other_href": f"#group-{og}" if og is not None and section.get(og) else "",
                "same_group": og == g,
                "other_known": other in group_of,
                "score": _float(r.get("score"), 0.0),
                "p_value": _float(r.get("p_value"), 1.0),
                "lead": _float(r.get("p_value"), 1.0) <= alpha,
                "mutual": r.get("mutual") == "True",
                "member_texts": _int(r.get("n_texts_b" if flip else "n_texts_a")),
                "member_words": _int(r.get("n_words_b" if flip else "n_words_a")),
                "other_texts": _int(r.get("n_texts_a" if flip else "n_texts_b")),
                "other_words": _int(r.get("n_words_a" if flip else "n_words_b")),
                "top_ngrams": r.get("top_ngrams") or "",
                "top_habits": r.get("top_habits") or "",
                "rhythm": r.get("rhythm_similarity") or "",
                "rests_on": r.get("rests_on") or "",
                "passages": [
                    {"member": str(q.get("b" if flip else "a", "")), "other": str(q.get("a" if flip else "b", "")),
                     "similarity": q.get("similarity", "")}
                    for q in text if isinstance(q, dict)
                ],
            })
    by_group = {}
    for g, rows in found.items():
        rows.sort(key=lambda x: (not x["lead"], -x["score"], x["member"], x["other"]))
        by_group[g] = {"rows": rows[:per_group], "n": len(rows), "n_leads": sum(x["lead"] for x in rows),
                       "n_outside": len({x["other"] for x in rows if not x["same_group"]})}
    return {
        "dir": d.name or str(d),
        "alpha": alpha,
        "rests_on": str(summary.get("rests_on") or "writing style; a lead, not proof"),
        "accounts_scored": summary.get("accounts_scored"),
        "n_pairs": len(pairs),
        "n_touching": touching,
        "n_groups": len(by_group),
        "by_group": by_group,
    }


def collect_personas_data(outdir: str | Path) -> dict[str, Any]:
    """Plain data for the personas page (capped lists, fixed order)."""
    d = Path(outdir)
    missing = [f for f in PERSONAS_FILES if not (d / f).is_file()]
    if missing:
        raise InputError(f"{d}: missing {', '.join(missing)}; run `inconcert personas FILES -o {d}` first")
    summary, evidence = _read_json(d)
    pairs = _rows(d / "same_hand.csv")
    hands = _rows(d / "hands.csv")
    several = [h for h in hands if h.get("hands_estimate") not in ("", "1", None)]
    several.sort(key=lambda h: (float(h["p_value"] or 1), h["account_id"]))
    tested = [h for h in hands if h.get("dispersion")]
    notes = []
    if len(pairs) > _PAIRS_SHOWN:
        notes.append(f"showing the best {_PAIRS_SHOWN:,} of {len(pairs):,} pairs; all are in same_hand.csv")
    return {
        "summary": summary,
        "pairs": pairs[:_PAIRS_SHOWN],
        "n_pairs": len(pairs),
        "several": several,
        "n_tested": len(tested),
        "pair_evidence": [e for e in evidence if e.get("kind") == "same_hand"][:_EVIDENCE_SHOWN],
        "hands_evidence": [e for e in evidence if e.get("kind") == "hands"][:_EVIDENCE_SHOWN],
        "notes": notes,
    }


def _environment() -> jinja2.Environment:
    from inconcert.report.render import _num

    env = jinja2.Environment(loader=jinja2.PackageLoader("inconcert.report", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    return env


def build_personas_report(outdir: str | Path, output: str | Path | None = None) -> Path:
    """Write the personas page for ``outdir`` (default ``OUTDIR/report.html``); returns the path."""
    from inconcert import __version__

    data = collect_personas_data(outdir)
    css = resources.files("inconcert.report").joinpath("static", "report.css").read_text(encoding="utf-8")
    html = _environment().get_template("personas.html.j2").render(
        title="inconcert personas report", d=data, version=__version__, css=Markup(css))
    target = Path(output) if output is not None else Path(outdir) / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(html, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
