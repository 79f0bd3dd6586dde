"""Name normalization: one key for every spelling of the same identifier."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[^a-z0-9:/+@]+")


def name_key(name: str) -> str:
    """Fold case and every run of separators (space, dot, underscore, brackets) into one dash.

    `GTE Large (En)`, `gte-large-en` and `GTE_Large_EN` share a key; `gpt-3.5-turbo`
    and `gpt-35-turbo` do not.
    """
    return _SEPARATORS.sub("-", name.strip().lower()).strip("-")
