"""Engines that execute inconcert's SQL: ``duckdb`` (default) and ``spark``.

Engines come from :mod:`inconcert.engines.registry`; optional ones are
imported only when asked for. ``docs/engines.md`` says how to add one.

>>> get_engine("duckdb").name
'duckdb'
>>> engine_names()
['duckdb', 'spark']
"""

from __future__ import annotations

from typing import Literal

from inconcert.engines.base import Engine
from inconcert.engines.registry import (
    EngineSpec,
    available_engines,
    engine_names,
    get_engine,
    register_engine,
    unavailable_reason,
)

__all__ = [
    "Engine",
    "EngineName",
    "EngineSpec",
    "available_engines",
    "engine_names",
    "get_engine",
    "register_engine",
    "unavailable_reason",
]

#: The engines that ship with inconcert (others may be registered at run time).
EngineName = Literal["duckdb", "spark"]
