"""Turn a validated seed document into the rows each table should hold, keyed naturally."""

from __future__ import annotations

from catalog.core.names import name_key
from catalog.seed.file import alias_entries, version_provider, version_shape
from catalog.seed.schema import LifecycleEntry, SeedDocument
from catalog.seed.sync import NaturalKey, Row, TableSpec
from catalog.store import models as orm

SPECS: tuple[TableSpec, ...] = (
    TableSpec("source", orm.Source, ("key",)),
    TableSpec("task type", orm.TaskType, ("slug",)),
    TableSpec("serving mode", orm.ServingModeRow, ("slug",)),
    TableSpec("provider", orm.Provider, ("slug",), {"source_id": "source"}),
    # after the providers: a publisher may name one as its own API
    TableSpec("publisher", orm.Publisher, ("slug",), {"own_provider_id": "provider"}),
    TableSpec(
        "custom-model rule",
        orm.CustomModelRule,
        ("provider_id", "task_type_id"),
        {"provider_id": "provider", "task_type_id": "task type", "source_id": "source"},
    ),
    TableSpec(
        "architecture",
        orm.Architecture,
        ("name",),
        {"publisher_id": "publisher", "source_id": "source"},
    ),
    TableSpec(
        "architecture task",
        orm.ArchitectureTask,
        ("architecture_id", "task_type_id"),
        {"architecture_id": "architecture", "task_type_id": "task type"},
    ),
    TableSpec(
        "architecture alias",
        orm.ArchitectureAlias,
        ("alias_key",),
        {"architecture_id": "architecture"},
    ),
    TableSpec(
        "model",
        orm.Model,
        ("name",),
        {"publisher_id": "publisher", "architecture_id": "architecture", "source_id": "source"},
    ),
    TableSpec("alias", orm.Alias, ("alias_key",), {"model_id": "model"}),
    TableSpec(
        "model version shape", orm.ModelVersionShape, ("model_id", "shape"), {"model_id": "model"}
    ),
    TableSpec(
        "model version",
        orm.ModelVersion,
        ("model_id", "provider_id", "version"),
        {
            "model_id": "model",
            "provider_id": "provider",
            "source_id": "source",
            "lifecycle_source_id": "source",
            "deprecated_source_id": "source",
            "retires_source_id": "source",
        },
    ),
    TableSpec(
        "name form",
        orm.NameForm,
        ("kind", "form"),
        {"provider_id": "provider", "serving_mode_id": "serving mode", "source_id": "source"},
    ),
    TableSpec(
        "offering",
        orm.Offering,
        ("model_id", "provider_id", "serving_mode_id", "task_type_id"),
        {
            "model_id": "model",
            "provider_id": "provider",
            "serving_mode_id": "serving mode",
            "task_type_id": "task type",
            "source_id": "source",
            "lifecycle_source_id": "source",
            "deprecated_source_id": "source",
            "retires_source_id": "source",
        },
    ),
    TableSpec(
        "lifecycle report",
        orm.LifecycleReport,
        ("offering_id", "on_date", "meaning", "source_id"),
        {"offering_id": "offering", "source_id": "source"},
    ),
    TableSpec(
        "replacement",
        orm.Replacement,
        ("offering_id", "replacement_model_id", "provider_id", "serving_mode_id"),
        {
            "offering_id": "offering",
            "replacement_model_id": "model",
            "provider_id": "provider",
            "serving_mode_id": "serving mode",
            "source_id": "source",
        },
    ),
)


def _k(*parts: object) -> NaturalKey:
    return tuple(parts)


def desired_rows(doc: SeedDocument) -> dict[str, dict[NaturalKey, Row]]:
    """Every table's desired rows; foreign keys are written as the parents' natural keys."""
    out: dict[str, dict[NaturalKey, Row]] = {spec.label: {} for spec in SPECS}

    def add(label: str, key: NaturalKey, row: Row) -> None:
        out[label][key] = row

    for s in doc.sources:
        add(
            "source",
            _k(s.key),
            {
                "key": s.key,
                "title": s.title,
                "url": s.url,
                "verified": s.verified,
                "read_on": s.read_on,
                "note": s.note,
            },
        )
    for pub in doc.publishers:
        add(
            "publisher",
            _k(pub.slug),
            {
                "slug": pub.slug,
                "name": pub.name,
                "own_provider_id": _k(pub.own_provider) if pub.own_provider else None,
            },
        )
    for t in doc.task_types:
        add(
            "task type",
            _k(t.slug.value),
            {"slug": t.slug.value, "name": t.name, "endpoint_type": t.endpoint_type},
        )
    for sm in doc.serving_modes:
        add(
            "serving mode",
            _k(sm.slug.value),
            {"slug": sm.slug.value, "name": sm.name, "note": sm.note},
        )
    for p in doc.providers:
        add(
            "provider",
            _k(p.slug),
            {
                "slug": p.slug,
                "name": p.name,
                "config_provider": p.config_provider,
                "openai_api_type": p.openai_api_type,
                "source_id": _k(p.source),
                "note": p.note,
            },
        )
        if p.custom_models is not None:
            for task in p.custom_models.tasks:
                add(
                    "custom-model rule",
                    _k(_k(p.slug), _k(task.value)),
                    {
                        "provider_id": _k(p.slug),
                        "task_type_id": _k(task.value),
                        "source_id": _k(p.custom_models.source),
                        "note": p.custom_models.note,
                        "naming": p.custom_models.naming,
                        "pattern": p.custom_models.pattern,
                    },
                )
    for a in doc.architectures:
        arch = _k(a.name)
        add(
            "architecture",
            arch,
            {
                "name": a.name,
                "name_key": name_key(a.name),
                "publisher_id": _k(a.publisher),
                "license": a.license,
                "embeddings_normalized": a.embeddings_normalized,
                "notes": a.notes,
                "source_id": _k(a.source),
            },
        )
        for task in a.tasks:
            add(
                "architecture task",
                _k(arch, _k(task.value)),
                {"architecture_id": arch, "task_type_id": _k(task.value)},
            )
        for alias in a.aliases:
            add(
                "architecture alias",
                _k(name_key(alias)),
                {"architecture_id": arch, "alias": alias, "alias_key": name_key(alias)},
            )
    for m in doc.models:
        model = _k(m.name)
        add(
            "model",
            model,
            {
                "name": m.name,
                "name_key": name_key(m.name),
                "display_name": m.display_name,
                "publisher_id": _k(m.publisher),
                "family": m.family,
                "architecture_id": _k(m.architecture) if m.architecture else None,
                "license": m.license,
                "embeddings_normalized": m.embeddings_normalized,
                "notes": m.notes,
                "source_id": _k(m.source),
            },
        )
        for entry in alias_entries(m):
            add(
                "alias",
                _k(name_key(entry.name)),
                {
                    "model_id": model,
                    "alias": entry.name,
                    "alias_key": name_key(entry.name),
                    "kind": entry.kind.value,
                },
            )
        for declared in m.version_shapes:
            add(
                "model version shape",
                _k(model, declared.value),
                {"model_id": model, "shape": declared.value},
            )
        for v in m.versions:
            provider_slug, shape = version_provider(m, v), version_shape(m, v)
            assert provider_slug is not None and shape is not None  # checked by read_seed
            name = f"{m.name}{shape.joiner}{v.version}"
            add(
                "model version",
                _k(model, _k(provider_slug), v.version),
                {
                    "model_id": model,
                    "provider_id": _k(provider_slug),
                    "version": v.version,
                    "shape": shape.value,
                    "name": name,
                    "name_key": name_key(name),
                    "source_id": _k(v.source),
                    "note": v.note,
                    "own_lifecycle": v.lifecycle is not None,
                    **_lifecycle_columns(v.lifecycle),
                },
            )
        for o in m.offerings:
            life = o.lifecycle
            for task in o.tasks:
                offering = _k(model, _k(o.provider), _k(o.mode.value), _k(task.value))
                add(
                    "offering",
                    offering,
                    {
                        "model_id": model,
                        "provider_id": _k(o.provider),
                        "serving_mode_id": _k(o.mode.value),
                        "task_type_id": _k(task.value),
                        "endpoint_name": o.endpoint,
                        "bedrock_provider": o.bedrock_provider,
                        "notes": o.notes,
                        "source_id": _k(o.source),
                        "lifecycle_basis": life.basis.value if life.basis else None,
                        "lifecycle_source_id": _k(life.source) if life.source else None,
                        "lifecycle_note": life.note,
                        "deprecated_on": life.deprecated.on if life.deprecated else None,
                        "deprecated_source_id": _k(life.deprecated.source)
                        if life.deprecated
                        else None,
                        "deprecated_note": life.deprecated.note if life.deprecated else None,
                        "retires_on": life.retires.on if life.retires else None,
                        "retires_meaning": life.retires.meaning.value if life.retires else None,
                        "retires_source_id": _k(life.retires.source) if life.retires else None,
                        "retires_note": life.retires.note if life.retires else None,
                    },
                )
                for report in life.also_reported:
                    key = _k(offering, report.on, report.meaning.value, _k(report.source))
                    add(
                        "lifecycle report",
                        key,
                        {
                            "offering_id": offering,
                            "on_date": report.on,
                            "meaning": report.meaning.value,
                            "source_id": _k(report.source),
                            "note": report.note,
                        },
                    )
                for rep in o.replaced_by:
                    provider = _k(rep.provider or o.provider)
                    mode = _k((rep.mode or o.mode).value)
                    add(
                        "replacement",
                        _k(offering, _k(rep.model), provider, mode),
                        {
                            "offering_id": offering,
                            "replacement_model_id": _k(rep.model),
                            "provider_id": provider,
                            "serving_mode_id": mode,
                            "effective_on": rep.effective,
                            "reason": rep.reason,
                            "source_id": _k(rep.source),
                        },
                    )
    for position, f in enumerate(doc.name_forms):
        kind, form = ("prefix", f.prefix) if f.prefix is not None else ("pattern", f.pattern)
        add(
            "name form",
            _k(kind, form),
            {
                "position": position,
                "kind": kind,
                "form": form,
                "provider_id": _k(f.provider) if f.provider else None,
                "outside": f.outside,
                "tool": f.tool,
                "serving_mode_id": _k(f.mode.value) if f.mode else None,
                "source_id": _k(f.source),
                "note": f.note,
            },
        )
    return out


def _lifecycle_columns(life: LifecycleEntry | None) -> Row:
    """A lifecycle's columns, as offerings and versions store them."""
    if life is None:
        return dict.fromkeys(
            (
                "lifecycle_basis",
                "lifecycle_source_id",
                "lifecycle_note",
                "deprecated_on",
                "deprecated_source_id",
                "deprecated_note",
                "retires_on",
                "retires_meaning",
                "retires_source_id",
                "retires_note",
            )
        )
    return {
        "lifecycle_basis": life.basis.value if life.basis else None,
        "lifecycle_source_id": _k(life.source) if life.source else None,
        "lifecycle_note": life.note,
        "deprecated_on": life.deprecated.on if life.deprecated else None,
        "deprecated_source_id": _k(life.deprecated.source) if life.deprecated else None,
        "deprecated_note": life.deprecated.note if life.deprecated else None,
        "retires_on": life.retires.on if life.retires else None,
        "retires_meaning": life.retires.meaning.value if life.retires else None,
        "retires_source_id": _k(life.retires.source) if life.retires else None,
        "retires_note": life.retires.note if life.retires else None,
    }
