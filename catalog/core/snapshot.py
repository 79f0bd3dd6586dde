"""One read of the whole catalog into immutable in-memory indexes.

Resolution and listing never query the database per request: they run over a
`Snapshot`, which the library rebuilds when the catalog's revision changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from catalog.core.names import name_key
from catalog.core.records import (
    ArchitectureRec,
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

OfferingPlace = tuple[str, str, ServingMode]  # model name, provider slug, serving mode


@dataclass(frozen=True, slots=True)
class OfferingText:
    """What the resolver says about an offering whatever the date: where it is, standing notices."""

    where: str
    notices: tuple[Notice, ...]


@dataclass(slots=True, eq=False)
class DerivedIndexes:
    """Indexes derived from a snapshot's records on first use, each built at most once.

    A snapshot never changes, so what is derived from it may be kept with it. Each index is
    a named, typed field: a new one (the scanner's matcher, say) is one more field here.
    """

    # name trigram -> the name keys that contain it (close-name suggestions)
    trigrams: Mapping[str, tuple[str, ...]] | None = None
    # the name keys in order, and reversed in order of their reversal (close-name suggestions)
    sorted_names: tuple[list[str], list[str]] | None = None
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
    offerings_at: Mapping[OfferingPlace, tuple[OfferingRec, ...]]
    architecture_by_key: Mapping[str, ArchitectureRec]
    provider_by_key: Mapping[str, ProviderRec]
    publisher_by_key: Mapping[str, PublisherRec]
    display_by_key: Mapping[str, str]  # every known name key -> how to show it (suggestions)
    name_forms: tuple[NameFormRec, ...] = ()  # how tools write names, in the seed's order
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
    ) -> Snapshot:
        with gc_paused():
            built = cls._build(revision, models, providers, publishers, architectures, loaded_at)
            forms = tuple(name_forms)
            return dataclasses.replace(built, name_forms=forms) if forms else built

    @classmethod
    def _build(
        cls,
        revision: int,
        models: Iterable[ModelRec],
        providers: Iterable[ProviderRec],
        publishers: Iterable[PublisherRec],
        architectures: Iterable[ArchitectureRec],
        loaded_at: dt.datetime | None,
    ) -> Snapshot:
        model_list = tuple(sorted(models, key=_KEY))
        keys = list(map(_KEY, model_list))
        # Model names first, in C: a model's own name always wins over another's alias.
        by_name: dict[str, ModelRec] = dict(zip(keys, model_list, strict=True))
        display: dict[str, str] = dict(zip(keys, map(_NAME, model_list), strict=True))
        by_alias: dict[str, tuple[ModelRec, str]] = {}
        offerings_at: dict[OfferingPlace, tuple[OfferingRec, ...]] = {}
        for model in model_list:
            for alias, kind in model.aliases:
                key = name_key(alias)
                by_alias.setdefault(key, (model, kind))
                display.setdefault(key, alias)
            offerings = model.offerings
            if len(offerings) == 1:  # most models: the place's tuple is the model's own
                offering = offerings[0]
                offerings_at[(model.name, offering.provider, offering.mode)] = offerings
                if offering.endpoint_name:
                    _add_endpoint(model, offering.endpoint_name, by_alias, display)
                continue
            for offering in offerings:
                place = (model.name, offering.provider, offering.mode)
                offerings_at[place] = (*offerings_at.get(place, ()), offering)
                if offering.endpoint_name:
                    _add_endpoint(model, offering.endpoint_name, by_alias, display)
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
            by_exact_name=_frozen(dict(zip(map(_NAME, model_list), model_list, strict=True))),
            offerings_at=_frozen(offerings_at),
            architecture_by_key=_frozen(arch_keys),
            provider_by_key=_frozen(provider_keys),
            publisher_by_key=_frozen(publisher_keys),
            display_by_key=_frozen(display),
        )

    @property
    def offering_count(self) -> int:
        return sum(len(m.offerings) for m in self.models)


_KEY = attrgetter("key")
_NAME = attrgetter("name")


def _add_endpoint(
    model: ModelRec,
    endpoint_name: str,
    by_alias: dict[str, tuple[ModelRec, str]],
    display: dict[str, str],
) -> None:
    key = name_key(endpoint_name)
    by_alias.setdefault(key, (model, "endpoint"))
    display.setdefault(key, endpoint_name)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building: nothing built here forms a cycle."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
