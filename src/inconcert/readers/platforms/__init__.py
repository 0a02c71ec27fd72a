"""Readers for real platform exports; each registers itself in :data:`inconcert.readers.READERS`.

One module per format (see ``docs/formats.md``). Importing this package (done
by :mod:`inconcert.readers`) registers them all.

>>> from inconcert.readers import READERS
>>> sorted(r.name for r in PLATFORM_READERS)[:3]
['bluesky', 'coortweet_multi', 'crowdtangle']
>>> all(r.name in READERS for r in PLATFORM_READERS)
True
"""

from __future__ import annotations

from inconcert.readers.platforms.bluesky import BlueskyReader
from inconcert.readers.platforms.coortweet_multi import CoorTweetMultiReader
from inconcert.readers.platforms.crowdtangle import CrowdTangleReader
from inconcert.readers.platforms.fivethirtyeight import FiveThirtyEightReader
from inconcert.readers.platforms.io_archive import IOArchiveReader
from inconcert.readers.platforms.mastodon import MastodonReader
from inconcert.readers.platforms.telegram import TelegramReader
from inconcert.readers.platforms.twitter_v1 import TwitterV1Reader
from inconcert.readers.platforms.twitter_v2 import TwitterV2Reader

__all__ = ["PLATFORM_READERS"]

PLATFORM_READERS = [
    TwitterV2Reader(),
    TwitterV1Reader(),
    IOArchiveReader(),
    FiveThirtyEightReader(),
    CrowdTangleReader(),
    TelegramReader(),
    BlueskyReader(),
    MastodonReader(),
    CoorTweetMultiReader(),
]


def _register() -> None:
    # Imported late: this package is imported by inconcert.readers after READERS exists.
    from inconcert.readers import register

    for reader in PLATFORM_READERS:
        register(reader)


_register()
