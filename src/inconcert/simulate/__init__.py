"""Simulators with planted coordination, so tests and users know the answer.

Modules, one per kind of world (nothing imports back up the list):

- :mod:`~inconcert.simulate.base` — the base world: heavy-tailed organic
  accounts plus small operations acting within seconds (:func:`simulate`);
- :mod:`~inconcert.simulate.scenarios` — the classic harder cases added to it
  (``viral``, ``automation``, ``slow_burn``, ``camouflage``;
  :func:`simulate_extended`);
- :mod:`~inconcert.simulate.organic` and :mod:`~inconcert.simulate.hard_cases`
  — held-out worlds built from the failures of issue 12 (``big_campaign``,
  ``focused``, ``slow_copypaste``, ``slow_links``, ``feeds``,
  ``retweets_full``, ``duplicates``, ``minute_clock``, ``memes``, ``mixed``;
  :func:`build_world`);
- :mod:`~inconcert.simulate.copypasta` — near-duplicate text operations and
  organic memes for the ``near_text`` behaviour (:func:`simulate_copypasta`);
- :mod:`~inconcert.simulate.sites` (with its page templates in
  :mod:`~inconcert.simulate.site_templates`) — networks of web sites that
  republish articles, and their hard negatives, as saved HTML pages
  (:func:`~inconcert.simulate.sites.simulate_sites`; imported on its own);
- :mod:`~inconcert.simulate.run` — names to worlds, the minute clock, files
  (:func:`simulate_scenarios`, :func:`simulate_to_dir`).

>>> from inconcert.simulate import simulate_scenarios
>>> posts, labels = simulate_scenarios("feeds", n_posts=3000, seed=1)
>>> sorted(set(labels.column("label").to_pylist()))
['automation', 'operation', 'organic']
"""

from __future__ import annotations

from inconcert.simulate.base import START, TACTICS, simulate
from inconcert.simulate.copypasta import perturb, random_texts, simulate_copypasta, write_copypasta
from inconcert.simulate.hard_cases import WORLDS, build_world, truncate_to
from inconcert.simulate.run import ALL_NAMES, parse_scenarios, simulate_scenarios, simulate_to_dir
from inconcert.simulate.scenarios import (
    SCENARIOS,
    camouflaged_operation,
    news_feed_automation,
    simulate_extended,
    slow_burn_operation,
    viral_bursts,
)

__all__ = [
    "ALL_NAMES",
    "SCENARIOS",
    "START",
    "TACTICS",
    "WORLDS",
    "build_world",
    "camouflaged_operation",
    "news_feed_automation",
    "parse_scenarios",
    "perturb",
    "random_texts",
    "simulate",
    "simulate_copypasta",
    "simulate_extended",
    "simulate_scenarios",
    "simulate_to_dir",
    "slow_burn_operation",
    "truncate_to",
    "viral_bursts",
    "write_copypasta",
]
