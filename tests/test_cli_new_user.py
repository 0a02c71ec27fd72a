"""What a blind new-user run-through found (2026-12-04): an ambiguous date order said,
the library's warnings printed once, the behaviours' defaults listed as they are."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from inconcert.cli import main


def _csv(path: Path, times: list[str]) -> Path:
    lines = ["id,author,created_at,url"]
    lines += [f"{i},a{i % 7},{t},https://x.example/{i % 5}" for i, t in enumerate(times)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_ambiguous_slashed_date_order_is_said(tmp_path: Path):
    days = [f"0{d}/04/2023 1{h}:00:00" for d in range(1, 6) for h in range(6)]  # 1-5 April or 4 Jan - 4 May?
    src = _csv(tmp_path / "p.csv", days)
    res = CliRunner().invoke(main, ["detect", str(src), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "read month-first" in res.output and "--time-format" in res.output
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert any("month-first" in w for w in s["inputs"][0]["warnings"])
    # a first field above 12 decides it: nothing to say
    src = _csv(tmp_path / "q.csv", days + ["13/04/2023 10:00:00"])
    res = CliRunner().invoke(main, ["detect", str(src), "-o", str(tmp_path / "out2")])
    assert res.exit_code == 0 and "month-first" not in res.output


def test_a_window_below_the_clock_is_warned_once_without_python_noise(tmp_path: Path):
    src = _csv(tmp_path / "p.csv", [f"2024-01-0{d} 10:00:0{s}" for d in range(1, 8) for s in range(3)])
    res = CliRunner().invoke(main, ["detect", str(src), "-o", str(tmp_path / "out"), "--window", "0"])
    assert res.exit_code == 0, res.output
    assert res.output.count("raised to 1 s") == 1 and "UserWarning" not in res.output


def test_behaviours_lists_near_text_as_a_default():
    res = CliRunner().invoke(main, ["behaviours"])
    line = next(x for x in res.output.splitlines() if x.startswith("near_text"))
    assert "opt-in" not in line and "default" in line
