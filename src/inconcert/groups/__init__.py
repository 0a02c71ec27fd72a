"""Groups: who acts together (networks and the dense groups inside them) and what
each group is (``operation``, ``automation`` or ``weak``).

- :mod:`inconcert.groups.communities` — networks (connected components) and the dense
  groups inside them (Leiden, CPM);
- :mod:`inconcert.groups.verdicts` — each group's verdict with its measured reasons.
"""

from inconcert.groups.communities import find_components, find_groups, find_networks

__all__ = ["find_components", "find_groups", "find_networks"]
