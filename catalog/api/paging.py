"""Opaque cursors over a stable order: a page starts after the last item of the one before.

The cursor names a position in the order, not an offset, so a page stays right when a new
revision adds or removes models before it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence

from catalog.errors import InvalidArgument
from catalog.schemas import ModelInfo

SortKey = tuple[str, str]


def sort_key(model: ModelInfo) -> SortKey:
    return (model.name.casefold(), model.name)


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


def page(
    models: Sequence[ModelInfo], limit: int, cursor: str | None
) -> tuple[list[ModelInfo], str | None]:
    """The `limit` models after `cursor` in name order, and the cursor of the page after."""
    ordered = sorted(models, key=sort_key)
    if cursor is not None:
        after = decode_cursor(cursor)
        ordered = [m for m in ordered if sort_key(m) > after]
    chosen = ordered[:limit]
    more = len(ordered) > limit
    return chosen, (encode_cursor(sort_key(chosen[-1])) if more and chosen else None)
