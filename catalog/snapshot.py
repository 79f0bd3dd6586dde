"""One read of the whole catalog into immutable in-memory indexes.

Resolution and listing never query the database per request: they run over a
`Snapshot`, which the library rebuilds when the catalog's revision changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog import models as orm
from catalog.errors import NotLoaded
from catalog.names import name_key
from catalog.names_read import read_name_forms, read_versions
from catalog.records import (
    ArchitectureRec,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
    ReplacementRec,
    ReportRec,
    SourceRec,
)
from catalog.vocabulary import DateMeaning, LifecycleBasis, ServingMode, Task

OfferingPlace = tuple[str, str, ServingMode]  # model name, provider slug, serving mode
MEANINGS = {meaning.value: meaning for meaning in DateMeaning}
BASES = {basis.value: basis for basis in LifecycleBasis}


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
    name_forms: tuple[NameFormRec, ...] = ()  # in the seed's order
    cache: dict[str, Any] = field(default_factory=dict)  # lazily built, derived-only indexes

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
        model_list = tuple(sorted(models, key=lambda m: m.key))
        by_name: dict[str, ModelRec] = {}
        by_alias: dict[str, tuple[ModelRec, str]] = {}
        display: dict[str, str] = {}
        offerings_at: dict[OfferingPlace, list[OfferingRec]] = defaultdict(list)
        for model in model_list:
            by_name[model.key] = model
            display[model.key] = model.name
            for alias, kind in model.aliases:
                key = name_key(alias)
                by_alias.setdefault(key, (model, kind))
                display.setdefault(key, alias)
            for offering in model.offerings:
                offerings_at[(model.name, offering.provider, offering.mode)].append(offering)
                if offering.endpoint_name:
                    key = name_key(offering.endpoint_name)
                    by_alias.setdefault(key, (model, "endpoint"))
                    display.setdefault(key, offering.endpoint_name)
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
                arch_keys.setdefault(name_key(alias), arch)
        return cls(
            revision=revision,
            loaded_at=loaded_at,
            models=model_list,
            providers=_frozen(provider_map),
            publishers=_frozen(publisher_map),
            architectures=arch_list,
            by_name=_frozen(by_name),
            by_alias=_frozen(by_alias),
            by_exact_name=_frozen({m.name: m for m in model_list}),
            offerings_at=_frozen({k: tuple(v) for k, v in offerings_at.items()}),
            architecture_by_key=_frozen(arch_keys),
            provider_by_key=_frozen(provider_keys),
            publisher_by_key=_frozen(publisher_keys),
            display_by_key=_frozen(display),
        )

    @property
    def offering_count(self) -> int:
        return sum(len(m.offerings) for m in self.models)


def read_revision(session: Session) -> tuple[int, dt.datetime] | None:
    row = session.execute(
        select(orm.CatalogRevision.id, orm.CatalogRevision.loaded_at)
        .order_by(orm.CatalogRevision.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row is not None else None


def read_snapshot(session: Session) -> Snapshot:
    """Read every table once (a dozen queries, whatever the catalog's size) into a Snapshot.

    The cyclic garbage collector is paused meanwhile: the build allocates millions of objects
    and none of them forms a cycle, so its passes would only re-scan them (38% of the time).
    """
    with gc_paused():
        return _read_snapshot(session)


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


def _sorted(items: list[Any] | tuple[Any, ...], key: Any = None) -> tuple[Any, ...]:
    return tuple(sorted(items, key=key)) if len(items) > 1 else tuple(items)


def _read_snapshot(session: Session) -> Snapshot:
    revision = read_revision(session)
    if revision is None:
        raise NotLoaded("the catalog database is empty: run `model-catalog load`")

    connection = session.connection()

    def rows(*columns: Any) -> list[Any]:
        return list(connection.execute(select(*columns)).all())

    sources = {
        id_: SourceRec(key=key, title=title, verified=verified, url=url, read_on=read_on, note=note)
        for id_, key, title, verified, url, read_on, note in rows(
            orm.Source.id,
            orm.Source.key,
            orm.Source.title,
            orm.Source.verified,
            orm.Source.url,
            orm.Source.read_on,
            orm.Source.note,
        )
    }
    publishers = {
        id_: PublisherRec(slug=slug, name=name)
        for id_, slug, name in rows(orm.Publisher.id, orm.Publisher.slug, orm.Publisher.name)
    }
    tasks = {id_: Task(slug) for id_, slug in rows(orm.TaskType.id, orm.TaskType.slug)}
    modes = {
        id_: ServingMode(slug) for id_, slug in rows(orm.ServingModeRow.id, orm.ServingModeRow.slug)
    }

    custom: dict[int, list[tuple[Task, int]]] = defaultdict(list)
    naming: dict[int, tuple[str | None, str | None]] = {}
    for provider_id, task_id, source_id, rule_naming, rule_pattern in rows(
        orm.CustomModelRule.provider_id,
        orm.CustomModelRule.task_type_id,
        orm.CustomModelRule.source_id,
        orm.CustomModelRule.naming,
        orm.CustomModelRule.pattern,
    ):
        custom[provider_id].append((tasks[task_id], source_id))
        naming[provider_id] = (rule_naming, rule_pattern)
    providers: dict[int, ProviderRec] = {}
    for id_, slug, name, config_provider, api_type, source_id, note in rows(
        orm.Provider.id,
        orm.Provider.slug,
        orm.Provider.name,
        orm.Provider.config_provider,
        orm.Provider.openai_api_type,
        orm.Provider.source_id,
        orm.Provider.note,
    ):
        rules = sorted(custom.get(id_, []))
        providers[id_] = ProviderRec(
            slug=slug,
            name=name,
            source=sources[source_id],
            config_provider=config_provider,
            openai_api_type=api_type,
            custom_tasks=tuple(task for task, _ in rules),
            custom_source=sources[rules[0][1]] if rules else None,
            note=note,
            custom_naming=naming.get(id_, (None, None))[0],
            custom_pattern=naming.get(id_, (None, None))[1],
        )

    arch_tasks: dict[int, list[Task]] = defaultdict(list)
    for arch_id, task_id in rows(
        orm.ArchitectureTask.architecture_id, orm.ArchitectureTask.task_type_id
    ):
        arch_tasks[arch_id].append(tasks[task_id])
    arch_aliases: dict[int, list[str]] = defaultdict(list)
    for arch_id, alias in rows(orm.ArchitectureAlias.architecture_id, orm.ArchitectureAlias.alias):
        arch_aliases[arch_id].append(alias)
    architectures: dict[int, ArchitectureRec] = {}
    for id_, name, key, publisher_id, license_, normalized, notes, source_id in rows(
        orm.Architecture.id,
        orm.Architecture.name,
        orm.Architecture.name_key,
        orm.Architecture.publisher_id,
        orm.Architecture.license,
        orm.Architecture.embeddings_normalized,
        orm.Architecture.notes,
        orm.Architecture.source_id,
    ):
        architectures[id_] = ArchitectureRec(
            name=name,
            key=key,
            publisher=publishers[publisher_id].slug,
            tasks=tuple(sorted(arch_tasks[id_])),
            source=sources[source_id],
            license=license_,
            embeddings_normalized=normalized,
            notes=notes,
            aliases=tuple(sorted(arch_aliases[id_])),
        )

    model_names = dict(rows(orm.Model.id, orm.Model.name))
    provider_slugs = {id_: p.slug for id_, p in providers.items()}
    reports: dict[int, list[ReportRec]] = defaultdict(list)
    for offering_id, on, meaning, source_id, note in rows(
        orm.LifecycleReport.offering_id,
        orm.LifecycleReport.on_date,
        orm.LifecycleReport.meaning,
        orm.LifecycleReport.source_id,
        orm.LifecycleReport.note,
    ):
        reports[offering_id].append(ReportRec(on, MEANINGS[meaning], sources[source_id], note))
    replacements: dict[int, list[ReplacementRec]] = defaultdict(list)
    for offering_id, model_id, provider_id, mode_id, effective, reason, source_id in rows(
        orm.Replacement.offering_id,
        orm.Replacement.replacement_model_id,
        orm.Replacement.provider_id,
        orm.Replacement.serving_mode_id,
        orm.Replacement.effective_on,
        orm.Replacement.reason,
        orm.Replacement.source_id,
    ):
        replacements[offering_id].append(
            ReplacementRec(
                model=model_names[model_id],
                provider=provider_slugs[provider_id],
                mode=modes[mode_id],
                source=sources[source_id],
                effective_on=effective,
                reason=reason,
            )
        )

    offerings: dict[int, list[OfferingRec]] = defaultdict(list)
    O = orm.Offering  # noqa: E741
    for (
        id_,
        model_id,
        provider_id,
        mode_id,
        task_id,
        endpoint,
        bedrock,
        notes,
        source_id,
        basis,
        basis_source,
        basis_note,
        deprecated_on,
        deprecated_source,
        deprecated_note,
        retires_on,
        meaning,
        retires_source,
        retires_note,
    ) in rows(
        O.id,
        O.model_id,
        O.provider_id,
        O.serving_mode_id,
        O.task_type_id,
        O.endpoint_name,
        O.bedrock_provider,
        O.notes,
        O.source_id,
        O.lifecycle_basis,
        O.lifecycle_source_id,
        O.lifecycle_note,
        O.deprecated_on,
        O.deprecated_source_id,
        O.deprecated_note,
        O.retires_on,
        O.retires_meaning,
        O.retires_source_id,
        O.retires_note,
    ):
        offerings[model_id].append(
            OfferingRec(
                model=model_names[model_id],
                provider=provider_slugs[provider_id],
                mode=modes[mode_id],
                task=tasks[task_id],
                source=sources[source_id],
                endpoint_name=endpoint,
                bedrock_provider=bedrock,
                notes=notes,
                lifecycle_basis=BASES[basis] if basis else None,
                lifecycle_source=sources[basis_source] if basis_source else None,
                lifecycle_note=basis_note,
                deprecated_on=deprecated_on,
                deprecated_source=sources[deprecated_source] if deprecated_source else None,
                deprecated_note=deprecated_note,
                retires_on=retires_on,
                retires_meaning=MEANINGS[meaning] if meaning else None,
                retires_source=sources[retires_source] if retires_source else None,
                retires_note=retires_note,
                reports=_sorted(reports.get(id_, ()), key=lambda r: r.on),
                replacements=_sorted(
                    replacements.get(id_, ()), key=lambda r: r.effective_on or dt.date.min
                ),
            )
        )

    aliases: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for model_id, alias, kind in rows(orm.Alias.model_id, orm.Alias.alias, orm.Alias.kind):
        aliases[model_id].append((alias, kind))
    shapes, versions = read_versions(rows, sources, model_names, provider_slugs)
    M = orm.Model
    models = [
        ModelRec(
            name=name,
            key=key,
            publisher=publishers[publisher_id].slug,
            source=sources[source_id],
            offerings=_sorted(offerings.get(id_, ()), key=lambda o: (o.provider, o.mode, o.task)),
            display_name=display_name,
            family=family,
            architecture=architectures[arch_id].name if arch_id else None,
            license=license_,
            embeddings_normalized=normalized,
            notes=notes,
            aliases=_sorted(aliases.get(id_, ())),
            version_shapes=shapes.get(id_, ()),
            versions=versions.get(id_, ()),
        )
        for id_, name, key, display_name, publisher_id, family, arch_id, license_, normalized, notes, source_id in rows(
            M.id,
            M.name,
            M.name_key,
            M.display_name,
            M.publisher_id,
            M.family,
            M.architecture_id,
            M.license,
            M.embeddings_normalized,
            M.notes,
            M.source_id,
        )
    ]
    return Snapshot.build(
        revision=revision[0],
        loaded_at=revision[1],
        models=models,
        providers=providers.values(),
        publishers=publishers.values(),
        architectures=architectures.values(),
        name_forms=read_name_forms(rows, sources, provider_slugs, modes),
    )
