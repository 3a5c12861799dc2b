"""Turning a dict item into the JSONL line the reader parses."""

import datetime
import json


def _plain(value):
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def item_json(item, index):
    """``item`` (a mapping with a ``text`` field) as one JSON object; ``index`` for messages."""
    prefix = "" if index is None else f"item {index}: "
    try:
        return json.dumps(dict(item), default=_plain, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"{prefix}fields must be JSON values (dates as date/datetime): {e}") from None
