"""The evidence report: one offline HTML file from an ``inconcert detect`` output directory.

>>> from inconcert.report import ReportLimits, build_report
>>> ReportLimits().nodes
5000
"""

from __future__ import annotations

from inconcert.report.data import ReportLimits, collect_report_data
from inconcert.report.render import build_report, render_report

__all__ = ["ReportLimits", "build_report", "collect_report_data", "render_report"]
