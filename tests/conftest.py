"""Shared fixtures: paths to the real data in ../shared/data and a small simulation."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


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
