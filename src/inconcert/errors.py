"""One exception hierarchy for inconcert.

Every error a user can cause derives from :class:`InconcertError`; the CLI turns
these into a one-line message (exit code 2) instead of a traceback.

>>> try:
...     raise MissingColumnError("posts.csv", "account_id", ["id", "text"])
... except InconcertError as e:
...     print(e)  # doctest: +ELLIPSIS
posts.csv: no column for 'account_id' ...
"""

from __future__ import annotations

__all__ = [
    "InconcertError",
    "InputError",
    "UnknownFormatError",
    "AmbiguousFormatError",
    "MissingColumnError",
    "ConfigError",
    "EngineError",
    "ValidationError",
    "OutputError",
    "DiskFullError",
    "OutOfMemoryError",
]


class InconcertError(Exception):
    """Base class of every error inconcert raises on purpose."""


class InputError(InconcertError):
    """An input file cannot be read as asked."""


class UnknownFormatError(InputError):
    """No reader recognises a file."""

    def __init__(self, path: str, known: list[str]):
        self.path = path
        self.known = known
        super().__init__(
            f"{path}: cannot tell which format this is. "
            f"Force one with --format; known formats: {', '.join(known)}"
        )


class AmbiguousFormatError(InputError):
    """More than one reader claims a file equally well."""

    def __init__(self, path: str, candidates: list[str]):
        self.path = path
        self.candidates = candidates
        super().__init__(
            f"{path}: this file could be any of {', '.join(candidates)}. "
            f"Say which with --format {candidates[0]} (or another of them)"
        )


class MissingColumnError(InputError):
    """Required columns are absent and no mapping names them (all of them in one message)."""

    def __init__(self, path: str, field: str | list[str], columns: list[str]):
        self.path = path
        self.fields = [field] if isinstance(field, str) else list(field)
        self.field = self.fields[0]
        self.columns = columns
        shown = ", ".join(columns[:20]) + (" …" if len(columns) > 20 else "")
        names = ", ".join(f"'{f}'" for f in self.fields)
        maps = " ".join(f"--map {f}=COLUMN" for f in self.fields)
        super().__init__(
            f"{path}: no column for {names} (columns are: {shown}). "
            f"Name {'one' if len(self.fields) == 1 else 'them'} with {maps}"
        )


class ConfigError(InconcertError):
    """A parameter value is invalid."""


class ValidationError(InconcertError):
    """Several problems found at once; ``problems`` lists them all."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class EngineError(InconcertError):
    """The engine failed to run a statement; ``sql`` carries the statement."""

    def __init__(self, message: str, sql: str = ""):
        self.sql = sql
        super().__init__(message)


class OutputError(InconcertError):
    """An output could not be written, or a result set asked for is not there."""


class DiskFullError(OutputError):
    """The disk filled up while writing ``path`` (or during ``step``)."""

    def __init__(self, what: str, where: str = ""):
        self.what = what
        self.where = where
        super().__init__(
            f"{what}: no space left on the device{f' holding {where}' if where else ''}. "
            "Free some space (or write to another disk with -o; DuckDB spills to the temp folder, "
            "set TMPDIR to move it) and run again; the previous results were left as they were"
        )


class OutOfMemoryError(InconcertError):
    """The engine ran out of memory in ``step``."""

    def __init__(self, step: str, detail: str = ""):
        self.step = step
        super().__init__(
            f"step '{step}' ran out of memory{f' ({detail})' if detail else ''}. "
            "Raise --memory-limit (e.g. --memory-limit 8GB), or use --engine spark for data "
            "this size; the previous results were left as they were"
        )
