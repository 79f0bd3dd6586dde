"""Reading name forms and model versions from the store into records (part of the snapshot read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from catalog import models as orm
from catalog.records import NameFormRec, SourceRec, VersionRec
from catalog.vocabulary import DateMeaning, LifecycleBasis, ServingMode, VersionShape

Rows = Callable[..., list[Any]]


def read_name_forms(
    rows: Rows,
    sources: Mapping[int, SourceRec],
    provider_slugs: Mapping[int, str],
    modes: Mapping[int, ServingMode],
) -> tuple[NameFormRec, ...]:
    """Every name form, in the order the seed lists them."""
    N = orm.NameForm
    found = sorted(
        rows(
            N.position,
            N.kind,
            N.form,
            N.tool,
            N.source_id,
            N.provider_id,
            N.outside,
            N.serving_mode_id,
            N.note,
        ),
        key=lambda row: row[0],
    )
    return tuple(
        NameFormRec(
            kind=kind,
            form=form,
            tool=tool,
            source=sources[source_id],
            provider=provider_slugs[provider_id] if provider_id is not None else None,
            outside=outside,
            mode=modes[mode_id] if mode_id is not None else None,
            note=note,
        )
        for _position, kind, form, tool, source_id, provider_id, outside, mode_id, note in found
    )


def read_versions(
    rows: Rows,
    sources: Mapping[int, SourceRec],
    model_names: Mapping[int, str],
    provider_slugs: Mapping[int, str],
) -> tuple[dict[int, tuple[VersionShape, ...]], dict[int, tuple[VersionRec, ...]]]:
    """Each model's version shapes and listed versions, by model id."""
    shapes: dict[int, list[VersionShape]] = defaultdict(list)
    for model_id, shape in rows(orm.ModelVersionShape.model_id, orm.ModelVersionShape.shape):
        shapes[model_id].append(VersionShape(shape))
    V = orm.ModelVersion

    def source(id_: int | None) -> SourceRec | None:
        return sources[id_] if id_ is not None else None

    versions: dict[int, list[VersionRec]] = defaultdict(list)
    for row in rows(
        V.model_id,
        V.provider_id,
        V.version,
        V.shape,
        V.name,
        V.source_id,
        V.own_lifecycle,
        V.note,
        V.lifecycle_basis,
        V.lifecycle_source_id,
        V.lifecycle_note,
        V.deprecated_on,
        V.deprecated_source_id,
        V.deprecated_note,
        V.retires_on,
        V.retires_meaning,
        V.retires_source_id,
        V.retires_note,
    ):
        (model_id, provider_id, version, shape, name, source_id, own, note, basis) = row[:9]
        (basis_source, basis_note, deprecated_on, deprecated_source, deprecated_note) = row[9:14]
        (retires_on, meaning, retires_source, retires_note) = row[14:]
        versions[model_id].append(
            VersionRec(
                model=model_names[model_id],
                provider=provider_slugs[provider_id],
                version=version,
                shape=VersionShape(shape),
                name=name,
                source=sources[source_id],
                own_lifecycle=bool(own),
                note=note,
                lifecycle_basis=LifecycleBasis(basis) if basis else None,
                lifecycle_source=source(basis_source),
                lifecycle_note=basis_note,
                deprecated_on=deprecated_on,
                deprecated_source=source(deprecated_source),
                deprecated_note=deprecated_note,
                retires_on=retires_on,
                retires_meaning=DateMeaning(meaning) if meaning else None,
                retires_source=source(retires_source),
                retires_note=retires_note,
            )
        )
    return (
        {k: tuple(sorted(v)) for k, v in shapes.items()},
        {k: tuple(sorted(v, key=lambda r: (r.provider, r.version))) for k, v in versions.items()},
    )
