"""The null model's populations found in the engine equal those found on the driver."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.pipeline import detect
from inconcert.scoring.nullmodel import populations, rest_is_pool
from inconcert.scoring.populations import component_labels, engine_populations


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_engine_populations_equal_scipys(seed: int):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 400))
    # a long chain (many propagation rounds), a few big blobs and many small components
    acc = np.concatenate([np.arange(n), np.arange(1, n + 1), rng.integers(1000, 1300, 900), rng.integers(2000, 2600, 300)])
    obj = np.concatenate([np.arange(n), np.arange(n), rng.integers(5000, 5400, 900), rng.integers(9000, 9400, 300)])
    e = DuckDBEngine()
    e.register_arrow("inc", pa.table({"account_id": acc.astype(np.int64), "object": obj.astype(np.int64)}))
    for min_acc, share in ((100, 0.05), (2, 0.0), (10_000, 0.05)):  # the defaults; every component; none big
        last, pooled = engine_populations(e, "inc", "pop", min_acc, share)
        keys, pop = _populations(acc, obj, min_acc, share)
        got = e.to_arrow("SELECT account_id, pop FROM pop ORDER BY account_id")
        assert got.column("account_id").to_pylist() == keys.tolist()
        assert got.column("pop").to_pylist() == pop.tolist()
        assert last == int(pop.max())
        if (min_acc, share) == (100, 0.05):  # rest_is_pool reads the module's thresholds
            assert pooled == rest_is_pool(pop, acc, keys)


def _populations(acc: np.ndarray, obj: np.ndarray, min_acc: int, share: float) -> tuple[np.ndarray, np.ndarray]:
    import inconcert.scoring.nullmodel as nm

    old = nm.MIN_POPULATION_ACCOUNTS, nm.MIN_POPULATION_SHARE
    nm.MIN_POPULATION_ACCOUNTS, nm.MIN_POPULATION_SHARE = min_acc, share
    try:
        return populations(acc, obj)
    finally:
        nm.MIN_POPULATION_ACCOUNTS, nm.MIN_POPULATION_SHARE = old


def test_a_chain_settles_in_logarithmic_rounds():
    n = 1024
    e = DuckDBEngine()
    e.register_arrow("inc", pa.table({"account_id": np.concatenate([np.arange(n), np.arange(1, n + 1)]),
                                      "object": np.concatenate([np.arange(n), np.arange(n)])}))
    rounds = component_labels(e, "inc", "lab")
    assert e.to_arrow("SELECT DISTINCT label FROM lab").column("label").to_pylist() == [0]
    assert rounds <= 15  # plain propagation would need ~n/2


def test_detect_with_populations_in_the_engine_gives_the_same_files(sim_dir: Path, tmp_path: Path):
    a = detect([sim_dir / "posts.csv"], tmp_path / "a")
    e = DuckDBEngine()
    e.collect_limit = 0  # as a Spark run above the limit
    b = detect([sim_dir / "posts.csv"], tmp_path / "b", engine=e)
    assert a.summary["counts"] == b.summary["counts"] and a.summary["null"] == b.summary["null"]
    for f in ("links.parquet", "groups.csv", "accounts.csv", "evidence.parquet"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
