"""Records to public Pydantic types: the one place where that conversion happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from catalog.core.lifecycle import retired_from, status_on
from catalog.core.records import (
    ArchitectureRec,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    ReplacementRec,
    ReportRec,
    RevisionRec,
    SourceRec,
    VersionRec,
)
from catalog.schemas import (
    AliasInfo,
    ArchitectureInfo,
    Candidate,
    Deprecation,
    Hop,
    Lifecycle,
    LifecycleDate,
    ModelInfo,
    NameFormInfo,
    OfferingInfo,
    ProviderInfo,
    ProviderNameForm,
    ReplacementInfo,
    RevisionEntry,
    SourceRef,
    VersionInfo,
)
from catalog.vocabulary import OfferingStatus, ServingMode, Task


def revision_entry(revision: RevisionRec) -> RevisionEntry:
    return RevisionEntry(
        revision=revision.revision,
        loaded_at=revision.loaded_at,
        seed_sha256=revision.seed_sha256,
        summary=revision.summary,
    )


def source_ref(source: SourceRec) -> SourceRef:
    return SourceRef(
        key=source.key,
        title=source.title,
        verified=source.verified,
        url=source.url,
        read_on=source.read_on,
    )


def _optional_source(source: SourceRec | None) -> SourceRef | None:
    return source_ref(source) if source is not None else None


def _report(report: ReportRec) -> LifecycleDate:
    return LifecycleDate(
        on=report.on, meaning=report.meaning, source=source_ref(report.source), note=report.note
    )


def lifecycle_info(offering: OfferingRec, as_of: dt.date) -> Lifecycle:
    retires = None
    if offering.retires_on and offering.retires_meaning and offering.retires_source:
        retires = LifecycleDate(
            on=offering.retires_on,
            meaning=offering.retires_meaning,
            source=source_ref(offering.retires_source),
            note=offering.retires_note,
        )
    return Lifecycle(
        as_of=as_of,
        status=status_on(offering, as_of),
        retired_from=retired_from(offering),
        basis=offering.lifecycle_basis,
        basis_source=_optional_source(offering.lifecycle_source),
        deprecated_on=offering.deprecated_on,
        deprecated_source=_optional_source(offering.deprecated_source),
        deprecated_note=offering.deprecated_note,
        retires=retires,
        also_reported=[_report(r) for r in offering.reports],
        note=offering.lifecycle_note,
    )


def replacement_info(replacement: ReplacementRec) -> ReplacementInfo:
    return ReplacementInfo(
        model=replacement.model,
        provider=replacement.provider,
        serving_mode=replacement.mode,
        effective_on=replacement.effective_on,
        reason=replacement.reason,
        source=source_ref(replacement.source),
    )


def hop_info(
    current: OfferingRec,
    target: OfferingRec,
    replacement: ReplacementRec,
    effective_on: dt.date | None,
) -> Hop:
    return Hop(
        from_model=current.model,
        to_model=target.model,
        provider=target.provider,
        serving_mode=target.mode,
        task=target.task,
        effective_on=effective_on,
        reason=replacement.reason,
        source=source_ref(replacement.source),
    )


def candidate_info(
    offering: OfferingRec, as_of: dt.date, decided_by: dict[str, str] | None = None
) -> Candidate:
    """An offering as a resolution's candidate; `decided_by` names the fields that pick it."""
    return Candidate(
        model=offering.model,
        provider=offering.provider,
        serving_mode=offering.mode,
        task=offering.task,
        endpoint_type=offering.task.endpoint_type,
        endpoint_name=offering.endpoint_name,
        status=status_on(offering, as_of),
        decided_by=decided_by or {},
    )


def unlisted_candidate(
    model: str,
    provider: str,
    serving_mode: ServingMode,
    task: Task,
    status: OfferingStatus,
    decided_by: dict[str, str],
) -> Candidate:
    """A candidate the catalog does not list as an offering (an architecture, a custom name)."""
    return Candidate(
        model=model,
        provider=provider,
        serving_mode=serving_mode,
        task=task,
        endpoint_type=task.endpoint_type,
        status=status,
        decided_by=decided_by,
    )


def name_form_info(form: NameFormRec, name: str) -> NameFormInfo:
    return NameFormInfo(
        form=form.form,
        kind=form.kind,
        tool=form.tool,
        label=form.label,
        provider=form.provider,
        outside=form.outside,
        name=name,
        source=source_ref(form.source),
    )


def offering_fields(offering: OfferingRec) -> dict[str, object]:
    """The fields a resolution copies from the offering it settles on (None ones left to the
    defaults)."""
    fields: dict[str, object] = {
        "model": offering.model,
        "provider": offering.provider,
        "serving_mode": offering.mode,
        "task": offering.task,
        "endpoint_type": offering.task.endpoint_type,
    }
    if offering.endpoint_name is not None:
        fields["endpoint_name"] = offering.endpoint_name
    return fields


def deprecation_info(
    offering: OfferingRec,
    as_of: dt.date,
    replacement: OfferingRec | None,
    version: str | None = None,
) -> Deprecation:
    """A dated offering as a deprecation, with the offering that replaces it, if any."""
    first_gone = retired_from(offering)
    assert offering.retires_on is not None and offering.retires_meaning is not None
    assert first_gone is not None
    return Deprecation(
        model=offering.model,
        provider=offering.provider,
        serving_mode=offering.mode,
        task=offering.task,
        endpoint_name=offering.endpoint_name,
        status=status_on(offering, as_of),
        date=offering.retires_on,
        meaning=offering.retires_meaning,
        retired_from=first_gone,
        days=(first_gone - as_of).days,
        replacement_model=replacement.model if replacement else None,
        replacement_provider=replacement.provider if replacement else None,
        replacement_serving_mode=replacement.mode if replacement else None,
        version=version,
    )


def offering_info(offering: OfferingRec, as_of: dt.date) -> OfferingInfo:
    return OfferingInfo(
        model=offering.model,
        provider=offering.provider,
        serving_mode=offering.mode,
        task=offering.task,
        endpoint_type=offering.task.endpoint_type,
        endpoint_name=offering.endpoint_name,
        bedrock_provider=offering.bedrock_provider,
        notes=offering.notes,
        source=source_ref(offering.source),
        lifecycle=lifecycle_info(offering, as_of),
        replaced_by=[replacement_info(r) for r in offering.replacements],
    )


def model_info(
    model: ModelRec, as_of: dt.date, offerings: tuple[OfferingRec, ...] | None = None
) -> ModelInfo:
    shown = model.offerings if offerings is None else offerings
    return ModelInfo(
        name=model.name,
        display_name=model.display_name,
        publisher=model.publisher,
        family=model.family,
        architecture=model.architecture,
        license=model.license,
        embeddings_normalized=model.embeddings_normalized,
        notes=model.notes,
        source=source_ref(model.source),
        aliases=[AliasInfo(name=name, kind=kind) for name, kind in model.aliases],
        offerings=[offering_info(o, as_of) for o in shown],
        version_shapes=list(model.version_shapes),
        versions=[
            version_info(v, first, as_of)
            for v in model.versions
            if (first := _first_at(shown, v.provider)) is not None
        ],
    )


def _first_at(offerings: tuple[OfferingRec, ...], provider: str) -> OfferingRec | None:
    return next((o for o in offerings if o.provider == provider), None)


def version_info(version: VersionRec, offering: OfferingRec, as_of: dt.date) -> VersionInfo:
    """A version, with its own lifecycle as it applies to its provider's offering."""
    return VersionInfo(
        version=version.version,
        name=version.name,
        provider=version.provider,
        shape=version.shape,
        source=source_ref(version.source),
        own_lifecycle=version.own_lifecycle,
        lifecycle=lifecycle_info(version.applied_to(offering), as_of)
        if version.own_lifecycle
        else None,
        note=version.note,
    )


def provider_info(
    provider: ProviderRec,
    model_count: int,
    forms: Sequence[NameFormRec] = (),
    own_api_of: Sequence[str] = (),
) -> ProviderInfo:
    """A provider, with the name forms that decide it (`forms` filtered here) and the
    publishers whose own API it is."""
    return ProviderInfo(
        slug=provider.slug,
        name=provider.name,
        config_provider=provider.config_provider,
        openai_api_type=provider.openai_api_type,
        custom_model_tasks=list(provider.custom_tasks),
        custom_naming=provider.custom_naming,
        note=provider.note,
        source=source_ref(provider.source),
        model_count=model_count,
        own_api_of=list(own_api_of),
        name_forms=[
            ProviderNameForm(
                form=form.form,
                kind=form.kind,
                tool=form.tool,
                label=form.label,
                serving_mode=form.mode,
                note=form.note,
                source=source_ref(form.source),
            )
            for form in forms
            if form.provider == provider.slug
        ],
    )


def architecture_info(arch: ArchitectureRec) -> ArchitectureInfo:
    return ArchitectureInfo(
        name=arch.name,
        publisher=arch.publisher,
        tasks=list(arch.tasks),
        license=arch.license,
        embeddings_normalized=arch.embeddings_normalized,
        aliases=list(arch.aliases),
        notes=arch.notes,
        source=source_ref(arch.source),
    )
