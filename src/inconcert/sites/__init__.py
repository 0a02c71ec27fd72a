"""Site networks: web pages as actions, sites (registered domains) as actors.

Modules: :mod:`~inconcert.sites.domains` (site of a URL),
:mod:`~inconcert.sites.ids` (analytics/ad/verification ids),
:mod:`~inconcert.sites.extract` (one page → article),
:mod:`~inconcert.sites.rows` (pages → actions rows and side tables).
"""

__all__: list[str] = []
