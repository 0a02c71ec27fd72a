"""How inconcert prints numbers people read: p-values in the terminal, reasons and report.

A p-value that underflowed to ``0`` (the null model's tails go below the
smallest double, ~1e-308) is never printed as ``0`` or ``0.0e+00``: it reads
``< 1e-300``. Other p-values get two significant digits, with an exponent
below 0.001.

>>> format_p(0.0), format_p(1.27e-49), format_p(0.0312), format_p(1.0)
('< 1e-300', '1.3e-49', '0.031', '1')
"""

from __future__ import annotations

import math

__all__ = ["P_FLOOR", "format_p"]

#: p-values below this print as ``< 1e-300`` (0 means "underflowed", never "impossible")
P_FLOOR = 1e-300


def format_p(p: float | int | str | None) -> str:
    """A p-value as text: ``'< 1e-300'`` at or below the floor, else 2 significant digits.

    ``None``, NaN and text that is not a number give ``''``.

    >>> format_p(None), format_p(float("nan")), format_p(5e-324), format_p(0.00049)
    ('', '', '< 1e-300', '4.9e-04')
    """
    if p is None or isinstance(p, bool):
        return ""
    try:
        x = float(p)
    except (TypeError, ValueError):
        return ""
    if math.isnan(x):
        return ""
    if x < P_FLOOR:
        return "< 1e-300"
    if x < 1e-3:
        return f"{x:.1e}"
    return f"{x:.2g}"
