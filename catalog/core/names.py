"""Names as people write them: one key per spelling, the provider forms tools wrap names in,
and the version suffixes a family really uses.

The resolver, `show`, `models -q`, the API and the scanner all read names through here, so a
name written `azure/gpt-4o`, `openai:gpt-4o-mini` or `us.anthropic.claude-…-v2:0` means the
same thing to each of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from catalog.vocabulary import ServingMode, VersionShape

if TYPE_CHECKING:
    from catalog.core.records import ModelRec, NameFormRec
    from catalog.core.snapshot import Snapshot

MAX_FORMS = 4  # forms nest (bedrock/ then us. then anthropic.); never more deeply than this

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


class NameRead(NamedTuple):
    """What a written name says: the provider its form decides, the bare name, the form read.

    `provider` is None when no form decided one, or when the form belongs to a provider the
    catalog does not cover (then `form.outside` names it).
    """

    provider: str | None
    name: str
    form: NameFormRec | None

    @property
    def outside(self) -> str | None:
        return self.form.outside if self.form is not None else None

    @property
    def serving_mode(self) -> ServingMode | None:
        return self.form.mode if self.form is not None else None


@dataclass(frozen=True, slots=True)
class FormIndex:
    """The snapshot's name forms, compiled once: prefixes by length, patterns in seed order."""

    prefixes: dict[str, NameFormRec]
    lengths: tuple[int, ...]
    patterns: tuple[tuple[re.Pattern[str], NameFormRec], ...]


def form_index(snapshot: Snapshot) -> FormIndex:
    index = snapshot.derived.name_forms
    if index is None:
        prefixes = {f.form.lower(): f for f in snapshot.name_forms if f.kind == "prefix"}
        index = snapshot.derived.name_forms = FormIndex(
            prefixes=prefixes,
            lengths=tuple(sorted({len(p) for p in prefixes}, reverse=True)),
            patterns=tuple(
                (re.compile(f.form, re.IGNORECASE), f)
                for f in snapshot.name_forms
                if f.kind == "pattern"
            ),
        )
    return index


def read_name_span(snapshot: Snapshot, text: str) -> tuple[NameRead, int, int]:
    """`read_name_form`, with where the bare name sits in `text` (start, end): what a tool that
    rewrites names in place (the check's fixes) needs."""
    index = form_index(snapshot)
    start = len(text) - len(text.lstrip())
    rest, provider, first = text.strip(), None, None
    for _ in range(MAX_FORMS):
        found = _one_form_span(index, rest, provider)
        if found is None:
            break
        form, offset, inner = found
        if inner == rest:
            first, provider = first or form, form.provider
            break
        start, rest, first = start + offset, inner, first or form
        if form.outside is not None:
            return NameRead(None, rest, first), start, start + len(rest)
        provider = form.provider
    return NameRead(provider, rest, first), start, start + len(rest)


def _one_form_span(
    index: FormIndex, text: str, provider: str | None
) -> tuple[NameFormRec, int, str] | None:
    """`_one_form`, with the offset of the rest inside `text`."""
    lowered = text.lower()
    for length in index.lengths:
        if length < len(text):
            form = index.prefixes.get(lowered[:length])
            if form is not None and (provider is None or form.provider == provider):
                return form, length, text[length:]
    for pattern, form in index.patterns:
        if provider is not None and form.provider != provider:
            continue
        match = pattern.fullmatch(text)
        if match is not None and match["name"]:
            return form, match.start("name"), match["name"]
    return None


def read_name_form(snapshot: Snapshot, text: str) -> NameRead:
    """Strip the forms `text` is written in, outermost first, and say which provider they decide.

    `azure/us/gpt-4o` -> (azure-openai, gpt-4o, LiteLLM's azure form); `gemini/gemini-pro` ->
    (None, gemini-pro, a form whose `outside` is Google AI Studio); a bare name -> (None, name,
    None). Forms nest within one provider: `bedrock/us.anthropic.claude-v2:1` reads as Bedrock's
    `claude-v2:1`.
    """
    return read_name_span(snapshot, text)[0]


# -- versions -------------------------------------------------------------------------------

_SHAPES: tuple[tuple[VersionShape, re.Pattern[str]], ...] = tuple(
    (
        shape,
        re.compile(
            rf"^(?P<family>.+){re.escape(shape.joiner)}(?P<version>{shape.version_pattern})$"
        ),
    )
    for shape in VersionShape
)


class VersionRead(NamedTuple):
    """A name read as a version of a listed family: the family, the shape and the version."""

    family: ModelRec
    shape: VersionShape
    version: str


def read_version(snapshot: Snapshot, key: str) -> VersionRead | None:
    """The family `key` is a version of, where that family declares the version's shape.

    Only the shapes a family uses are read, so `text-embedding-3-large-256` is no version of
    anything while `gpt-35-turbo-0613` is version 0613 of gpt-35-turbo.
    """
    for shape, pattern in _SHAPES:
        match = pattern.match(key)
        if match is None:
            continue
        family = snapshot.by_name.get(match["family"])
        if family is None:
            alias = snapshot.by_alias.get(match["family"])
            family = alias[0] if alias is not None else None
        if family is not None and shape in family.version_shapes:
            return VersionRead(family, shape, match["version"])
    return None
