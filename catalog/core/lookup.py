"""Finding models and architectures by any of their names, and suggesting close names."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from itertools import chain
from typing import NamedTuple

from rapidfuzz import fuzz, process

from catalog.core.names import NameRead, name_key, read_name_form, read_version
from catalog.core.records import ArchitectureRec, ModelRec
from catalog.core.snapshot import Snapshot, SortedNames

CUTOFF = 60.0  # percent similarity below which a name is not suggested
SHORTLIST = 3_000  # candidates from shared trigrams, at most
NEIGHBOURS = 200  # candidates on each side of the name, in each order


def find(snapshot: Snapshot, key: str) -> tuple[ModelRec, str] | None:
    """A model and how the key named it: `listed` (its own name) or the alias kind."""
    model = snapshot.by_name.get(key)
    if model is not None:
        return model, "listed"
    return snapshot.by_alias.get(key)


def find_model(snapshot: Snapshot, name: str) -> ModelRec | None:
    found = find(snapshot, name_key(name))
    return found[0] if found is not None else None


class Written(NamedTuple):
    """The model a written name means (None: not in the catalog) and how it was read."""

    model: ModelRec | None
    read: NameRead
    version: str | None = None


def find_written(snapshot: Snapshot, text: str) -> Written:
    """The model `text` names as people write it: a listed name or alias, else the name inside
    its provider form (`azure/gpt-4o`), else the family of a version (`gpt-35-turbo-0613`)."""
    bare = NameRead(None, text, None)
    found = find(snapshot, name_key(text))
    if found is not None:
        return Written(found[0], bare)
    read = read_name_form(snapshot, text) if text.strip() else bare
    if read.outside is not None:
        return Written(None, read)
    key = name_key(read.name)
    found = find(snapshot, key) if key else None
    if found is not None:
        return Written(found[0], read)
    version = read_version(snapshot, key) if key else None
    if version is not None:
        return Written(version.family, read, version.version)
    return Written(None, read)


def match_architecture(snapshot: Snapshot, key: str) -> ArchitectureRec | None:
    """The architecture `key` names exactly: by its name, an alias or a Hugging Face id (with or
    without the organisation). Never by a prefix: `mistral-large-latest` is no Mistral 7B."""
    found = snapshot.architecture_by_key.get(key)
    if found is None and "/" in key:
        found = snapshot.architecture_by_key.get(key.rsplit("/", 1)[1])
    return found


def _grams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _trigram_index(snapshot: Snapshot) -> Mapping[str, tuple[str, ...]]:
    """Name trigram -> the known name keys that contain it, built once per snapshot."""
    index = snapshot.derived.trigrams
    if index is None:
        built: dict[str, list[str]] = defaultdict(list)
        for known in sorted(snapshot.display_by_key):
            for gram in _grams(known):
                built[gram].append(known)
        index = snapshot.derived.trigrams = {gram: tuple(keys) for gram, keys in built.items()}
    return index


def _shortlist(index: Mapping[str, tuple[str, ...]], key: str) -> list[str]:
    """Known keys sharing the query's rarest trigrams, at most `SHORTLIST` of them.

    A name close enough to suggest shares several trigrams with the query, and its rare
    ones single it out: the common ones (`-7b`, `ins`) would only add thousands of
    candidates for the scorer to reject (a trigram in more keys than that is never used).
    """
    postings = sorted((index.get(gram, ()) for gram in _grams(key)), key=len)
    chosen: list[tuple[str, ...]] = []
    total = 0
    for posting in postings:
        total += len(posting)
        if total > SHORTLIST:
            break
        chosen.append(posting)
    return list(chain.from_iterable(chosen))


def _sorted_names(snapshot: Snapshot) -> SortedNames:
    names = snapshot.derived.sorted_names
    if names is None:
        keys = sorted(snapshot.display_by_key)
        backward = sorted((key[::-1], key) for key in keys)
        names = snapshot.derived.sorted_names = SortedNames(
            keys, [reversed_key for reversed_key, _ in backward], [key for _, key in backward]
        )
    return names


def _neighbours(key: str, names: SortedNames) -> list[str]:
    """Known keys next to `key` in name order and in reversed-name order.

    One mistyped character leaves either a long shared prefix or a long shared suffix, and
    the names sharing it sit next to each other in one of the two orders. The reversed order
    keeps each key as written beside it, so no key is reversed back on a request.
    """
    at = bisect_left(names.forward, key)
    found = names.forward[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]
    at = bisect_left(names.backward, key[::-1])
    found += names.backward_keys[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]
    return found


def prepare_suggestions(snapshot: Snapshot) -> None:
    """Build the suggestion indexes now (seconds at 100,000 models), not on the first unknown
    name: a server does this off its event loop whenever a new snapshot arrives."""
    _trigram_index(snapshot)
    _sorted_names(snapshot)


def suggest(snapshot: Snapshot, name: str, limit: int = 5) -> list[str]:
    """Up to `limit` known names close to `name`, best first.

    Candidates are the names sharing the query's rarest trigrams and the names next to it
    in name order (and reversed); each is scored by rapidfuzz's normalised Indel similarity
    (difflib's ratio, computed exactly and in C), cut off at 0.6; ties go alphabetically.
    """
    key = name_key(name)
    if not key:
        return []
    candidates = _shortlist(_trigram_index(snapshot), key)
    candidates += _neighbours(key, _sorted_names(snapshot))
    found = process.extract(
        key,
        list(dict.fromkeys(candidates)),  # a key may come twice: two trigrams, or a neighbour
        scorer=fuzz.ratio,
        score_cutoff=CUTOFF,
        limit=limit,
        processor=None,
    )
    ranked = sorted(found, key=lambda hit: (-hit[1], hit[0]))
    return [snapshot.display_by_key[known] for known, _score, _index in ranked]
