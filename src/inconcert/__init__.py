"""inconcert — find who acts in concert.

Read platform exports into one canonical actions table, detect accounts that
act on the same objects within a time window, score and group them, and
write the evidence.

>>> import inconcert
>>> isinstance(inconcert.__version__, str)
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("inconcert")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from inconcert.config import DetectConfig  # noqa: E402
from inconcert.errors import InconcertError  # noqa: E402

__all__ = ["DetectConfig", "InconcertError", "__version__", "detect", "simulate"]


def __getattr__(name: str):  # lazy: keep `import inconcert` light
    if name == "detect":
        from inconcert.pipeline import detect

        return detect
    if name == "simulate":
        from inconcert.simulate import simulate

        return simulate
    raise AttributeError(name)
