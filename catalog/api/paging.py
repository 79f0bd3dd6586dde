"""Opaque cursors over the list order (`catalog.core.listing`): a page starts after the last
item of the one before.

The cursor names a position in the order, not an offset, so a page stays right when a new
revision adds or removes models before it.
"""

from __future__ import annotations

import base64
import binascii
import json

from catalog.core.listing import ListKey as SortKey
from catalog.errors import InvalidArgument


def encode_cursor(key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        folded, name = json.loads(raw)
        if isinstance(folded, str) and isinstance(name, str):
            return (folded, name)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        pass
    raise InvalidArgument(
        f"not a cursor from this API: {cursor!r}; pass the next_cursor of the previous page",
        field="cursor",
    )
