"""The engine registry: engine name → how to build it, imported only when asked for.

The CLI's ``--engine`` choices, :func:`get_engine` and the test suite's
``engine`` fixture all read this one table, so adding an engine is its class,
its dialect, one :func:`register_engine` call here and one fixture entry
(see ``docs/engines.md``).

>>> "duckdb" in engine_names()
True
>>> get_engine("duckdb").dialect.name
'duckdb'
>>> get_engine("postgres")
Traceback (most recent call last):
...
inconcert.errors.ConfigError: unknown engine 'postgres'; choose one of duckdb, spark
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inconcert.engines.base import Engine
from inconcert.engines.spark_session import java_missing
from inconcert.errors import ConfigError

__all__ = [
    "EngineSpec",
    "register_engine",
    "engine_names",
    "available_engines",
    "unavailable_reason",
    "get_engine",
]


@dataclass(frozen=True)
class EngineSpec:
    """How to build one engine without importing it first.

    name: what users type (``--engine NAME``).
    target: ``"module:Class"`` of the :class:`Engine` subclass, imported on first use.
    requires: third-party modules the engine imports (checked before importing it).
    extra: the pip extra that installs them (``pip install 'inconcert[EXTRA]'``).
    check: optional probe of anything else the engine needs (e.g. Java);
        returns why the engine cannot run, or ``None``.
    """

    name: str
    target: str
    requires: tuple[str, ...] = ()
    extra: str | None = None
    check: Callable[[], str | None] | None = None

    def missing(self) -> list[str]:
        """The required modules that are not installed."""
        return [m for m in self.requires if importlib.util.find_spec(m) is None]

    def unavailable_reason(self) -> str | None:
        """Why this engine cannot run here (a fix-it message), or ``None``."""
        missing = self.missing()
        if missing:
            hint = f": pip install 'inconcert[{self.extra}]'" if self.extra else ""
            return f"the {self.name} engine needs {', '.join(missing)}{hint}"
        return self.check() if self.check else None

    def load(self) -> type[Engine]:
        """Import and return the engine class."""
        module, _, cls = self.target.partition(":")
        try:
            return getattr(importlib.import_module(module), cls)
        except ImportError as e:
            hint = f"pip install 'inconcert[{self.extra}]'" if self.extra else "reinstall inconcert"
            raise ConfigError(f"the {self.name} engine cannot be imported: {hint} ({e})") from e


_ENGINES: dict[str, EngineSpec] = {}


def register_engine(spec: EngineSpec) -> None:
    """Add (or replace) an engine in the registry."""
    _ENGINES[spec.name] = spec


def engine_names() -> list[str]:
    """Every registered engine, installed or not, in registration order."""
    return list(_ENGINES)


def available_engines() -> list[str]:
    """The registered engines that can run here (their dependencies are installed)."""
    return [n for n, s in _ENGINES.items() if s.unavailable_reason() is None]


def unavailable_reason(name: str) -> str | None:
    """Why engine ``name`` cannot run here, or ``None`` if it can."""
    return _spec(name).unavailable_reason()


def get_engine(name: str = "duckdb", **options: Any) -> Engine:
    """Create the engine called ``name`` with ``options`` (its constructor's keywords)."""
    spec = _spec(name)
    if spec.missing():
        raise ConfigError(str(spec.unavailable_reason()))
    return spec.load()(**options)


def _spec(name: str) -> EngineSpec:
    try:
        return _ENGINES[name]
    except KeyError:
        raise ConfigError(
            f"unknown engine {name!r}; choose one of {', '.join(_ENGINES)}"
        ) from None


register_engine(EngineSpec("duckdb", "inconcert.engines.duckdb_engine:DuckDBEngine", ("duckdb",)))
register_engine(
    EngineSpec(
        "spark",
        "inconcert.engines.spark_engine:SparkEngine",
        ("pyspark",),
        extra="spark",
        check=java_missing,
    )
)
