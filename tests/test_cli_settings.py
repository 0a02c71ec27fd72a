"""``inconcert detect --config settings.toml`` and ``--replay out/summary.json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from inconcert.cli import main


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("sim")
    assert CliRunner().invoke(main, ["simulate", "-o", str(d), "--posts", "3000", "--seed", "5"]).exit_code == 0
    return d / "posts.csv"


def _detect(*args: str) -> dict:
    r = CliRunner().invoke(main, ["detect", *args, "-q"])
    assert r.exit_code == 0, r.output
    return r


def test_config_file_run(posts: Path, tmp_path: Path):
    (tmp_path / "s.toml").write_text('window = 30\nbehaviours = ["url", "repost"]\nmin_weight = 3\n'
                                     "pooled = false\n\n[near_text]\nthreshold = 0.7\n")
    _detect(str(posts), "-o", str(tmp_path / "o"), "--config", str(tmp_path / "s.toml"), "--seed", "7")
    s = json.loads((tmp_path / "o" / "summary.json").read_text())
    p = s["parameters"]
    assert (p["window"], p["behaviours"], p["min_weight"], p["pooled"], p["seed"]) == (30, ["url", "repost"], 3, False, 7)
    assert p["near_text"]["threshold"] == 0.7 and s["window_used"] == 30.0
    assert s["behaviours"] == ["url", "repost"]


def test_misspelt_setting_in_file_is_one_line_error(posts: Path, tmp_path: Path):
    (tmp_path / "s.toml").write_text("min_wieght = 3\n[near_text]\ntreshold = 0.7\n")
    r = CliRunner().invoke(main, ["detect", str(posts), "-o", str(tmp_path / "o"), "--config", str(tmp_path / "s.toml")])
    assert r.exit_code == 2
    assert "did you mean 'min_weight'?" in r.output and "did you mean 'near_text.threshold'?" in r.output


def test_replay_gives_identical_files(posts: Path, tmp_path: Path):
    _detect(str(posts), "-o", str(tmp_path / "a"), "--window", "auto", "--behaviours", "url,repost,text", "--min-weight", "3")
    _detect("--replay", str(tmp_path / "a" / "summary.json"), "-o", str(tmp_path / "b"))
    files = sorted(f.name for f in (tmp_path / "a").iterdir())
    assert files == sorted(f.name for f in (tmp_path / "b").iterdir())
    for f in files:
        if f != "summary.json":
            assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    sa, sb = (json.loads((tmp_path / x / "summary.json").read_text()) for x in "ab")
    for s in (sa, sb):
        s.pop("timings"), s.pop("command")
        s["steps"] = {k: (v["rows_in"], v["rows_out"]) for k, v in s["steps"].items()}  # not seconds, memory
    assert sa == sb and sa["parameters"]["window"] == "auto"


def test_replay_refuses_inputs_and_settings(posts: Path, tmp_path: Path):
    r = CliRunner().invoke(main, ["detect", str(posts), "-o", str(tmp_path / "o"), "--replay", "x.json"])
    assert r.exit_code == 2 and "--replay" in r.output
    r = CliRunner().invoke(main, ["detect", "-o", str(tmp_path / "o"), "--replay", "x.json", "--min-weight", "4", "--map", "a=b"])
    assert r.exit_code == 2 and "--min-weight, --map" in r.output
    r = CliRunner().invoke(main, ["detect", "-o", str(tmp_path / "o")])
    assert r.exit_code == 2 and "INPUTS" in r.output
    r = CliRunner().invoke(main, ["detect", "-o", str(tmp_path / "o"), "--replay", str(tmp_path / "none.json")])
    assert r.exit_code == 2 and "cannot read" in r.output


def test_replay_finds_relative_inputs_from_another_folder(posts: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch):
    """An input given as a relative path is recorded with its resolved form too, so
    ``--replay`` run from another folder reads the same file."""
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "posts.csv").write_bytes(posts.read_bytes())
    monkeypatch.chdir(tmp_path / "proj")
    _detect("posts.csv", "-o", "out")
    rec = json.loads((tmp_path / "proj" / "out" / "summary.json").read_text())["inputs"][0]
    assert rec["path"] == "posts.csv" and rec["resolved"] == str(tmp_path / "proj" / "posts.csv")
    monkeypatch.chdir(tmp_path)
    _detect("--replay", "proj/out/summary.json", "-o", "again")
    for f in ("groups.csv", "accounts.csv"):
        assert (tmp_path / "again" / f).read_bytes() == (tmp_path / "proj" / "out" / f).read_bytes()
    (tmp_path / "proj" / "posts.csv").rename(tmp_path / "moved.csv")
    r = CliRunner().invoke(main, ["detect", "--replay", "proj/out/summary.json", "-o", "third"])
    assert r.exit_code == 2 and "its input posts.csv (resolved:" in r.output and "Traceback" not in r.output
