"""The canonical ``actions`` table: one row per post or action.

Every reader converts its format into this table and every later stage reads
only this table. Columns:

============  =====================  ==============================================
column        type                   meaning
============  =====================  ==============================================
post_id       string                 id of the post/action (unique per platform)
account_id    string                 who acted (account, channel, site)
ts            timestamp[us, UTC]     when; always UTC
text          string | null          the post's text as published
urls          list<string>           links in the post (raw; canonicalised later)
repost_of     string | null          id of the post this one reposts/retweets/forwards
reply_to      string | null          id of the post this one replies to
hashtags      list<string>           hashtags without '#'
mentions      list<string>           mentioned accounts without '@'
image         string | null          perceptual hash / cluster id of an attached image
object        string | null          a generic object id (CooRTweet's ``object_id``)
platform      string                 e.g. ``twitter``, ``telegram``, ``generic``
source        string                 input file the row came from
row           int64                  1-based record number in that file
============  =====================  ==============================================

Readers may also return account attributes (``account_id`` plus string
columns such as ``account_name``, ``account_category``) in an ``accounts``
side table; they never add columns here.

>>> ACTIONS_SCHEMA.names[:3]
['post_id', 'account_id', 'ts']
>>> empty_actions().num_rows
0
"""

from __future__ import annotations

import pyarrow as pa

__all__ = ["ACTIONS_SCHEMA", "ACTION_COLUMNS", "REJECTS_SCHEMA", "empty_actions", "conform"]

ACTIONS_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("account_id", pa.string(), nullable=False),
        pa.field("ts", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("text", pa.string()),
        pa.field("urls", pa.list_(pa.string())),
        pa.field("repost_of", pa.string()),
        pa.field("reply_to", pa.string()),
        pa.field("hashtags", pa.list_(pa.string())),
        pa.field("mentions", pa.list_(pa.string())),
        pa.field("image", pa.string()),
        pa.field("object", pa.string()),
        pa.field("platform", pa.string()),
        pa.field("source", pa.string()),
        pa.field("row", pa.int64()),
    ]
)
ACTION_COLUMNS: list[str] = ACTIONS_SCHEMA.names

#: Rejected input records: where they came from and why they were rejected.
REJECTS_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("reason", pa.string()),
        pa.field("record", pa.string()),
    ]
)


def empty_actions() -> pa.Table:
    """An actions table with no rows."""
    return ACTIONS_SCHEMA.empty_table()


def conform(batch: pa.RecordBatch | pa.Table) -> pa.Table:
    """Return ``batch`` with exactly the actions columns, in order and types.

    Missing columns are filled with nulls; extra columns are dropped.

    >>> import pyarrow as pa, datetime as dt
    >>> t = pa.table({"post_id": ["1"], "account_id": ["a"],
    ...               "ts": [dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)]})
    >>> conform(t).schema == ACTIONS_SCHEMA
    True
    """
    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    n = table.num_rows
    arrays = []
    for field in ACTIONS_SCHEMA:
        if field.name in table.column_names:
            col = table.column(field.name)
            if col.type != field.type:
                col = col.cast(field.type)
            arrays.append(col)
        else:
            arrays.append(pa.nulls(n, field.type))
    return pa.Table.from_arrays(arrays, schema=ACTIONS_SCHEMA)
