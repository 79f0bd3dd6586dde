"""Finding models and architectures by any of their names, and suggesting close names."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict

from catalog.core.names import name_key
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


def match_architecture(snapshot: Snapshot, key: str) -> ArchitectureRec | None:
    """The architecture whose name or alias is the longest prefix of `key` at a dash.

    A Hugging Face style organisation (`meta-llama/`) is dropped first. A prefix followed
    by a bare number is a different version (`llama-3` does not match `llama-3-2-11b`).
    """
    parts = key.rsplit("/", 1)[-1].split("-")
    for end in range(len(parts), 0, -1):
        arch = snapshot.architecture_by_key.get("-".join(parts[:end]))
        if arch is None:
            continue
        rest = parts[end:]
        if rest and rest[0].isdigit():
            continue
        return arch
    return None


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
