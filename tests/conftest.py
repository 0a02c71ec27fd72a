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
