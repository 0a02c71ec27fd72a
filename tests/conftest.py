"""Shared fixtures: paths to the real data in ../shared/data, a small simulation,
and ``engine``: one test engine per registered engine, so SQL-level tests run on each.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inconcert.engines import Engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

#: One entry per registered engine (``inconcert.engines.engine_names()``): the
#: options a test engine gets and the marks its tests carry. An engine whose
#: dependencies are missing is skipped with the registry's reason.
ENGINE_FIXTURES: dict[str, dict[str, Any]] = {
    "duckdb": {"options": {}, "marks": ()},
    "spark": {"options": {"master": "local[2]"}, "marks": (pytest.mark.spark,)},
}


def _engine_params() -> list[Any]:
    from inconcert.engines import unavailable_reason

    params = []
    for name, entry in ENGINE_FIXTURES.items():
        marks = list(entry["marks"])
        reason = unavailable_reason(name)
        if reason:
            marks.append(pytest.mark.skip(reason=reason))
        params.append(pytest.param(name, marks=marks, id=name))
    return params


@pytest.fixture(scope="session")
def engine_fixture_names() -> list[str]:
    """The engines the ``engine`` fixture runs tests on."""
    return list(ENGINE_FIXTURES)


@pytest.fixture(params=_engine_params())
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh engine of each registered kind (Spark tests are marked ``spark``)."""
    from inconcert.engines import get_engine

    e = get_engine(request.param, **ENGINE_FIXTURES[request.param]["options"])
    yield e
    e.close()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED.exists():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def sim_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from inconcert.simulate import simulate_to_dir

    d = tmp_path_factory.mktemp("sim")
    simulate_to_dir(d, n_posts=20_000, seed=3)
    return d


#: Counts of the reader fuzz suite (``tests/test_readers_fuzz.py``), printed in the terminal summary.
FUZZ_STATS: dict[str, int] = dict.fromkeys(
    ("cases", "mutated_records", "rejects", "inconcert_errors", "tracebacks"), 0
)


@pytest.fixture(scope="session")
def fuzz_stats() -> dict[str, int]:
    return FUZZ_STATS


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FUZZ_STATS["cases"]:
        terminalreporter.write_line(
            "reader fuzz: {cases} files, {mutated_records} mutated records, {rejects} rejects, "
            "{inconcert_errors} InconcertError, {tracebacks} tracebacks".format(**FUZZ_STATS)
        )
