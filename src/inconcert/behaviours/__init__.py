"""Behaviours: the ways accounts can act in concert.

Each behaviour turns the actions table into traces ``(account_id, object, t,
post_id, seq)``. :data:`BEHAVIOURS` lists them by name in a fixed order.

>>> list(BEHAVIOURS)[:3]
['url', 'repost', 'reply']
"""

from __future__ import annotations

from inconcert.behaviours.article import ArticleBehaviour
from inconcert.behaviours.base import Behaviour
from inconcert.behaviours.byline import BylineBehaviour
from inconcert.behaviours.hashtags import HashtagsBehaviour
from inconcert.behaviours.near_text import NearTextBehaviour
from inconcert.behaviours.semantic_text import SemanticTextBehaviour
from inconcert.behaviours.simple import (
    ImageBehaviour,
    ObjectBehaviour,
    ReplyBehaviour,
    RepostBehaviour,
)
from inconcert.behaviours.text import TextBehaviour
from inconcert.behaviours.tracker import TrackerBehaviour
from inconcert.behaviours.url import UrlBehaviour
from inconcert.errors import ConfigError

__all__ = ["BEHAVIOURS", "Behaviour", "get_behaviour", "register"]

BEHAVIOURS: dict[str, Behaviour] = {}


def register(behaviour: Behaviour) -> Behaviour:
    """Add a behaviour instance to :data:`BEHAVIOURS`."""
    BEHAVIOURS[behaviour.name] = behaviour
    return behaviour


for _b in (
    UrlBehaviour(),
    RepostBehaviour(),
    ReplyBehaviour(),
    TextBehaviour(),
    HashtagsBehaviour(),
    ImageBehaviour(),
    ObjectBehaviour(),
    NearTextBehaviour(),
    SemanticTextBehaviour(),
    ArticleBehaviour(),
    TrackerBehaviour(),
    BylineBehaviour(),
):
    register(_b)


def get_behaviour(name: str) -> Behaviour:
    """The behaviour called ``name``, or a :class:`ConfigError` listing the choices."""
    try:
        return BEHAVIOURS[name]
    except KeyError:
        raise ConfigError(
            f"unknown behaviour '{name}'; choose from {', '.join(BEHAVIOURS)}"
        ) from None
