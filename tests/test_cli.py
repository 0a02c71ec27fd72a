"""The command line: commands work, errors are one line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from inconcert.cli import main


def test_demo_runs_and_reports_scores():
    r = CliRunner().invoke(main, ["demo", "--posts", "5000"])
    assert r.exit_code == 0, r.output
    assert "F1" in r.output and "groups" in r.output


def test_simulate_detect_evaluate(tmp_path: Path):
    runner = CliRunner()
    assert runner.invoke(main, ["simulate", "-o", str(tmp_path / "d"), "--posts", "5000"]).exit_code == 0
    r = runner.invoke(main, ["detect", str(tmp_path / "d" / "posts.csv"), "-o", str(tmp_path / "o"), "--window", "60"])
    assert r.exit_code == 0, r.output
    # not a terminal: the top-groups table is 120 wide, every verdict whole
    rows = [ln for ln in r.output.splitlines() if ln.startswith("│") and "operation" in ln]
    assert rows and all(len(ln) <= 120 for ln in r.output.splitlines() if ln[:1] in "┏│└")
    assert "operati…" not in r.output and "span (h)" in r.output
    r = runner.invoke(main, ["evaluate", str(tmp_path / "o"), "--labels", str(tmp_path / "d" / "labels.csv")])
    assert r.exit_code == 0, r.output
    assert "accounts in groups called operation: precision" in r.output and "{" not in r.output
    r = runner.invoke(main, ["evaluate", str(tmp_path / "o"), "--labels", str(tmp_path / "d" / "labels.csv"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["f1"] > 0.5


def test_missing_file_is_one_line_error(tmp_path: Path):
    r = CliRunner().invoke(main, ["detect", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 2
    assert "no such file" in r.output and "Traceback" not in r.output


def test_missing_column_says_how_to_fix(tmp_path: Path):
    p = tmp_path / "p.csv"
    p.write_text("who,when\na,2024-01-01\n")
    r = CliRunner().invoke(main, ["detect", str(p), "-o", str(tmp_path / "o"), "--format", "generic"])
    assert r.exit_code == 2
    assert "--map account_id=COLUMN" in r.output


def test_bad_map_and_unknown_behaviour(tmp_path: Path):
    p = tmp_path / "p.csv"
    p.write_text("id,author,created_at\n1,a,2024-01-01\n")
    r = CliRunner().invoke(main, ["detect", str(p), "-o", str(tmp_path / "o"), "--behaviours", "telepathy"])
    assert r.exit_code == 2 and "unknown behaviour" in r.output
    r = CliRunner().invoke(main, ["detect", str(p), "-o", str(tmp_path / "o"), "--map", "oops"])
    assert r.exit_code == 2


def test_every_command_documented():
    for name, cmd in main.commands.items():
        assert cmd.help, name
        readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
        assert f"inconcert {name}" in readme, f"README does not mention `inconcert {name}`"


def test_window_auto_is_estimated_and_reported(tmp_path: Path):
    runner = CliRunner()
    assert runner.invoke(main, ["simulate", "-o", str(tmp_path / "d"), "--posts", "3000"]).exit_code == 0
    r = runner.invoke(main, ["detect", str(tmp_path / "d" / "posts.csv"), "-o", str(tmp_path / "o"), "--window", "auto"])
    assert r.exit_code == 0, r.output
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert s["parameters"]["window"] == "auto"  # the setting as given; the run's choice apart
    assert s["window_used"] > 0
    assert "window_estimated_s" not in s
    r = runner.invoke(main, ["detect", str(tmp_path / "d" / "posts.csv"), "-o", str(tmp_path / "o"), "--window", "soon"])
    assert r.exit_code == 2


def test_top_groups_table_keeps_verdicts_whole_when_narrow():
    import io

    from rich.console import Console

    from inconcert.cli import print_top_groups

    g = {"group_id": "7", "size": "12", "p_value": "1e-20", "verdict": "automation", "behaviours": "image,object,url",
         "objects": "303", "span_s": "7200", "top_objects": "url:https://example.com/a/very/long/path/of/an/article (8)"}
    for width, spans in ((70, False), (120, True)):
        buf = io.StringIO()
        print_top_groups(Console(file=buf, width=width), [g])
        text = buf.getvalue()
        assert "automation" in text and "1.0e-20" in text
        assert ("span (h)" in text) is spans  # narrow: objects and span are left out, not cropped
        assert max(len(ln) for ln in text.splitlines()) <= width
