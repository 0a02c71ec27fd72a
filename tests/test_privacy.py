"""--pseudonymise and --redact-paths (issue 16.6)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from inconcert.cli import main
from inconcert.outputs.csvfile import read_csv_rows
from inconcert.outputs.pseudonymise import mapping_path
from inconcert.simulate import simulate_to_dir


def _run(*args: str) -> None:
    r = CliRunner().invoke(main, ["detect", *args, "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output


def test_pseudonymise_hides_account_ids_everywhere_and_is_stable(tmp_path):
    simulate_to_dir(tmp_path / "sim", n_posts=2000, seed=5)
    posts = tmp_path / "sim" / "posts.csv"
    key = tmp_path / "private" / "inconcert.key"
    names = {r["account_id"] for r in read_csv_rows(posts)}
    _run(str(posts), "-o", str(tmp_path / "a"), "--pseudonymise", str(key), "--report")
    assert key.exists() and len(key.read_text().strip()) == 64 and (key.stat().st_mode & 0o077) == 0
    accounts = {r["account_id"] for r in read_csv_rows(tmp_path / "a" / "accounts.csv")}
    assert accounts and all(a.startswith("acct_") for a in accounts)
    for f in (tmp_path / "a").iterdir():  # no original id in any file of the set (ids are long enough to search)
        data = f.read_bytes()
        leaked = [n for n in names if len(n) >= 8 and n.encode() in data]
        assert not leaked, (f.name, leaked[:3])
    mapping = {r["pseudonym"]: r["original"] for r in read_csv_rows(mapping_path(key))}
    assert set(mapping) >= accounts and set(mapping.values()) <= names
    assert not (tmp_path / "a" / mapping_path(key).name).exists()  # the mapping is outside the shareable set
    _run(str(posts), "-o", str(tmp_path / "b"), "--pseudonymise", str(key))
    assert (tmp_path / "a" / "accounts.csv").read_bytes() == (tmp_path / "b" / "accounts.csv").read_bytes()
    s = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert s["output_options"]["pseudonymise"] is True and key.read_text().strip() not in json.dumps(s)


def test_redact_paths_keeps_only_file_names(tmp_path):
    simulate_to_dir(tmp_path / "secret-folder", n_posts=2000, seed=5)
    posts = tmp_path / "secret-folder" / "posts.csv"
    _run(str(posts), "-o", str(tmp_path / "out"), "--redact-paths", "--report")
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [i["path"] for i in s["inputs"]] == ["posts.csv"] and "command" not in s
    for f in ("summary.json", "report.html", "rejects.csv"):
        assert "secret-folder" not in (tmp_path / "out" / f).read_text(encoding="utf-8"), f
