"""Telegram Desktop exports: ``result.json`` of a chat/channel, or a folder of them.

Pass one ``result.json``, a full-account export (``chats.list[].messages``),
or a folder: every ``result.json`` below it is read (sorted by path), each
export being one or more actors. Messages stream one at a time.

Mapping: ``<chat id>/<message id>`` → post_id (message ids are per chat);
``from_id`` (``channel123``/``user456``; else the chat's id) → account_id;
``date_unixtime`` → ts (UTC); old exports without it only have ``date`` in the
exporting computer's local time — read as UTC, pass a ``--map tz=Europe/Berlin``
style zone via ``column_map['tz']`` to correct it. ``text`` (string or list of
entities) → text; ``link`` entities and ``text_link`` hrefs → urls; ``hashtag``
→ hashtags; ``mention``/``mention_name`` → mentions; ``reply_to_message_id`` →
reply_to (same chat). A forward (``forwarded_from``) is a repost: the source's
message id is not exported, so ``repost_of = fwd:<forwarded_from_id or name>:
<hash of text and media>`` — forwards of the same source post share it.
Service messages (joins, pins) are rejected with reason ``service message``.
Account attribute: ``account_name`` (``from``), ``chat_name``.

>>> import tempfile, pathlib, json
>>> from inconcert.readers.base import ReadContext
>>> p = pathlib.Path(tempfile.mkdtemp()) / "result.json"
>>> msg = {"id": 5, "type": "message", "date": "2022-02-24T07:00:00", "date_unixtime": "1645686000",
...        "from": "News", "from_id": "channel1", "text": ["see ", {"type": "link", "text": "https://x.org"}]}
>>> _ = p.write_text(json.dumps({"name": "News", "type": "public_channel", "id": 1, "messages": [msg]}))
>>> t = next(TelegramReader().read(p, ReadContext(p)))
>>> t.column("post_id")[0].as_py(), t.column("urls")[0].as_py(), str(t.column("ts")[0])
('1/5', ['https://x.org'], '2022-02-24 07:00:00+00:00')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from inconcert.errors import InputError
from inconcert.readers.base import ReadContext, Reader, RecordError, head_text, safe_head
from inconcert.readers.jsonstream import JsonStream, has_keys, iter_json_items, open_json_stream
from inconcert.readers.rows import Accounts, Rows, dedupe, read_records, s_or_none, short_hash
from inconcert.readers.timeparse import to_us

__all__ = ["TelegramReader"]

_CHAT_TYPES = re.compile(
    r'"type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup|'
    r'public_channel|private_channel|saved_messages|bot_chat)"'
)
_URL = re.compile(r"https?://[^\s<>\"']+")
_MEDIA_KEYS = (
    "media_type",
    "mime_type",
    "duration_seconds",
    "width",
    "height",
    "file_size",
    "sticker_emoji",
    "title",
)


def _text(v: Any) -> tuple[str, list[str], list[str], list[str]]:
    """Plain text, links, hashtags and mentions of a message's ``text`` field."""
    if isinstance(v, str):
        return v, _URL.findall(v), [], []
    parts: list[str] = []
    urls: list[str] = []
    tags: list[str] = []
    ments: list[str] = []
    for e in v if isinstance(v, list) else []:
        if isinstance(e, str):
            parts.append(e)
            continue
        if not isinstance(e, dict):
            continue
        t = e.get("text")
        t = t if isinstance(t, str) else ""
        parts.append(t)
        kind = e.get("type")
        if kind == "link":
            urls.append(t)
        elif kind == "text_link":
            href = s_or_none(e.get("href"))
            if href:
                urls.append(href)
        elif kind == "hashtag":
            tags.append(t.lstrip("#"))
        elif kind == "mention":
            ments.append(t.lstrip("@"))
        elif kind == "mention_name":
            ments.append(s_or_none(e.get("user_id")) or t)
    return "".join(parts), urls, tags, ments


def _result_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json") if p.is_file() and p.name == "result.json")


def _looks_like_export(head: bytes) -> bool:
    text = head_text(head)
    if not text.startswith("{"):
        return False
    if _CHAT_TYPES.search(text) and has_keys(text, "messages"):
        return True
    return has_keys(text, "messages") and (
        has_keys(text, "date_unixtime") or has_keys(text, "from_id")
    )


class TelegramReader(Reader):
    """Telegram Desktop JSON export (``result.json``) or a folder of exports."""

    name = "telegram"
    description = "Telegram Desktop export result.json (channel/chat), or a folder of exports"
    platform = "telegram"

    def sniff(self, path: Path, head: bytes) -> float:
        if _looks_like_export(head):
            return 0.95
        text = head_text(head)
        if text.startswith("{") and has_keys(text, "chats", "list") and has_keys(text, "messages"):
            return 0.9
        return 0.0

    def sniff_dir(self, path: Path) -> float:
        """How sure a folder is a set of Telegram exports (it holds ``result.json`` files)."""
        for p in _result_files(path)[:3]:
            try:
                if self.sniff(p, safe_head(p)) > 0:
                    return 0.95
            except OSError:
                continue
        return 0.0

    def read(self, path: Path, ctx: ReadContext) -> Iterator[pa.Table]:
        files = _result_files(path) if path.is_dir() else [path]
        if not files:
            raise InputError(f"{path}: no result.json (Telegram Desktop export) in this folder")
        tz = None
        if "tz" in ctx.column_map:
            try:
                tz = ZoneInfo(ctx.column_map["tz"])
            except (ZoneInfoNotFoundError, ValueError):
                raise InputError(
                    f"unknown time zone {ctx.column_map['tz']!r} (--map tz=…); "
                    "use an IANA name such as Europe/Kyiv"
                ) from None
        accounts = Accounts(["account_name", "chat_name"])
        rows = Rows(ctx.source, self.platform)

        def messages(f: Path) -> Iterator[tuple[int, Any]]:
            stream = open_json_stream(f)
            try:
                yield from iter_json_items(stream, _walk(stream), ctx)
            finally:
                stream.fh.close()

        def convert(row: int, rec: tuple[Any, dict[str, Any], str], out: Rows) -> None:
            msg, chat, src = rec
            if not isinstance(msg, dict):
                raise RecordError("message is not a JSON object")
            if msg.get("type", "message") != "message":
                raise RecordError(
                    f"service message ({str(msg.get('action') or msg.get('type'))[:40]})"
                )
            chat_id = s_or_none(chat.get("id")) or short_hash(src)
            mid = s_or_none(msg.get("id"))
            if mid is None:
                raise RecordError("missing message id")
            unix = msg.get("date_unixtime")
            if unix in (None, "") and tz is None and msg.get("date") not in (None, ""):
                ctx.warn(f"{chat.get('name') or chat_id}: messages without date_unixtime (an older export) have "
                         "only the exporting computer's local time, read as UTC; give its zone with "
                         "--map tz=Area/City (e.g. --map tz=Europe/Kyiv)")
            ts = to_us(unix) if unix not in (None, "") else to_us(msg.get("date"), tz)
            aid = s_or_none(msg.get("from_id")) or s_or_none(msg.get("actor_id"))
            if aid is None:
                ctype = str(chat.get("type") or "")
                aid = ("channel" if "channel" in ctype else "chat") + chat_id
            text, urls, tags, ments = _text(msg.get("text"))
            ents = msg.get("text_entities")
            if isinstance(ents, list) and not isinstance(msg.get("text"), list):
                _, urls, tags, ments = _text(ents)
            repost = None
            fwd = s_or_none(msg.get("forwarded_from_id")) or s_or_none(msg.get("forwarded_from"))
            if fwd is not None or "forwarded_from" in msg:
                media = [str(msg.get(k)) for k in _MEDIA_KEYS if msg.get(k) is not None]
                if "photo" in msg:
                    media.append("photo")
                repost = f"fwd:{fwd or 'hidden'}:{short_hash(text, *media)}"
            reply = s_or_none(msg.get("reply_to_message_id"))
            if reply is not None:
                peer = s_or_none(msg.get("reply_to_peer_id"))
                reply = f"{peer or chat_id}/{reply}"
            out.add(
                row,
                f"{chat_id}/{mid}",
                aid,
                ts,
                text or None,
                dedupe(urls),
                repost,
                reply,
                dedupe(tags),
                dedupe(ments),
                source=src,
            )
            accounts.add(
                aid,
                account_name=msg.get("from"),
                chat_name=chat.get("name") if aid.endswith(chat_id) else None,
            )

        folder = ctx.path
        for f in files:
            ctx.path = f  # rejects name the export file they come from
            try:
                yield from read_records(
                    ((r, (m, c, str(f))) for r, (m, c) in messages(f)), convert, rows, ctx
                )
            finally:
                ctx.path = folder
        ctx.records_read = rows.n_out + ctx.n_rejected
        accounts.emit(ctx)


def _walk(stream: JsonStream) -> Iterator[tuple[Any, dict[str, Any]]]:
    """(message, chat metadata) for every message of a single or full export."""
    meta: dict[str, Any] = {}
    for key in stream.object_keys():
        if key == "messages" and stream.peek() == "[":
            for _ in stream.array_items():
                yield stream.value(), meta
        elif key in ("chats", "left_chats") and stream.peek() == "{":
            for k2 in stream.object_keys():
                if k2 == "list" and stream.peek() == "[":
                    for _ in stream.array_items():
                        yield from _chat(stream)
                else:
                    stream.value()
        else:
            v = stream.value()
            if not isinstance(v, (dict, list)):
                meta[key] = v


def _chat(stream: JsonStream) -> Iterator[tuple[Any, dict[str, Any]]]:
    if stream.peek() != "{":
        stream.value()
        return
    meta: dict[str, Any] = {}
    for key in stream.object_keys():
        if key == "messages" and stream.peek() == "[":
            for _ in stream.array_items():
                yield stream.value(), meta
        else:
            v = stream.value()
            if not isinstance(v, (dict, list)):
                meta[key] = v
