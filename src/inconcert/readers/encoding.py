"""Text encodings of input files: UTF-8 unless told or shown otherwise.

Rule: a file is read as UTF-8 when its first 64 KiB decode as UTF-8 (a BOM
allowed). Otherwise the encoding is detected (``charset-normalizer`` when
installed, trusted for non-Latin scripts; otherwise cp1252, the Windows
variant of Latin-1 that spreadsheet programs write) and the file is transcoded to a UTF-8 copy in the run's work
folder before reading; the encoding used is recorded per input
(``summary.json`` → ``inputs[].encoding``). ``--encoding`` overrides detection.

>>> detect_encoding("Zürich;Köln\\n".encode("cp1252"))
'cp1252'
>>> detect_encoding("Zürich\\n".encode())
'utf-8'
"""

from __future__ import annotations

import codecs
from pathlib import Path

from inconcert.errors import InputError
from inconcert.readers.base import open_binary

__all__ = ["detect_encoding", "transcode", "check_encoding"]

#: Encodings of scripts other than Latin: detection trusts charset-normalizer for these only;
#: any other guess on a short sample (cp775, cp850, mac_roman …) becomes cp1252 when cp1252
#: decodes the head, since that is what Western spreadsheet programs write.
_OTHER_SCRIPTS = ("cp1251", "koi8", "cp866", "mac_cyrillic", "iso8859_5", "cp1253", "iso8859_7", "cp1255",
                  "iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "shift_jis", "cp932", "euc_jp",
                  "iso2022", "gb2312", "gbk", "gb18030", "big5", "euc_kr", "cp949", "johab", "utf_16", "utf_32")


def check_encoding(name: str) -> str:
    """The codec's canonical name, or an :class:`InputError` naming common ones."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(
            f"--encoding {name}: unknown encoding; common ones: utf-8, cp1252 (Windows Western), "
            "latin-1, utf-16, cp1251 (Cyrillic), shift_jis"
        ) from None


def detect_encoding(head: bytes) -> str:
    """``utf-8`` when ``head`` is valid UTF-8 (a cut last character allowed), else a guess."""
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 3:  # a character cut by the head's end
            return "utf-8"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: the Western guess below
        from_bytes = None
    if from_bytes is not None:
        best = from_bytes(head).best()
        if best is not None and best.encoding.replace("-", "_").startswith(_OTHER_SCRIPTS):
            return codecs.lookup(best.encoding).name
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1" if from_bytes is None or best is None else codecs.lookup(best.encoding).name


def transcode(path: Path, encoding: str, out: Path) -> Path:
    """Write ``path`` (possibly compressed) decoded from ``encoding`` as UTF-8 to ``out``."""
    try:
        with open_binary(path) as src, open(out, "w", encoding="utf-8", newline="") as dst:
            dec = codecs.getincrementaldecoder(encoding)(errors="replace")
            while chunk := src.read(1 << 20):
                dst.write(dec.decode(chunk))
            dst.write(dec.decode(b"", final=True))
    except (EOFError, OSError) as e:  # a cut archive: keep what was decoded
        if not out.exists():
            raise InputError(f"{path}: cannot read: {e}") from e
    return out
