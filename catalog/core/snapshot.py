"""One read of the whole catalog into immutable in-memory indexes.

Resolution and listing never query the database per request: they run over a
`Snapshot`, which the library rebuilds when the catalog's revision changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from catalog.core.names import name_key
from catalog.core.records import (
    ArchitectureRec,
    CatalogFacts,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
)
from catalog.vocabulary import ServingMode

if TYPE_CHECKING:
    from catalog.core.names import FormIndex
    from catalog.schemas import Notice


@dataclass(frozen=True, slots=True)
class OfferingText:
    """What the resolver says about an offering whatever the date: where it is, standing notices."""

    where: str
    notices: tuple[Notice, ...]


class SortedNames(NamedTuple):
    """Every known name key in order (`forward`), and reversed in order of the reversal
    (`backward`) with each key as written at the same place (`backward_keys`)."""

    forward: list[str]
    backward: list[str]
    backward_keys: list[str]


@dataclass(slots=True, eq=False)
class DerivedIndexes:
    """Indexes derived from a snapshot's records on first use, each built at most once.

    A snapshot never changes, so what is derived from it may be kept with it. Each index is
    a named, typed field: a new one (the scanner's matcher, say) is one more field here.
    """

    # name trigram -> the name keys that contain it (close-name suggestions)
    trigrams: Mapping[str, tuple[str, ...]] | None = None
    # the name keys in order, and in order of their reversal (close-name suggestions)
    sorted_names: SortedNames | None = None
    # id(offering) -> its date-independent text; the snapshot keeps offerings alive, ids are stable
    offering_text: dict[int, OfferingText] = field(default_factory=dict)
    # the name forms, compiled (catalog.core.names.form_index)
    name_forms: FormIndex | None = None
    # (offering identity, version) -> the offering as that version lives it; kept alive here so
    # that offering_text's ids stay stable
    version_offerings: dict[tuple[object, ...], OfferingRec] = field(default_factory=dict)
    # extra names -> the check's multi-pattern matcher (catalog.check.matcher.Matcher)
    matchers: dict[tuple[str, ...], object] = field(default_factory=dict)
    # the models in list order and their (folded name, name) keys (catalog.core.listing)
    listing: tuple[tuple[ModelRec, ...], list[tuple[str, str]]] | None = None
    # every model's searchable keys in one text, in list order, and where each model's starts
    # (catalog.core.listing.search_text)
    search_text: tuple[str, list[int]] | None = None
    # ("provider", slug), ("publisher", slug), ("task", task), ("mode", mode) -> the list-order
    # positions of the models it applies to (catalog.core.listing.facet_positions)
    facets: Mapping[tuple[str, str], list[int]] | None = None
    # a filtered list (its filters as read) -> the list-order positions of its models
    # (catalog.library.models_page; a few dozen lists at most)
    list_matches: dict[tuple[object, ...], list[int]] = field(default_factory=dict)
    # every known name key -> how to show it (Snapshot.display_by_key), and until it is built,
    # the alias and endpoint-name keys with their names as written
    display: Mapping[str, str] | None = None
    alias_names: tuple[Sequence[str], Sequence[str]] | None = None


def _frozen(mapping: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(mapping)


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """The catalog at one revision, indexed for lookups by every kind of name."""

    revision: int
    loaded_at: dt.datetime | None
    models: tuple[ModelRec, ...]
    providers: Mapping[str, ProviderRec]
    publishers: Mapping[str, PublisherRec]
    architectures: tuple[ArchitectureRec, ...]
    by_name: Mapping[str, ModelRec]  # model name keys
    by_alias: Mapping[str, tuple[ModelRec, str]]  # alias and endpoint-name keys, with their kind
    by_exact_name: Mapping[str, ModelRec]
    architecture_by_key: Mapping[str, ArchitectureRec]
    provider_by_key: Mapping[str, ProviderRec]
    publisher_by_key: Mapping[str, PublisherRec]
    name_forms: tuple[NameFormRec, ...] = ()  # how tools write names, in the seed's order
    # the schema, sources, sizes and history, read with the records
    facts: CatalogFacts = field(default_factory=CatalogFacts)
    derived: DerivedIndexes = field(default_factory=lambda: DerivedIndexes())

    @classmethod
    def build(
        cls,
        *,
        revision: int,
        models: Iterable[ModelRec],
        providers: Iterable[ProviderRec],
        publishers: Iterable[PublisherRec] = (),
        architectures: Iterable[ArchitectureRec] = (),
        loaded_at: dt.datetime | None = None,
        name_forms: Iterable[NameFormRec] = (),
        alias_columns: AliasColumns | None = None,
        facts: CatalogFacts | None = None,
    ) -> Snapshot:
        """Index the records. `alias_columns` (every alias with its key, as the database keeps
        them) spares walking and folding each model's aliases again."""
        with gc_paused():
            built = cls._build(
                revision, models, providers, publishers, architectures, loaded_at, alias_columns
            )
            extra: dict[str, Any] = {}
            forms = tuple(name_forms)
            if forms:
                extra["name_forms"] = forms
            if facts is not None:
                extra["facts"] = facts
            return dataclasses.replace(built, **extra) if extra else built

    @property
    def display_by_key(self) -> Mapping[str, str]:
        """Every known name key -> how to show it: what a suggestion prints.

        Built on first use, like the other suggestion indexes (`lookup.prepare_suggestions`,
        which a server runs off its event loop): resolving never needs it, and building it
        was a twentieth of a 100,000-model snapshot's read.
        """
        derived = self.derived
        if derived.display is None:
            display: dict[str, str] = {}
            if derived.alias_names is not None:
                keys, names = derived.alias_names
                display.update(zip(keys, names, strict=True))
            display.update(zip(map(_KEY, self.models), map(_NAME, self.models), strict=True))
            derived.display, derived.alias_names = _frozen(display), None  # names win
        return derived.display

    @classmethod
    def _build(
        cls,
        revision: int,
        models: Iterable[ModelRec],
        providers: Iterable[ProviderRec],
        publishers: Iterable[PublisherRec],
        architectures: Iterable[ArchitectureRec],
        loaded_at: dt.datetime | None,
        alias_columns: AliasColumns | None,
    ) -> Snapshot:
        model_list = tuple(sorted(models, key=_KEY))
        keys = list(map(_KEY, model_list))
        # Every index below is made in C, a whole column at a time: a loop per model in
        # Python was a third of a 100,000-model snapshot's read.
        by_name: dict[str, ModelRec] = dict(zip(keys, model_list, strict=True))
        by_exact_name = dict(zip(map(_NAME, model_list), model_list, strict=True))
        if alias_columns is None:
            alias_columns = _alias_columns_of(model_list, by_exact_name)
        owners = zip(alias_columns.models, alias_columns.kinds, strict=True)
        by_alias = dict(zip(alias_columns.keys, owners, strict=True))
        provider_map = {p.slug: p for p in providers}
        provider_keys: dict[str, ProviderRec] = {}
        for provider in provider_map.values():
            provider_keys[name_key(provider.slug)] = provider
            provider_keys.setdefault(name_key(provider.name), provider)
        publisher_map = {p.slug: p for p in publishers}
        publisher_keys: dict[str, PublisherRec] = {}
        for publisher in publisher_map.values():
            publisher_keys[name_key(publisher.slug)] = publisher
            publisher_keys.setdefault(name_key(publisher.name), publisher)
        arch_list = tuple(sorted(architectures, key=lambda a: a.key))
        arch_keys: dict[str, ArchitectureRec] = {}
        for arch in arch_list:
            arch_keys[arch.key] = arch
            for alias in arch.aliases:
                key = name_key(alias)
                arch_keys.setdefault(key, arch)
                if "/" in key:  # a Hugging Face id also names it without its organisation
                    arch_keys.setdefault(key.rsplit("/", 1)[1], arch)
        return cls(
            revision=revision,
            loaded_at=loaded_at,
            models=model_list,
            providers=_frozen(provider_map),
            publishers=_frozen(publisher_map),
            architectures=arch_list,
            by_name=_frozen(by_name),
            by_alias=_frozen(by_alias),
            by_exact_name=_frozen(by_exact_name),
            architecture_by_key=_frozen(arch_keys),
            provider_by_key=_frozen(provider_keys),
            publisher_by_key=_frozen(publisher_keys),
            derived=DerivedIndexes(alias_names=(alias_columns.keys, alias_columns.names)),
        )

    def offerings_at(self, model: str, provider: str, mode: ServingMode) -> tuple[OfferingRec, ...]:
        """A model's offerings at one provider in one serving mode (one per task), in order.

        Filtered from the model's own few offerings on each call: an index of every place
        cost a fifth of a 100,000-model snapshot's read, to spare a loop over three or four.
        """
        found = self.by_exact_name.get(model)
        if found is None:
            return ()
        return tuple(o for o in found.offerings if o.provider == provider and o.mode is mode)

    @property
    def offering_count(self) -> int:
        return sum(len(m.offerings) for m in self.models)


_KEY = attrgetter("key")
_NAME = attrgetter("name")
_ALIASES = attrgetter("aliases")
_OFFERINGS = attrgetter("offerings")
_ENDPOINT_NAME = attrgetter("endpoint_name")
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


class AliasColumns(NamedTuple):
    """Every endpoint name and alias as columns, their keys folded: what the database holds.

    The indexes are made from them in C, where a key given twice keeps its last entry: the
    reader lists endpoint names first (kind "endpoint"; the first model in key order last),
    then the aliases, whose keys the database keeps unique. So, as in a build from records,
    an alias wins over an endpoint name and the first model over a later one.
    """

    keys: Sequence[str]
    names: Sequence[str]
    kinds: Sequence[str]
    models: Sequence[ModelRec]


def _alias_columns_of(
    models: Sequence[ModelRec], by_exact_name: Mapping[str, ModelRec]
) -> AliasColumns:
    """The records' endpoint names and aliases as `AliasColumns` (a build not from a database).

    Endpoint names come first, the first model in key order last, so that in the indexes an
    alias wins over an endpoint name and the first model over a later one, as for the reader.
    """
    served = [
        (by_exact_name[offering.model], offering.endpoint_name)
        for offering in filter(_ENDPOINT_NAME, chain.from_iterable(map(_OFFERINGS, models)))
    ]
    served.reverse()
    counts = list(map(len, map(_ALIASES, models)))
    pairs = list(chain.from_iterable(map(_ALIASES, models)))
    owners = list(chain.from_iterable(map(repeat, models, counts)))
    # an alias claimed by several models: the first in key order keeps it (the last one given)
    pairs.reverse()
    owners.reverse()
    names = [name for _, name in served] + list(map(_FIRST, pairs))
    return AliasColumns(
        keys=list(map(name_key, names)),
        names=names,
        kinds=["endpoint"] * len(served) + list(map(_SECOND, pairs)),
        models=[model for model, _ in served] + owners,
    )


# A build that leaves more new tracked objects than this is frozen out of the cyclic collector.
FREEZE_OVER = 100_000


@contextmanager
def gc_paused(*, freeze_over: int | None = None) -> Iterator[None]:
    """Pause the cyclic collector while building: nothing built here forms a cycle.

    With `freeze_over`, a build that leaves more new tracked objects than that is moved to the
    collector's permanent generation on the way out (`gc.freeze`). A snapshot lives until the
    next revision replaces it, and reference counting frees it then; scanning it would only
    cost pauses: 0.5-0.8 s at 100,000 models, once right after the build and again at every
    full collection while it is held. What else was alive at that moment is frozen with it
    (the price: a cycle among those objects that becomes garbage later is never collected).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_over is not None and gc.get_count()[0] > freeze_over:
            gc.freeze()
        if collecting:
            gc.enable()
