"""Finding models and architectures by any of their names, and suggesting close names."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from typing import NamedTuple

from catalog.core.names import NameRead, name_key, read_name_form, read_version
from catalog.core.records import ArchitectureRec, ModelRec
from catalog.core.snapshot import Snapshot


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


def suggest(snapshot: Snapshot, name: str, limit: int = 5) -> list[str]:
    """Up to `limit` known names close to `name`, best first (trigram shortlist, then difflib)."""
    key = name_key(name)
    if not key:
        return []
    index = snapshot.derived.trigrams
    if index is None:
        built: dict[str, list[str]] = defaultdict(list)
        for known in snapshot.display_by_key:
            for gram in _grams(known):
                built[gram].append(known)
        index = snapshot.derived.trigrams = {gram: tuple(keys) for gram, keys in built.items()}
    hits: Counter[str] = Counter()
    for gram in _grams(key):
        hits.update(index.get(gram, ()))
    shortlist = [known for known, _count in hits.most_common(50)]
    scored = []
    for known in shortlist:
        ratio = difflib.SequenceMatcher(None, key, known).ratio()
        if ratio >= 0.6:
            scored.append((-ratio, known))
    scored.sort()
    return [snapshot.display_by_key[known] for _ratio, known in scored[:limit]]
