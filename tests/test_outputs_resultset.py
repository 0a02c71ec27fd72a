"""A result set is replaced as a whole (issue 16.2): killed runs, stale files, temp folders, full disks."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.errors import DiskFullError, EngineError, OutOfMemoryError
from inconcert.outputs.resultset import STAGING_PREFIX, ResultSet, recover, verify
from inconcert.pipeline import detect
from inconcert.pipeline.run import remove_dead_work_dirs, resource_errors
from inconcert.simulate import simulate_to_dir

SRC = str(Path(__file__).resolve().parents[1] / "src")


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("sim")
    simulate_to_dir(d, n_posts=3000, seed=3)
    return d / "posts.csv"


def _cli(posts: Path, out: Path, tmp: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC, "TMPDIR": str(tmp)}
    return subprocess.Popen(
        [sys.executable, "-m", "inconcert", "detect", str(posts), "-o", str(out), "-q", *args],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _own_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith(STAGING_PREFIX)) if out.exists() else []


def _assert_previous_or_nothing(out: Path, previous: dict | None) -> str:
    """The folder holds a complete set (checksums match its summary.json) or nothing of ours."""
    if (out / "summary.json").exists():
        assert verify(out) == []
        files = json.loads((out / "summary.json").read_text())["files"]
        return "previous" if previous is not None and files == previous else "new"
    stagings = [p for p in out.iterdir() if p.name.startswith(STAGING_PREFIX)] if out.exists() else []
    if any((p / "summary.json").exists() for p in stagings):  # killed inside the last renames
        recover(out)
        assert verify(out) == []
        return "finished by recover"
    assert _own_files(out) == [], "no summary.json, yet result files"
    return "nothing"


def test_killed_detect_leaves_previous_complete_set_or_nothing(posts, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    template = tmp_path / "template"
    t0 = time.perf_counter()
    p = _cli(posts, template, tmp, "--window", "60", "--report")
    assert p.wait(timeout=300) == 0, p.stderr.read()
    run_s = time.perf_counter() - t0
    previous = json.loads((template / "summary.json").read_text())["files"]
    assert "report.html" in previous and verify(template) == []
    seen = []
    for seed in range(4):
        out = tmp_path / f"out{seed}"
        shutil.copytree(template, out)
        p = _cli(posts, out, tmp, "--window", "30")  # different settings: different files
        time.sleep(random.Random(seed).uniform(0.2, run_s * 1.1))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        seen.append(_assert_previous_or_nothing(out, previous))
    # the next run clears the dead run's staging folder and work folder, and the old set's report
    p = _cli(posts, out, tmp, "--window", "30")
    assert p.wait(timeout=300) == 0
    assert verify(out) == [] and not [x for x in out.iterdir() if x.name.startswith(STAGING_PREFIX)]
    assert "report.html" not in os.listdir(out)  # the old set's report: not of this set, removed
    # a first run killed leaves nothing but (at most) its staging folder
    out = tmp_path / "first"
    p = _cli(posts, out, tmp, "--window", "30")
    time.sleep(run_s * 0.5)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    seen.append(_assert_previous_or_nothing(out, None))
    print("states after SIGKILL:", seen)
    remove_dead_work_dirs(tmp)
    assert not [x for x in tmp.iterdir() if x.name.startswith("inconcert-")]


def test_sigterm_removes_temp_folders_and_keeps_previous_set(posts, tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    out = tmp_path / "out"
    p = _cli(posts, out, tmp)
    assert p.wait(timeout=300) == 0
    before = json.loads((out / "summary.json").read_text())["files"]
    p = _cli(posts, out, tmp, "--window", "20")
    deadline = time.time() + 120
    while not any(x.name.startswith(STAGING_PREFIX) for x in out.iterdir()):  # inside the run
        assert time.time() < deadline and p.poll() is None
        time.sleep(0.02)
    assert [x for x in tmp.iterdir() if x.name.startswith("inconcert-")]  # its work folder
    p.send_signal(signal.SIGTERM)
    rc = p.wait(timeout=60)
    err = p.stderr.read().decode()
    if rc == 0:  # finished before the signal landed: the new set is complete
        assert verify(out) == []
    else:
        assert rc == 128 + signal.SIGTERM, err
        assert "previous complete result set" in err and "Traceback" not in err
        assert json.loads((out / "summary.json").read_text())["files"] == before and verify(out) == []
    assert not [x for x in tmp.iterdir() if x.name.startswith("inconcert-")], list(tmp.iterdir())
    assert not [x for x in out.iterdir() if x.name.startswith(STAGING_PREFIX)]


def test_sigterm_interrupts_a_long_duckdb_query(tmp_path):
    code = (
        "import duckdb, sys\n"
        "from inconcert.outputs.signals import stop_on_signals\n"
        "con = duckdb.connect()\n"
        "with stop_on_signals() as on_stop:\n"
        "    on_stop(con.interrupt)\n"
        "    print('ready', flush=True)\n"
        "    con.execute('SELECT count(*) FROM range(3000000000) a, range(10) b WHERE (a.range * b.range) % 7 = 3')\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": SRC},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline().strip() == b"ready"
    time.sleep(0.5)
    t0 = time.perf_counter()
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=30)
    assert time.perf_counter() - t0 < 10
    assert b"Terminated" in p.stderr.read()


def test_stale_files_of_an_older_set_are_removed_and_others_kept(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # named like ours but listed by no summary.json: the user's own (a hand-made report), kept
    (out / "report.html").write_text("my own report")
    (out / "notes.txt").write_text("the user's")  # not ours: kept
    (out / ".groups.csv.tmp-999999999").write_text("half")  # an older version's temp file, dead pid
    (out / f"{STAGING_PREFIX}999999999").mkdir()  # a killed run's staging folder
    with ResultSet(out) as rs:
        rs.path("groups.csv").write_text("group_id\n1\n")
        rs.path("same_hand.csv").write_text("x\n")  # another helper's file goes through the same set
        rs.commit({})
    assert sorted(os.listdir(out)) == ["groups.csv", "notes.txt", "report.html", "same_hand.csv", "summary.json"]
    assert (out / "report.html").read_text() == "my own report"
    with ResultSet(out) as rs:  # same_hand.csv was listed by the last set: it is ours, removed now
        rs.path("groups.csv").write_text("group_id\n2\n")
        rs.commit({})
    assert sorted(os.listdir(out)) == ["groups.csv", "notes.txt", "report.html", "summary.json"]
    assert verify(out) == ["report.html: named like a file of a result set but not listed in summary.json"]
    (out / "report.html").unlink()
    assert verify(out) == []
    (out / "groups.csv").write_text("tampered")
    assert verify(out) == ["groups.csv: size or checksum differs from summary.json"]


def test_an_error_inside_the_set_leaves_the_previous_one(tmp_path):
    out = tmp_path / "out"
    with ResultSet(out) as rs:
        rs.path("a.csv").write_text("1\n")
        rs.commit({})
    with pytest.raises(RuntimeError), ResultSet(out) as rs:
        rs.path("a.csv").write_text("2\n")
        raise RuntimeError("boom")
    assert (out / "a.csv").read_text() == "1\n" and verify(out) == []
    assert sorted(os.listdir(out)) == ["a.csv", "summary.json"]


def test_recover_finishes_a_commit_cut_short(tmp_path):
    out = tmp_path / "out"
    with ResultSet(out) as rs:
        rs.path("a.csv").write_text("old\n")
        rs.path("old_only.csv").write_text("x\n")
        rs.commit({})
    staging = out / f"{STAGING_PREFIX}999999999"  # a dead run that had finished staging its set
    staging.mkdir()
    (staging / "a.csv").write_text("new\n")
    (staging / "b.csv").write_text("new\n")
    from inconcert.outputs.resultset import _digest

    files = {n: _digest(staging / n) for n in ("a.csv", "b.csv")}
    (staging / "summary.json").write_text(json.dumps({"files": files}))
    # it died after the first rename (step 1 kept the old set's list in the staging folder)
    (staging / ".replaces.json").write_text(json.dumps(json.loads((out / "summary.json").read_text())))
    (out / "summary.json").unlink()
    os.replace(staging / "a.csv", out / "a.csv")
    recover(out)
    assert sorted(os.listdir(out)) == ["a.csv", "b.csv", "summary.json"] and verify(out) == []


def test_disk_full_names_the_file_and_keeps_the_previous_set(posts, tmp_path, monkeypatch):
    out = tmp_path / "out"
    detect([posts], out)
    before = verify(out), json.loads((out / "summary.json").read_text())["files"]
    import inconcert.pipeline.outputs as po

    real = po.write_csv

    def full(data, path, **kw):
        if Path(path).name == "accounts.csv":
            path = "/dev/full"
        return real(data, path, **kw)

    monkeypatch.setattr(po, "write_csv", full)
    with pytest.raises(DiskFullError, match="writing accounts.csv: no space left.*Free some space"):
        detect([posts], out, window=30)
    assert (verify(out), json.loads((out / "summary.json").read_text())["files"]) == before
    assert not [x for x in out.iterdir() if x.name.startswith(STAGING_PREFIX)]


def test_engine_disk_full_and_out_of_memory_become_advice():
    e = DuckDBEngine(memory_limit="20MB")
    with pytest.raises(DiskFullError, match="step 'outputs'.*no space left"), resource_errors("outputs"):
        e.write_csv("SELECT 1", "/dev/full")
    with pytest.raises(OutOfMemoryError, match="step 'pairs' ran out of memory.*--memory-limit.*--engine spark"):
        with resource_errors("pairs"):
            e.to_arrow("SELECT list(range) FROM range(50000000)")
    with pytest.raises(EngineError), resource_errors("pairs"):  # other engine errors pass unchanged
        e.execute("SELECT no_such_column FROM range(1)")
    assert isinstance(duckdb.OutOfMemoryException("x"), duckdb.Error)
