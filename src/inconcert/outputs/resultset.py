"""A result set, replaced as a whole: staged, listed with checksums, moved into place.

Every file of a run is written into a staging folder inside the output folder
(``OUT/.inconcert-staging-<pid>/``). :meth:`ResultSet.commit` writes
``summary.json`` last, listing every file of the set with its size and
SHA-256 (``files``), then moves the set into place:

1. ``OUT/summary.json`` of the previous set is removed (that set is no longer complete);
2. each new file is renamed into ``OUT``;
3. files of an older set the new one does not write are removed — only files
   the previous ``summary.json`` listed, never anything else in the folder (a
   file of the user's named like one of ours, :data:`OWN_FILES`, is left alone);
4. ``summary.json`` is renamed into ``OUT``; the staging folder is removed.

So at any moment ``OUT`` holds the previous complete set, or the new one, or
— if the process dies between steps 1 and 4, a few renames long — no
``summary.json`` beside a staging folder whose ``summary.json`` says the set
is complete: :func:`recover` (run at the start of every :class:`ResultSet`)
finishes those renames. A run killed before ``commit`` leaves only its staging
folder, which the next run removes. :func:`verify` checks a folder against
its ``summary.json``.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> with ResultSet(out) as rs:
...     _ = rs.path("a.txt").write_text("hello")
...     summary = rs.commit({"run": 1})
>>> summary["files"]["a.txt"]["bytes"], verify(out)
(5, [])
>>> with ResultSet(out) as rs:
...     _ = rs.path("b.txt").write_text("new")
...     _ = rs.commit({"run": 2})
>>> sorted(p.name for p in out.iterdir())  # a.txt was the old set's: gone
['b.txt', 'summary.json']
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from inconcert.errors import DiskFullError, OutputError

__all__ = ["ResultSet", "recover", "verify", "disk_errors", "OWN_FILES", "STAGING_PREFIX", "SUMMARY"]

SUMMARY = "summary.json"
STAGING_PREFIX = ".inconcert-staging-"
REPLACES = ".replaces.json"  # in a staging folder: the files of the set it replaces
#: Files inconcert has written into output folders (also older versions);
#: these are removed when a new set does not write them.
OWN_FILES = frozenset({
    "summary.json", "groups.csv", "accounts.csv", "links.csv", "links.parquet", "evidence.parquet",
    "posts.parquet", "objects.csv", "rejects.csv", "graph.gexf", "graph.graphml", "report.html",
    "articles.csv", "article_copies.csv", "trackers.csv",  # site runs
})


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _pid(name: str, prefix: str) -> int | None:
    tail = name[len(prefix):] if prefix else name.rsplit(".tmp-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _read_manifest(path: Path) -> dict[str, Any] | None:
    try:
        s = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return s if isinstance(s, dict) else None


def _listed(summary: dict[str, Any] | None) -> set[str]:
    files = (summary or {}).get("files")
    return {f for f in files if isinstance(f, str) and "/" not in f and f != ".."} if isinstance(files, dict) else set()


def _digest(path: Path) -> dict[str, Any]:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
        os.fsync(fh.fileno())  # on disk before the set is declared complete
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


@contextlib.contextmanager
def disk_errors(what: str, where: str | Path = "") -> Iterator[None]:
    """Turn a full disk (``ENOSPC``, ``EDQUOT``) while doing ``what`` into a :class:`DiskFullError`.

    >>> with disk_errors("writing x.csv"):
    ...     open("/dev/full", "w").write("x" * 10_000_000)
    Traceback (most recent call last):
    ...
    inconcert.errors.DiskFullError: writing x.csv: no space left on the device. Free some space ...
    """
    try:
        yield
    except OSError as e:
        if e.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(what, str(where)) from e
        raise


def _finish(outdir: Path, staging: Path, manifest: dict[str, Any]) -> None:
    """Steps 1–4 of the module docstring; each can be repeated, so a dead commit is finished."""
    new = _listed(manifest)
    replaces = staging / REPLACES
    old = _listed(_read_manifest(outdir / SUMMARY)) | _listed(_read_manifest(replaces))
    if (outdir / SUMMARY).exists():  # the old set's list outlives its summary.json, for a recovery
        replaces.write_text(json.dumps({"files": dict.fromkeys(sorted(old), {})}), encoding="utf-8")
        (outdir / SUMMARY).unlink()
    for name in sorted(new):
        if (staging / name).exists():
            os.replace(staging / name, outdir / name)
        elif not (outdir / name).exists():
            raise OutputError(f"{staging}: {name} is listed in its {SUMMARY} but missing; run again")
    # only files a previous set listed: a file of the user's that merely has one of our names
    # (a hand-made report.html) is not ours to remove
    for name in sorted(old - new - {SUMMARY}):
        p = outdir / name
        if p.is_file() or p.is_symlink():
            p.unlink()
    os.replace(staging / SUMMARY, outdir / SUMMARY)
    shutil.rmtree(staging, ignore_errors=True)


def recover(outdir: str | Path) -> None:
    """Finish a commit a dead run left halfway; remove dead runs' staging folders and temp files.

    Staging folders of running processes are left alone.
    """
    outdir = Path(outdir)
    if not outdir.is_dir():
        return
    for p in sorted(outdir.iterdir()):
        if p.name.startswith(STAGING_PREFIX) and p.is_dir():
            pid = _pid(p.name, STAGING_PREFIX)
            if pid is not None and _alive(pid):
                continue
            manifest = _read_manifest(p / SUMMARY)
            if manifest is not None and "files" in manifest:
                _finish(outdir, p, manifest)  # the set was complete: finish moving it in
            else:
                shutil.rmtree(p, ignore_errors=True)
        elif p.name.startswith(".") and ".tmp-" in p.name and p.is_file():  # older versions' temp files
            pid = _pid(p.name, "")
            if pid is not None and not _alive(pid):
                p.unlink(missing_ok=True)


def verify(outdir: str | Path) -> list[str]:
    """Problems of the result set in ``outdir`` (empty when complete): every file its
    ``summary.json`` lists is there with that size and checksum, and no file of
    an older set lies beside it."""
    outdir = Path(outdir)
    summary = _read_manifest(outdir / SUMMARY)
    if summary is None or not isinstance(summary.get("files"), dict):
        return [f"{outdir}: no {SUMMARY} listing the files of a result set"]
    problems = []
    for name, want in sorted(summary["files"].items()):
        p = outdir / name
        if not p.is_file():
            problems.append(f"{name}: missing")
        elif _digest(p) != {"bytes": want.get("bytes"), "sha256": want.get("sha256")}:
            problems.append(f"{name}: size or checksum differs from {SUMMARY}")
    for name in sorted(OWN_FILES - set(summary["files"]) - {SUMMARY}):
        if (outdir / name).exists():
            problems.append(f"{name}: named like a file of a result set but not listed in {SUMMARY}")
    return problems


class ResultSet:
    """Stage the files of one run in ``outdir`` and move them into place as a whole.

    Use as a context manager: :meth:`path` gives where to write a file of the
    set, :meth:`commit` writes ``summary.json`` (with the file list) and moves
    the set into place. Leaving the block without :meth:`commit` (an error,
    an interrupt) removes the staging folder and leaves ``outdir`` as it was.
    """

    def __init__(self, outdir: str | Path):
        self.outdir = Path(outdir)
        self.staging = self.outdir / f"{STAGING_PREFIX}{os.getpid()}"
        self.names: list[str] = []
        self.committed = False

    def __enter__(self) -> ResultSet:
        with disk_errors(f"creating {self.outdir}", self.outdir):
            self.outdir.mkdir(parents=True, exist_ok=True)
            recover(self.outdir)
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging.mkdir()
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        if not self.committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def path(self, name: str) -> Path:
        """Where to write file ``name`` of the set (a plain name, no folders)."""
        if not name or "/" in name or "\\" in name or name in (".", "..", SUMMARY):
            raise OutputError(f"{name!r}: not a name for a file of a result set")
        if name not in self.names:
            self.names.append(name)
        return self.staging / name

    def written(self, name: str) -> bool:
        """Whether file ``name`` has been written into the set."""
        return name in self.names and (self.staging / name).exists()

    def commit(self, summary: dict[str, Any]) -> dict[str, Any]:
        """Write ``summary`` as ``summary.json`` with ``files`` (name → bytes, sha256) and
        move the whole set into place; returns the summary as written."""
        with disk_errors(f"writing {SUMMARY}", self.outdir):
            files = {n: _digest(self.staging / n) for n in sorted(self.names) if (self.staging / n).exists()}
            summary = {**summary, "files": files}
            tmp = self.staging / f".{SUMMARY}.part"
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.staging / SUMMARY)
            _finish(self.outdir, self.staging, summary)
        self.committed = True
        return summary
