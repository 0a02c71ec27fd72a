"""Engines that execute inconcert's SQL: ``duckdb`` (default) and ``spark``.

>>> get_engine("duckdb").name
'duckdb'
"""

from __future__ import annotations

from typing import Any, Literal

from inconcert.engines.base import Engine
from inconcert.errors import ConfigError

__all__ = ["Engine", "get_engine", "EngineName"]

EngineName = Literal["duckdb", "spark"]


def get_engine(name: str = "duckdb", **options: Any) -> Engine:
    """Create the engine called ``name``; optional engines are imported lazily."""
    if name == "duckdb":
        from inconcert.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(**options)
    if name == "spark":
        try:
            from inconcert.engines.spark_engine import SparkEngine
        except ImportError as e:
            raise ConfigError(
                f"the Spark engine needs pyspark: pip install 'inconcert[spark]' ({e})"
            ) from e
        return SparkEngine(**options)
    raise ConfigError(f"unknown engine '{name}'; choose duckdb or spark")
