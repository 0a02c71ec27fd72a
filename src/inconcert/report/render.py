"""Render the collected report data into one self-contained HTML file.

All text goes through Jinja2 autoescaping; data for the page's scripts is
embedded as JSON with ``<``, ``>``, ``&`` and U+2028/U+2029 escaped, so no input
string can close the ``<script>`` element it sits in.

>>> script_json({"t": "</script><b>"})
'{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from inconcert.format import format_p
from inconcert.report.data import ReportLimits, collect_report_data
from inconcert.report.sites import render_site_section

__all__ = ["build_report", "render_report", "script_json"]

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON safe to place inside ``<script type="application/json">`` (compact, key order kept)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for raw, esc in _SCRIPT_ESCAPES.items():
        text = text.replace(raw, esc)
    return text


def _static(name: str) -> str:
    text = resources.files("inconcert.report").joinpath("static", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():  # pragma: no cover - our own files
        raise ValueError(f"static/{name} must not contain a closing script/style tag")
    return text


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("inconcert.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = _num
    env.filters["pval"] = format_p
    env.filters["verdict_class"] = verdict_class
    return env


def verdict_class(verdict: Any) -> str:
    """CSS class for a verdict: ``v-`` plus its lower-case letters, digits and dashes.

    >>> verdict_class("Operation"), verdict_class('x" onload="y')
    ('v-operation', 'v-x-onload-y')
    """
    text = re.sub(r"[^a-z0-9]+", "-", str(verdict or "").lower()).strip("-")
    return f"v-{text}" if text else ""


def _num(value: Any, digits: int = 3) -> str:
    """Numbers for display: thousands separators for ints, ``digits`` significant for floats."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value != 0 and abs(value) < 1e-3:
            return f"{value:.{digits}g}"
        return f"{value:,.{digits}g}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def render_report(data: dict[str, Any], title: str = "inconcert evidence report") -> str:
    """HTML text of the report for data from :func:`collect_report_data`."""
    timelines = {str(sec["group"]["group_id"]): sec["timeline"] for sec in data["sections"]}
    page_data = {
        "accounts": data["accounts"],
        "timelines": timelines,
        "sections": [sec["group"]["group_id"] for sec in data["sections"]],
    }
    js = _static("report.js")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    from inconcert import __version__

    html = (
        _environment()
        .get_template("report.html.j2")
        .render(
            title=title,
            d=data,
            version=__version__,
            css=Markup(_static("report.css")),
            js=Markup(js),
            script_hash=Markup(f"'sha256-{digest}'"),
            page_data=Markup(script_json(page_data)),
            site_section=render_site_section(data.get("sites")),
        )
    )
    return html


def build_report(
    outdir: str | Path,
    output: str | Path | None = None,
    limits: ReportLimits | None = None,
    personas: str | Path | None = None,
) -> Path:
    """Write the offline HTML evidence report for an ``inconcert detect`` output directory.

    ``output`` defaults to ``OUTDIR/report.html``. The file has no external
    references (scripts, styles and the network picture are inlined) and is
    byte-identical for identical output directories. Returns the path written.
    ``personas``: an ``inconcert personas`` output folder whose same-hand candidates
    are shown in the sections of the groups they touch; by default
    ``OUTDIR/personas`` when it holds one.

    Example (``out/`` written by ``inconcert detect posts.csv -o out``)::

        >>> from inconcert.report import build_report
        >>> build_report("out", "report.html")  # doctest: +SKIP
        PosixPath('report.html')
    """
    outdir = Path(outdir)
    from inconcert.report.personas import build_personas_report, is_personas_dir

    if is_personas_dir(outdir):  # an `inconcert personas` folder: its own page
        return build_personas_report(outdir, output)
    data = collect_report_data(outdir, limits, personas)
    html = render_report(data)
    target = Path(output) if output is not None else outdir / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(html)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
