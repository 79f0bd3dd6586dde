"""Name normalization: one key for every spelling of the same identifier."""

from __future__ import annotations

import re
import unicodedata

# Longest name the catalog looks up: well above any real identifier (the seed's are at most
# 200 characters), low enough that every lookup below it is fast.
MAX_NAME_LENGTH = 512

_ASCII_SEPARATORS = re.compile(r"[^a-z0-9:/+@\x00-\x1f\x7f]+")
# Outside ASCII a letter or digit is itself (a Cyrillic `о` is not an `o`); punctuation and
# spaces are separators; control and format characters (NUL, zero-width, bidi) are neither,
# so that a name holding one never matches a listed name.
_SEPARATORS = re.compile(
    r"(?:_|[^\w:/+@\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff])+"
)

_EDGES = re.compile(r"^[\s-]+|[\s-]+$")


def name_key(name: str) -> str:
    """Fold case and every run of separators (space, dot, underscore, brackets) into one dash.

    `GTE Large (En)`, `gte-large-en` and `GTE_Large_EN` share a key; `gpt-3.5-turbo`
    and `gpt-35-turbo` do not. Outside ASCII, NFKC folds compatibility forms first
    (full-width `ｇｐｔ` is `gpt`), but letters of other scripts stay what they are.
    """
    if name.isascii():
        return _EDGES.sub("", _ASCII_SEPARATORS.sub("-", name.lower()))
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _EDGES.sub("", _SEPARATORS.sub("-", folded))


def name_problem(name: str) -> str | None:
    """Why `name` cannot be looked up (too long, or a control character in it), or None."""
    if len(name) > MAX_NAME_LENGTH:
        return f"a name is at most {MAX_NAME_LENGTH} characters; this one has {len(name)}"
    for char in name:
        if unicodedata.category(char) == "Cc":
            return f"a name cannot contain the control character U+{ord(char):04X}"
    return None
