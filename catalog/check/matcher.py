"""Find candidate model references in text: one Aho-Corasick pass per file, then tokens.

The automaton holds every identifier the catalog knows, lowercased; it runs in C over the
whole text, so a line without a candidate costs no Python work. Each hit is widened to the
whole token around it (a token is a run of `A-Za-z0-9_.:/@-`, so `gpt-4o` inside
`gpt-4o-mini`, `my_gpt-4o_client` or `prompts/gpt-4.txt` is that longer token), and the
token, not the hit, is what gets resolved: the longest reading always wins.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from catalog.check.forms import Form, read_form
from catalog.core.names import name_key

WORD = frozenset(string.ascii_lowercase + string.digits + "_")
TOKEN = frozenset(string.ascii_letters + string.digits + "_.:/@-")
TRAILING = ".:/@-"  # sentence punctuation, a YAML key's colon: never the end of a name
LEADING = ".:-"
IDENTIFIER = re.compile(r"[a-z0-9][a-z0-9._:/@+-]*")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True, slots=True)
class Token:
    """A token that contains a known identifier: where it is and the name to resolve."""

    start: int
    end: int
    token: str
    name: str  # the bare name inside the token
    form: Form | None


class Matcher:
    """Every identifier of one catalog revision in one automaton."""

    def __init__(
        self, identifiers: Iterable[str], reader: Callable[[str], Form | None] = read_form
    ) -> None:
        self._read_form = reader  # the catalog's own name forms, where the engine gives them
        automaton: Any = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        count = 0
        for identifier in identifiers:
            automaton.add_word(identifier)
            count += 1
        if count:
            automaton.make_automaton()
        self._automaton = automaton
        self.size = count

    def candidates(
        self, text: str, reader: Callable[[str], Form | None] | None = None
    ) -> Iterator[Token]:
        """Tokens of `text` that contain an identifier, each once, in order; `reader` (else
        the matcher's own) reads each token's provider form."""
        read_form = reader or self._read_form
        if not self.size:
            return
        lowered = text.lower()
        if len(lowered) != len(text):  # a few non-ASCII letters lengthen when lowered
            lowered = text.translate(_ASCII_LOWER)
        size = len(lowered)
        last_end = -1
        for end_index, length in self._automaton.iter_long(lowered):
            end = end_index + 1
            start = end - length
            # Inside a longer word on either side: not this name (cheap, and most hits).
            if (start > 0 and lowered[start - 1] in WORD) or (end < size and lowered[end] in WORD):
                continue
            if start < last_end:
                continue
            token_start, token_end = _widen(lowered, start, end, size)
            if token_end <= last_end:
                continue
            last_end = token_end
            token = text[token_start:token_end]
            form = read_form(token)
            name = token[form.start : form.end] if form is not None else token
            yield Token(token_start, token_end, token, name, form)


def _widen(lowered: str, start: int, end: int, size: int) -> tuple[int, int]:
    while start > 0 and lowered[start - 1] in TOKEN:
        start -= 1
    while end < size and lowered[end] in TOKEN:
        end += 1
    while end > start and lowered[end - 1] in TRAILING:
        end -= 1
    while start < end and lowered[start] in LEADING:
        start += 1
    return start, end


def identifiers_of(names: Iterable[str]) -> set[str]:
    """The lowercased forms worth matching: as written, and folded, where they look like ids."""
    found: set[str] = set()
    for name in names:
        for form in (name.strip().lower(), name_key(name)):
            if IDENTIFIER.fullmatch(form):
                found.add(form)
    return found
