"""round_12g: the vectorised rounding of expectations is Python's ``float(f"{v:.12g}")`` bit for bit."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from inconcert.scoring.stats import round_12g


def _python(x: np.ndarray) -> np.ndarray:
    return np.array([float(f"{v:.12g}") for v in x.ravel()]).reshape(x.shape)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(((a.view(np.int64) == b.view(np.int64)) | (np.isnan(a) & np.isnan(b))).all())


def test_hard_values() -> None:
    rng = np.random.default_rng(0)
    m = rng.integers(10**11, 10**12, 5000)
    e = rng.integers(-25, 20, 5000)
    ties = np.array([float(f"{a}5e{b}") for a, b in zip(m, e, strict=True)])  # 13 digits ending in 5
    p10 = 10.0 ** np.arange(-25, 25)
    x = np.concatenate([
        10 ** rng.uniform(-14, 14, 20000), rng.random(20000), rng.integers(0, 10**14, 5000).astype(float),
        2.0 ** np.arange(-60, 60), ties, np.nextafter(ties, 0), np.nextafter(ties, np.inf),
        p10, np.nextafter(p10, 0), np.nextafter(p10, np.inf), -(10 ** rng.uniform(-14, 14, 2000)),
        m * 10.0 ** e, [0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1.7e308],
    ])
    assert _same(round_12g(x), _python(x))


def test_shape_kept() -> None:
    x = np.arange(12, dtype=float).reshape(3, 4) / 7
    assert round_12g(x).shape == (3, 4) and _same(round_12g(x), _python(x))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False), min_size=1, max_size=50))
def test_any_floats(xs: list[float]) -> None:
    x = np.array(xs, dtype=np.float64)
    assert _same(round_12g(x), _python(x))
