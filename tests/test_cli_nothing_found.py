"""A run that finds nothing says why and what to try (issue 15)."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from inconcert.cli import main


def _posts(path: Path) -> Path:
    # 8 accounts that share the same two links together, a few seconds apart: too few times for chance
    # to be ruled out, amid 40 accounts that share links of their own.
    rows = []
    for k, url in enumerate(["https://a.example/1", "https://a.example/2"]):
        for i in range(8):
            rows.append((f"op{i}", f"2024-01-0{k + 1} 10:00:{i:02d}", url))
    for j in range(40):
        for k in range(3):
            rows.append((f"org{j}", f"2024-01-0{k + 1} 1{k}:{j:02d}:00", f"https://b.example/{j}/{k}"))
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["account_id", "ts", "urls"])
        w.writerows(rows)
    return path


def test_eight_accounts_too_few_times_get_a_hint(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["detect", str(_posts(tmp_path / "p.csv")), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "0 groups" in r.output
    assert "No group:" in r.output and "Try:" in r.output
    assert "--keep-insignificant" in r.output


def test_no_pairs_at_all_says_so(tmp_path: Path) -> None:
    p = tmp_path / "p.csv"
    p.write_text("account_id,ts,urls\na,2024-01-01 10:00:00,https://x/1\nb,2024-01-02 10:00:00,https://x/2\n")
    r = CliRunner().invoke(main, ["detect", str(p), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert "no two accounts acted on the same object" in r.output
