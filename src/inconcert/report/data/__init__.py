"""Collect what the evidence report shows from an inconcert output directory.

One module per concern: :mod:`~inconcert.report.data.files` (the contract files,
CSV rows), :mod:`~inconcert.report.data.ranking` (group order),
:mod:`~inconcert.report.data.overview`, :mod:`~inconcert.report.data.sections`
(per group: :mod:`~inconcert.report.data.timeline`,
:mod:`~inconcert.report.data.receipts`, :mod:`~inconcert.report.data.texts`,
:mod:`~inconcert.report.data.members`), :mod:`~inconcert.report.data.accounts`
(the account lookup), and :mod:`~inconcert.report.data.collect`, which runs them.

>>> fmt_time(1_700_000_000_000_000)
'2023-11-14 22:13:20Z'
>>> fmt_duration(3725)
'1h 2m 5s'
"""

from __future__ import annotations

from inconcert.report.data.collect import collect_report_data
from inconcert.report.data.files import POSTS_FILE, REQUIRED_FILES, check_outdir
from inconcert.report.data.limits import ReportLimits
from inconcert.report.data.ranking import rank_groups
from inconcert.report.data.texts import TEXT_BEHAVIOURS
from inconcert.report.data.values import fmt_duration, fmt_time, fmt_ts_text

__all__ = [
    "ReportLimits",
    "REQUIRED_FILES",
    "POSTS_FILE",
    "TEXT_BEHAVIOURS",
    "check_outdir",
    "collect_report_data",
    "fmt_time",
    "fmt_duration",
    "fmt_ts_text",
    "rank_groups",
]
