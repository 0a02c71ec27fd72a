"""How much of an output directory the report shows: :class:`ReportLimits`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReportLimits"]


@dataclass(frozen=True)
class ReportLimits:
    """Caps that keep the report small (≈10 MB for 1,000 groups) and fast to open.

    >>> ReportLimits(sections=10).sections
    10
    """

    sections: int = 200  # groups that get a full section (the rest: one table row)
    members: int = 60  # member-table rows per group
    objects: int = 8  # top objects (receipts) per group
    receipts: int = 40  # member timestamps per object
    timeline_rows: int = 15  # members drawn as rows in a group timeline
    timeline_points: int = 150  # actions drawn per timeline row
    timeline_bins: int = 48  # histogram bars per group timeline
    texts: int = 5  # example texts per group
    text_chars: int = 600  # characters shown per text / object
    nodes: int = 5000  # accounts drawn in the network picture
    edges: int = 20000  # links drawn in the network picture
    index_accounts: int = 5000  # accounts in the search index
    neighbours: int = 6  # links listed per account in the lookup
    account_objects: int = 3  # co-action objects listed per account in the lookup
    table_groups: int = 5000  # rows of the ranked group table
    persona_links: int = 10  # same-hand candidates (a personas run) listed per group
    persona_passages: int = 2  # passages side by side per same-hand candidate
