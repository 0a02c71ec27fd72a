"""Progress that tells the truth (issue 17, item 4): every step's rows in, rows out,
seconds and peak memory in ``summary.json`` and on the terminal, and the running
query's rows done / rows total with an estimate."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from click.testing import CliRunner

from inconcert.cli import main
from inconcert.cli_progress import rows_text, step_line
from inconcert.engines.duckdb_engine import DuckDBEngine
from inconcert.pipeline.progress import StepEvents, StepLog, StepRecord, as_events, estimate_left

STEPS = ["read", "traces", "pairs", "links", "scoring", "groups", "pooled", "verdicts", "outputs"]


def test_summary_and_terminal_show_every_step_with_the_pipelines_counts(sim_dir: Path, tmp_path: Path):
    r = CliRunner().invoke(main, ["detect", str(sim_dir / "posts.csv"), "-o", str(tmp_path / "o")])
    assert r.exit_code == 0, r.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    steps, counts, rows = summary["steps"], summary["counts"], summary["rows"]
    assert list(steps) == STEPS
    assert (steps["read"]["rows_in"], steps["read"]["rows_out"]) == (rows["read"], rows["used"])
    assert (steps["traces"]["rows_in"], steps["traces"]["rows_out"]) == (rows["used"], counts["traces"])
    assert (steps["pairs"]["rows_in"], steps["pairs"]["rows_out"]) == (counts["traces"], counts["pairs"])
    assert (steps["links"]["rows_in"], steps["links"]["rows_out"]) == (counts["pairs"], counts["links"])
    assert steps["groups"]["rows_out"] == counts["accounts_in_groups"]
    assert steps["pooled"]["rows_out"] == counts["accounts_joined_pooled"]
    assert steps["verdicts"]["rows_in"] == counts["groups"]
    # links.parquet holds the links on two objects or more (counts.links_stored), evidence the pairs
    assert 0 < counts["links_stored"] < counts["links"]
    assert steps["outputs"]["rows_in"] == counts["links_stored"] + counts["pairs"]
    for name, s in steps.items():
        assert s["seconds"] >= 0 and s["peak_rss_mib"] > 0, name
        assert abs(s["seconds"] - summary["timings"][name]) < 0.01, name
    # one line per finished step on the terminal (stderr), with the same numbers
    assert f"pairs     {counts['traces']:,} traces → {counts['pairs']:,} pairs in " in r.output
    for name in ("read", "traces", "links", "scoring", "groups", "verdicts", "outputs"):
        assert f"✓ {name}" in r.output


def test_a_plain_function_still_gets_the_step_names():
    seen: list[str] = []
    log = StepLog(as_events(seen.append))
    with log.step("pairs"):
        pass
    assert seen == ["pairs"]


class _Events(StepEvents):
    def __init__(self) -> None:
        self.calls: list[tuple[str, float | None, float]] = []

    def running(self, rec: StepRecord, fraction: float | None, elapsed: float, rss: int | None) -> None:
        self.calls.append((rec.step, fraction, elapsed))


def test_running_reports_the_querys_share_and_restarts_with_the_next_query():
    shares = iter([0.2, 0.4, 0.6, 0.1, 0.5] + [None] * 100)
    ev = _Events()
    log = StepLog(ev, lambda: next(shares), interval=0.02)
    with log.step("pairs", rows_in=1000, unit_in="traces") as rec:
        time.sleep(0.3)
        rec.rows_out = 10
    fr = [c[1] for c in ev.calls]
    assert fr[:5] == [0.2, 0.4, 0.6, 0.1, 0.5]
    el = [c[2] for c in ev.calls]
    assert el[1] > el[0] and el[3] < el[2]  # a new query (the share fell) starts its own clock
    assert log.records["pairs"].rows_out == 10 and log.records["pairs"].seconds >= 0.3


def test_a_failed_step_is_not_recorded():
    log = StepLog()
    try:
        with log.step("pairs"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert log.records == {} and threading.active_count() >= 1


def test_duckdb_reports_the_progress_of_a_running_query():
    e = DuckDBEngine(threads=2)
    got: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            p = e.query_progress()
            if p is not None:
                got.append(p)
            time.sleep(0.02)

    t = threading.Thread(target=poll)
    t.start()
    for _ in range(5):  # a query long enough to be seen running (a few tries on a fast machine)
        e.scalar("SELECT count(*) FROM (SELECT range AS x FROM range(4000000) ORDER BY hash(range)) s")
        if got:
            break
    stop.set()
    t.join()
    assert got and all(0.0 <= p <= 1.0 for p in got)
    assert e.query_progress() is None  # nothing runs


def test_the_estimate_and_the_lines():
    assert estimate_left(0.5, 10.0) == 10.0 and estimate_left(None, 3.0) is None and estimate_left(0.001, 3.0) is None
    rec = StepRecord("links", 2_000_000, 1_500_000, "pairs", "links", 12.34, 3 * 2**30)
    assert rows_text(rec, 0.5) == "1,000,000 / 2,000,000 pairs"
    assert step_line(rec) == "links     2,000,000 pairs → 1,500,000 links in 12.3 s, peak 3,072 MiB"
