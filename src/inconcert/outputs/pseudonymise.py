"""Pseudonymised outputs: account ids, names and handles replaced by keyed hashes.

With ``--pseudonymise KEYFILE`` every account id (``account_id`` of the
posts, so every output table, graph and the report), every handle in
``mentions`` and every text attribute the readers found about an account
(names, handles, descriptions) becomes ``acct_`` + the first 20 hex digits of
HMAC-SHA256(key, value). The same key gives the same pseudonym in every run,
so results of several runs can be compared; without the key nobody can
compute a pseudonym from a name. The key file (64 hex digits) is created
when missing; the mapping of the pseudonyms seen to the originals is written
beside it (``KEYFILE.mapping.csv``), outside the result set: keep both
private. Raw rejected records are left out of ``rejects.csv``.

Not hidden: post texts (which can name or quote people), URLs and object
names (a profile link contains a handle), post ids, timestamps — a determined
reader can often re-identify accounts from these.

>>> p = Pseudonymiser(b"k" * 32)
>>> a = p.values(pa.array(["alice", "bob", "alice", None]))
>>> a[0] == a[2], a[0].as_py().startswith("acct_"), a[3].as_py()
(True, True, None)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from inconcert.errors import ConfigError
from inconcert.ingest import Ingested, without_seqs
from inconcert.outputs.csvfile import read_csv_rows, write_csv

__all__ = ["Pseudonymiser", "load_key", "mapping_path"]


def load_key(path: str | Path) -> bytes:
    """The key in ``path`` (created, readable only by you, when missing)."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    try:
        key = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError) as e:
        raise ConfigError(f"{path}: not a key file (64 hex digits); remove it to make a new key") from e
    if len(key) < 16:
        raise ConfigError(f"{path}: the key is too short (at least 32 hex digits)")
    return key


def mapping_path(key_file: str | Path) -> Path:
    """Where the pseudonym → original mapping of ``key_file`` is kept."""
    key_file = Path(key_file)
    return key_file.with_name(key_file.name + ".mapping.csv")


class Pseudonymiser:
    """Keyed pseudonyms for text values; remembers the ones it made (for the mapping)."""

    def __init__(self, key: bytes):
        self.key = key
        self.seen: dict[str, str] = {}

    @classmethod
    def from_key_file(cls, path: str | Path) -> Pseudonymiser:
        """A pseudonymiser with the key of ``path`` (created when missing)."""
        return cls(load_key(path))

    def one(self, value: str) -> str:
        """The pseudonym of ``value``."""
        p = self.seen.get(value)
        if p is None:
            p = "acct_" + hmac.new(self.key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:20]
            self.seen[value] = p
        return p

    def values(self, x: pa.Array | pa.ChunkedArray) -> pa.Array:
        """Every text value of ``x`` replaced (NULLs stay NULL); lists are mapped element-wise."""
        if isinstance(x, pa.ChunkedArray):
            x = x.combine_chunks()
        if pa.types.is_list(x.type) or pa.types.is_large_list(x.type):
            flat = self.values(pc.list_flatten(x))
            return type(x).from_arrays(x.offsets, flat, mask=x.is_null())
        x = pc.cast(x, pa.string())
        uniq = pc.unique(x)
        mapped = pa.array([None if v is None else self.one(v) for v in uniq.to_pylist()], pa.string())
        return pc.take(mapped, pc.index_in(x, value_set=uniq))

    def table(self, t: pa.Table, columns: list[str]) -> pa.Table:
        """``t`` with ``columns`` (those present) pseudonymised."""
        for c in columns:
            if c in t.column_names:
                i = t.schema.get_field_index(c)
                t = t.set_column(i, t.schema.field(i), self.values(t.column(i)).cast(t.schema.field(i).type))
        return t

    def ingested(self, ing: Ingested, work: Path) -> Ingested:
        """``ing`` with its actions file and account attributes pseudonymised."""
        out = work / "actions-pseudonymised.parquet"
        f = pq.ParquetFile(ing.actions_path)
        drop = pa.array(ing.duplicate_seqs, pa.int64())  # duplicates still in the file: dropped here
        with pq.ParquetWriter(out, f.schema_arrow, compression="lz4") as w:
            for b in f.iter_batches(batch_size=250_000):
                t = pa.Table.from_batches([b])
                if len(drop):
                    t = without_seqs(t, drop)
                w.write_table(self.table(t, ["account_id", "mentions"]))
        acc = ing.accounts
        if acc is not None:
            acc = self.table(acc, [f.name for f in acc.schema if pa.types.is_string(f.type)])
        return Ingested(out, ing.rejects, acc, ing.inputs)

    def record(self, key_file: str | Path) -> dict[str, Any]:
        """What ``summary.json`` says about the pseudonymisation (not the key, nor where it is)."""
        return {
            "method": "HMAC-SHA256, first 20 hex digits, prefix acct_",
            "key_fingerprint": hashlib.sha256(b"inconcert-key-id" + self.key).hexdigest()[:12],
            "fields": ["account_id", "mentions", "text attributes of accounts"],
        }

    def write_mapping(self, key_file: str | Path) -> Path:
        """Add the pseudonyms made to ``KEYFILE.mapping.csv`` (pseudonym, original), sorted."""
        path = mapping_path(key_file)
        rows = {}
        if path.exists():
            rows = {r["pseudonym"]: r["original"] for r in read_csv_rows(path)}
        rows.update({p: v for v, p in self.seen.items()})
        names = sorted(rows)
        tmp = path.with_name(path.name + ".part")
        write_csv(pa.table({"pseudonym": names, "original": [rows[n] for n in names]}), tmp)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
        return path
