"""The detection pipeline: files in, coordinated groups and evidence out.

Stages, each timed and named in ``summary.json``: ``read`` → ``traces`` →
``pairs`` → ``links`` → ``scoring`` → ``groups`` → ``verdicts`` → ``outputs``
(:mod:`inconcert.pipeline.stages`, :mod:`inconcert.pipeline.outputs`; the
tables they pass on are listed in :mod:`inconcert.tables`). Every stage after
``read`` is SQL executed by the engine (DuckDB by default), except the
community detection on the (small) thresholded link graph.

>>> import tempfile, pathlib
>>> from inconcert.simulate import simulate_to_dir
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = simulate_to_dir(d / "sim", n_posts=3000, seed=1)
>>> r = detect([d / "sim" / "posts.csv"], d / "out", DetectConfig(window=60))
>>> r.counts.groups > 0, r.window_used
(True, 60.0)
"""

from __future__ import annotations

from inconcert.config import DetectConfig
from inconcert.pipeline.outputs import write_outputs
from inconcert.pipeline.run import Counts, Detection, DetectResult, detect, replay, run_detection

__all__ = ["detect", "replay", "run_detection", "write_outputs", "DetectResult", "Detection", "Counts", "DetectConfig"]
