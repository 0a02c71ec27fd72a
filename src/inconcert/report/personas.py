"""The personas section of the report: one offline HTML page from an
``inconcert personas`` output folder (``same_hand.csv``, ``hands.csv``,
``persona_evidence.json``, ``personas.json``).

>>> is_personas_dir("/nonexistent")
False
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

__all__ = ["is_personas_dir", "collect_personas_data", "build_personas_report", "PERSONAS_FILES"]

PERSONAS_FILES = ("same_hand.csv", "hands.csv", "personas.json")
_PAIRS_SHOWN = 200
_EVIDENCE_SHOWN = 50


def is_personas_dir(outdir: str | Path) -> bool:
    """True when ``outdir`` holds a personas run and no detect run (no ``groups.csv``)."""
    d = Path(outdir)
    return all((d / f).is_file() for f in PERSONAS_FILES) and not (d / "groups.csv").is_file()


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def collect_personas_data(outdir: str | Path) -> dict[str, Any]:
    """Plain data for the personas page (capped lists, fixed order)."""
    d = Path(outdir)
    missing = [f for f in PERSONAS_FILES if not (d / f).is_file()]
    if missing:
        raise InputError(f"{d}: missing {', '.join(missing)}; run `inconcert personas FILES -o {d}` first")
    try:
        summary = json.loads((d / "personas.json").read_text(encoding="utf-8"))
        evidence = json.loads((d / "persona_evidence.json").read_text(encoding="utf-8")) if (
            d / "persona_evidence.json").is_file() else []
    except ValueError as e:
        raise InputError(f"{d}: cannot read the personas JSON files ({e})") from e
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
