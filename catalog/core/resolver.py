"""Resolve a requested model name to what to use on a date: pure functions over a Snapshot.

The order of the rules: the name as listed or through an alias; a date-suffixed
pay-per-token response id; a dated or versioned variant of a listed family
(`inferred`); an architecture that provisioned throughput deploys; a provider that
accepts fine-tuned names (`custom`); else `unknown`, with suggestions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from catalog.core.convert import candidate_info, offering_fields, unlisted_candidate
from catalog.core.endpoint_config import (
    external_model_config,
    pay_per_token_config,
    provisioned_throughput_config,
)
from catalog.core.lifecycle import (
    RETIRES_SOON_DAYS,
    retired_from,
    retirement_label,
    retires_within,
    status_on,
)
from catalog.core.lookup import find, match_architecture, suggest
from catalog.core.names import name_key
from catalog.core.records import ArchitectureRec, ModelRec, OfferingRec, ProviderRec
from catalog.core.replacements import follow_from_retired
from catalog.core.snapshot import OfferingText, Snapshot
from catalog.core.words import plural
from catalog.schemas import Candidate, Hop, Notice, Resolution, ResolveRequest
from catalog.vocabulary import (
    DateMeaning,
    OfferingStatus,
    ResolutionStatus,
    Rule,
    ServingMode,
    Task,
)

HOSTED_PROVIDER = "databricks"
# The request option that would pick provisioned throughput (pydantic copies it per notice).
_PROVISIONED_OPTION = {"serving_mode": ServingMode.provisioned_throughput.value}

# A pay-per-token endpoint keeps its URL when the model is updated; responses name the
# model with a date suffix: `llama-2-70b-chat-030424`.
RESPONSE_ID = re.compile(r"^(?P<base>.+)-\d{6}$")

# What makes a name a dated or versioned variant of a listed family; stripped one at a time.
VARIANT_SUFFIXES: tuple[re.Pattern[str], ...] = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),  # gpt-4o-2024-08-06
    re.compile(r"-\d{8}$"),  # claude-3-5-sonnet-20250101
    re.compile(r"-\d{2}-\d{4}$"),  # command-r-08-2024
    re.compile(r"@[a-z0-9-]+$"),  # textembedding-gecko@003
    re.compile(r"-\d{3,4}$"),  # gpt-35-turbo-0613, gemini-1.5-pro-002
    re.compile(r"-v\d+(?::\d+)?$"),  # cohere.command-r-v1:0
    re.compile(r"-(?:latest|preview|exp)$"),  # gemini-1.5-pro-latest
)


class _Ask(NamedTuple):
    """The parsed request, as the rules need it (a named tuple: built once per resolve, and a
    frozen dataclass's __init__ costs several times more)."""

    name: str
    task: Task | None
    serving_mode: ServingMode | None
    provider: ProviderRec | None
    as_of: dt.date
    within_days: int
    request: ResolveRequest

    def fits(self, offering: OfferingRec) -> bool:
        return (
            (self.task is None or offering.task is self.task)
            and (self.serving_mode is None or offering.mode is self.serving_mode)
            and (self.provider is None or offering.provider == self.provider.slug)
        )


def resolve(
    snapshot: Snapshot,
    name: str,
    *,
    as_of: dt.date,
    task: Task | None = None,
    serving_mode: ServingMode | None = None,
    provider: ProviderRec | None = None,
    within_days: int = RETIRES_SOON_DAYS,
) -> Resolution:
    """Resolve `name` on `as_of`; never raises for any name, and always terminates.

    `within_days` is the "retires soon" window: a usable offering that retires within it
    carries a `retires_soon` warning.
    """
    request = ResolveRequest(
        name=name,
        task=task,
        serving_mode=serving_mode,
        provider=provider.slug if provider else None,
        as_of=as_of,
    )
    ask = _Ask(name, task, serving_mode, provider, as_of, within_days, request)
    key = name_key(name)
    found = find(snapshot, key) if key else None
    if found is not None:
        model, kind = found
        return _resolve_model(
            snapshot,
            ask,
            model,
            Rule.listed if kind == "listed" else Rule.alias,
            kind=kind,
            matched_key=key,
        )
    response_id = RESPONSE_ID.match(key)
    if response_id:
        base = find(snapshot, response_id["base"])
        if base is not None and any(o.mode is ServingMode.pay_per_token for o in base[0].offerings):
            note = Notice(
                code="response_id",
                message=(
                    f"{name} is a date-suffixed response id of {base[0].name}: the same endpoint"
                ),
            )
            return _resolve_model(
                snapshot,
                ask,
                base[0],
                Rule.alias,
                kind=base[1],
                matched_key=response_id["base"],
                notes=[note],
                only_mode=ServingMode.pay_per_token,
            )
    family = _family_of(snapshot, key)
    if family is not None:
        return _resolve_inferred(snapshot, ask, family)
    if (
        key
        and ask.serving_mode in (None, ServingMode.provisioned_throughput)
        and (ask.provider is None or ask.provider.slug == HOSTED_PROVIDER)
    ):
        arch = match_architecture(snapshot, key)
        if arch is not None:
            return _resolve_architecture(snapshot, ask, arch, model_name=name, matched=arch.name)
    if ask.provider is not None and ask.provider.custom_tasks:
        return _resolve_custom(ask, ask.provider)
    return _unknown(snapshot, ask)


def _resolution(
    ask: _Ask,
    status: ResolutionStatus,
    message: str,
    *,
    rule: Rule | None = None,
    matched: str | None = None,
    offering: OfferingRec | None = None,
    warnings: Sequence[Notice] = (),
    candidates: Sequence[Candidate] = (),
    decided_by: Sequence[str] = (),
    chain: Sequence[Hop] = (),
    **fields: object,
) -> Resolution:
    """The one place a Resolution is built: the request, the verdict, and the offering's fields
    (when it settles on one), overridden by any `fields` given."""
    values: dict[str, object] = offering_fields(offering) if offering is not None else {}
    # Only what is given: the model's defaults are cheaper than validating empty values.
    values.update(
        {key: value for key, value in fields.items() if value is not None},
        request=ask.request,
        status=status,
        message=message,
    )
    if chain:
        values["chain"] = list(chain)
    if rule is not None:
        values["rule"] = rule
    if matched is not None:
        values["matched"] = matched
    if warnings:
        values["warnings"] = list(warnings)
    if candidates:
        values["candidates"] = list(candidates)
    if decided_by:
        values["decided_by"] = tuple(decided_by)
    return Resolution.model_validate(values)


# -- finding the offering -----------------------------------------------------------------


def _resolve_model(
    snapshot: Snapshot,
    ask: _Ask,
    model: ModelRec,
    rule: Rule,
    *,
    kind: str = "listed",
    matched_key: str = "",
    notes: Sequence[Notice] = (),
    only_mode: ServingMode | None = None,
) -> Resolution:
    """Pick the model's offering that fits; an endpoint name or a Bedrock id narrows first."""
    offerings = model.offerings
    if only_mode is not None:
        offerings = tuple(o for o in offerings if o.mode is only_mode)
    if kind == "endpoint":
        endpoint_key = matched_key or name_key(ask.name)
        offerings = (
            tuple(
                o
                for o in offerings
                if o.endpoint_name and name_key(o.endpoint_name) == endpoint_key
            )
            or offerings  # an alias row of kind "endpoint" that no offering carries
        )
    elif kind == "prefixed":
        offerings = tuple(o for o in offerings if o.provider == "amazon-bedrock") or offerings
    matching = [o for o in offerings if ask.fits(o)]
    if not matching:
        arch = _architecture_of(snapshot, model)
        if (
            arch is not None
            and ask.serving_mode is ServingMode.provisioned_throughput
            and (ask.provider is None or ask.provider.slug == HOSTED_PROVIDER)
        ):
            return _resolve_architecture(
                snapshot, ask, arch, model_name=model.name, matched=model.name, notes=notes
            )
        return _unsupported(snapshot, ask, model, rule, offerings)
    if len(matching) > 1:
        return _ambiguous(ask, model.name, rule, matching, notes)
    return _settle(snapshot, ask, model, matching[0], rule, list(notes))


def _family_of(snapshot: Snapshot, key: str) -> ModelRec | None:
    # The family is the listed name left after stripping suffixes, or its `-latest` pointer
    # (`claude-3-5-sonnet-20250101` -> `claude-3-5-sonnet-latest`).
    """The listed model that `key` is a dated or versioned variant of, if it has external offerings."""
    current = key
    for _ in range(4):
        for pattern in VARIANT_SUFFIXES:
            base = pattern.sub("", current, count=1)
            if base != current and base:
                break
        else:
            return None
        found = find(snapshot, base) or find(snapshot, f"{base}-latest")
        if found is not None:
            model = found[0]
            return model if any(o.mode is ServingMode.external for o in model.offerings) else None
        current = base
    return None


def _architecture_of(snapshot: Snapshot, model: ModelRec) -> ArchitectureRec | None:
    if model.architecture is None:
        return None
    return snapshot.architecture_by_key.get(name_key(model.architecture))


# -- the statuses ---------------------------------------------------------------------------


def _settle(
    snapshot: Snapshot,
    ask: _Ask,
    model: ModelRec,
    offering: OfferingRec,
    rule: Rule,
    notes: list[Notice],
    *,
    config_name: str | None = None,
) -> Resolution:
    """One offering fits: usable as asked, or retired and followed to its replacement."""
    if status_on(offering, ask.as_of) is not OfferingStatus.retired:
        warnings = [*notes, *_offering_warnings(snapshot, offering, ask)]
        return _usable(snapshot, ask, rule, model.name, offering, warnings, config_name=config_name)
    since = retired_from(offering) or offering.retires_on
    warnings = list(notes)
    if offering.retires_meaning is DateMeaning.by:
        warnings.append(
            Notice(
                code="retired_by",
                message=f"retired by {offering.retires_on}; the exact date is not stated",
            )
        )
    warnings.extend(_unverified_retirement(offering))
    warnings.extend(_architecture_hint(snapshot, model, offering))
    chain, on_the_way, target = follow_from_retired(snapshot, offering, ask.as_of)
    warnings.extend(on_the_way)
    if target is None:
        return _retired(ask, model.name, offering, rule, chain, warnings, since)
    warnings.extend(_offering_warnings(snapshot, target, ask))
    return _usable(
        snapshot, ask, rule, model.name, target, warnings, chain=chain, since=since, asked=offering
    )


def _usable(
    snapshot: Snapshot,
    ask: _Ask,
    rule: Rule,
    matched: str,
    offering: OfferingRec,
    warnings: list[Notice],
    *,
    chain: Sequence[Hop] = (),
    since: dt.date | None = None,
    config_name: str | None = None,
    asked: OfferingRec | None = None,
) -> Resolution:
    """`ok` for the offering asked for, or `replaced` by the end of `chain` when `asked` is given."""
    use = config_name or offering.model
    where = _text(snapshot, offering).where
    if asked is None:
        status, message = ResolutionStatus.ok, f"Use {use} {where}."
    else:
        status = ResolutionStatus.replaced
        message = (
            f"{matched} {_text(snapshot, asked).where} is retired since {since}; use {use} "
            f"{where} instead (replacement since {chain[-1].effective_on})."
        )
    return _resolution(
        ask,
        status,
        message,
        rule=rule,
        matched=matched,
        offering=offering,
        warnings=warnings,
        chain=chain,
        model=use,
        since=since,
        retires_on=retired_from(offering),
        config=_config(snapshot.providers.get(offering.provider), offering, use),
    )


def _retired(
    ask: _Ask,
    matched: str,
    offering: OfferingRec,
    rule: Rule,
    chain: list[Hop],
    warnings: list[Notice],
    since: dt.date | None,
) -> Resolution:
    tail = (
        f"; its replacement chain ends at {chain[-1].to_model}, itself retired"
        if chain
        else " and the catalog knows no replacement"
    )
    return _resolution(
        ask,
        ResolutionStatus.retired,
        f"{matched} {_where(offering)} is retired since {since}{tail}.",
        rule=rule,
        matched=matched,
        offering=offering,
        warnings=warnings,
        since=since,
        chain=chain,
    )


def _deployable(model: str, arch: ArchitectureRec) -> list[Candidate]:
    """What provisioned throughput offers for `model`: one candidate per architecture task."""
    return [
        unlisted_candidate(
            model,
            HOSTED_PROVIDER,
            ServingMode.provisioned_throughput,
            task,
            OfferingStatus.active,
            {"serving_mode": ServingMode.provisioned_throughput.value, "task": task.value},
        )
        for task in arch.tasks
    ]


def _ambiguous(
    ask: _Ask,
    matched: str,
    rule: Rule,
    offerings: Sequence[OfferingRec],
    notes: Sequence[Notice] = (),
) -> Resolution:
    varying = [
        field
        for field, values in (
            ("provider", {o.provider for o in offerings}),
            ("serving_mode", {o.mode for o in offerings}),
            ("task", {o.task for o in offerings}),
        )
        if len(values) > 1
    ]

    def decided(o: OfferingRec) -> dict[str, str]:
        values = {"provider": o.provider, "serving_mode": o.mode.value, "task": o.task.value}
        return {field: values[field] for field in varying}

    return _resolution(
        ask,
        ResolutionStatus.ambiguous,
        f"{ask.name} fits {len(offerings)} offerings that differ in {' and '.join(varying)}.",
        rule=rule,
        matched=matched,
        warnings=notes,
        candidates=[candidate_info(o, ask.as_of, decided(o)) for o in offerings],
        decided_by=varying,
    )


def _unsupported(
    snapshot: Snapshot, ask: _Ask, model: ModelRec, rule: Rule, offerings: Sequence[OfferingRec]
) -> Resolution:
    wanted = " ".join(
        part
        for part in (
            f"for {ask.task.value}" if ask.task else "",
            f"in {_mode(ask.serving_mode)}" if ask.serving_mode else "",
            f"at {ask.provider.slug}" if ask.provider else "",
        )
        if part
    )
    candidates = [candidate_info(o, ask.as_of) for o in (offerings or model.offerings)]
    arch = _architecture_of(snapshot, model)
    if arch is not None:
        candidates.extend(_deployable(model.name, arch))
    offered = ", ".join(
        f"{c.task.value} ({_mode(c.serving_mode)} at {c.provider})" for c in candidates
    )
    return _resolution(
        ask,
        ResolutionStatus.unsupported,
        f"{model.name} is not offered {wanted}; it is offered for {offered}.",
        rule=rule,
        matched=model.name,
        candidates=candidates,
    )


def _unknown(snapshot: Snapshot, ask: _Ask) -> Resolution:
    suggestions = suggest(snapshot, ask.name)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else "."
    warnings = []
    if ask.provider is not None and not ask.provider.custom_tasks:
        warnings.append(
            Notice(
                code="no_custom_models",
                message=f"{ask.provider.name} does not accept fine-tuned model names",
            )
        )
    return _resolution(
        ask,
        ResolutionStatus.unknown,
        f"{ask.name!r} is not in the catalog{hint}",
        suggestions=suggestions,
        warnings=warnings,
    )


# -- the two rules past the table -------------------------------------------------------------


def _resolve_inferred(snapshot: Snapshot, ask: _Ask, family: ModelRec) -> Resolution:
    """A variant takes its family's task and, since its own lifecycle is unlisted, its fate."""
    note = Notice(
        code="inferred",
        message=(
            f"{ask.name} is not listed; it is treated as a version of {family.name}, whose provider "
            "usually supports new versions. Its own retirement date is unknown."
        ),
    )
    external = tuple(o for o in family.offerings if o.mode is ServingMode.external)
    matching = [o for o in external if ask.fits(o)]
    if not matching:
        return _unsupported(snapshot, ask, family, Rule.inferred, external)
    if len(matching) > 1:
        return _ambiguous(ask, family.name, Rule.inferred, matching, [note])
    # A usable variant is configured under its own name; a retired one yields the replacement.
    return _settle(snapshot, ask, family, matching[0], Rule.inferred, [note], config_name=ask.name)


def _resolve_architecture(
    snapshot: Snapshot,
    ask: _Ask,
    arch: ArchitectureRec,
    *,
    model_name: str,
    matched: str,
    notes: Sequence[Notice] = (),
) -> Resolution:
    """Provisioned throughput deploys any model of a supported architecture."""
    if ask.task is not None and ask.task not in arch.tasks:
        return _resolution(
            ask,
            ResolutionStatus.unsupported,
            (
                f"{arch.name} serves {', '.join(t.value for t in arch.tasks)} in "
                f"provisioned throughput, not {ask.task.value}."
            ),
            rule=Rule.architecture,
            matched=matched,
            candidates=_deployable(model_name, arch),
        )
    task = ask.task or arch.tasks[0]
    warnings = list(notes)
    warnings.append(
        Notice(
            code="architecture",
            message=(
                f"resolved by architecture: {arch.name} is deployable with provisioned throughput"
            ),
        )
    )
    others = [t.value for t in arch.tasks if t is not task]
    if others and ask.task is None:
        warnings.append(
            Notice(
                code="also_supports", message=f"the same endpoint also serves {', '.join(others)}"
            )
        )
    if task is Task.embeddings and arch.embeddings_normalized is False:
        warnings.append(_not_normalized(arch.name))
    if not arch.source.verified:
        warnings.append(
            Notice(
                code="unverified",
                message=(
                    f"architecture {arch.name} comes from an unverified source ({arch.source.key})"
                ),
            )
        )
    return _resolution(
        ask,
        ResolutionStatus.ok,
        f"Deploy {model_name} with provisioned throughput ({task.endpoint_type}).",
        rule=Rule.architecture,
        matched=matched,
        warnings=warnings,
        model=model_name,
        provider=HOSTED_PROVIDER,
        serving_mode=ServingMode.provisioned_throughput,
        task=task,
        endpoint_type=task.endpoint_type,
        config=provisioned_throughput_config(model_name),
    )


def _resolve_custom(ask: _Ask, provider: ProviderRec) -> Resolution:
    """A provider that accepts fine-tuned names takes an unlisted name for its allowed tasks."""
    allowed = provider.custom_tasks
    allowed_text = ", ".join(t.value for t in allowed)
    candidates = [
        unlisted_candidate(
            ask.name,
            provider.slug,
            ServingMode.external,
            task,
            OfferingStatus.unknown,
            {"task": task.value},
        )
        for task in allowed
    ]
    if ask.serving_mode not in (None, ServingMode.external) or (
        ask.task is not None and ask.task not in allowed
    ):
        wanted = ask.task.value if ask.task and ask.task not in allowed else _mode(ask.serving_mode)
        return _resolution(
            ask,
            ResolutionStatus.unsupported,
            (
                f"{ask.name} is not listed, and {provider.name} accepts fine-tuned model "
                f"names only as external models for {allowed_text}, not {wanted}."
            ),
            rule=Rule.custom,
            candidates=candidates,
        )
    if ask.task is None and len(allowed) > 1:
        return _resolution(
            ask,
            ResolutionStatus.ambiguous,
            (
                f"{ask.name} is not listed; {provider.name} accepts fine-tuned models for "
                f"{allowed_text}, and the task is open."
            ),
            rule=Rule.custom,
            candidates=candidates,
            decided_by=["task"],
        )
    task = ask.task or allowed[0]
    warnings = [
        Notice(
            code="custom",
            message=(
                f"{ask.name} is not in the catalog; {provider.name} accepts fine-tuned model names for "
                f"{allowed_text}. The catalog cannot check that the model exists or when it retires."
            ),
        )
    ]
    return _resolution(
        ask,
        ResolutionStatus.ok,
        f"Use {ask.name} at {provider.slug} (external, {task.endpoint_type}).",
        rule=Rule.custom,
        warnings=warnings,
        model=ask.name,
        provider=provider.slug,
        serving_mode=ServingMode.external,
        task=task,
        endpoint_type=task.endpoint_type,
        config=external_model_config(provider, ask.name, task, None),
    )


# -- warnings and small helpers ---------------------------------------------------------------


def _offering_warnings(snapshot: Snapshot, offering: OfferingRec, ask: _Ask) -> list[Notice]:
    warnings = []
    status = status_on(offering, ask.as_of)
    first_gone = retired_from(offering)
    if retires_within(first_gone, ask.as_of, ask.within_days):
        warnings.append(
            Notice(
                code="retires_soon",
                message=f"retires: {_retirement_phrase(offering, ask.as_of)}",
            )
        )
    if status is OfferingStatus.deprecated:
        warnings.append(
            Notice(code="deprecated", message=f"deprecated since {offering.deprecated_on}")
        )
    if status in (OfferingStatus.deprecated, OfferingStatus.unknown) and first_gone is None:
        warnings.append(
            Notice(
                code="retirement_unknown",
                message=(
                    "retirement date unknown: no source gives one"
                    if status is OfferingStatus.deprecated
                    else "lifecycle unknown: no source gives a retirement date or says it is current"
                ),
            )
        )
    warnings.extend(_text(snapshot, offering).notices)
    return warnings


def _text(snapshot: Snapshot, offering: OfferingRec) -> OfferingText:
    """Where the offering is and its standing notices, built once per snapshot."""
    memo = snapshot.derived.offering_text
    found = memo.get(id(offering))
    if found is not None:
        return found
    notices = [
        Notice(
            code="also_reported",
            message=(
                f"also reported: {report.meaning.value} {report.on} ({report.source.key})"
                + (f": {report.note}" if report.note else "")
            ),
        )
        for report in offering.reports
    ]
    notices.extend(_unverified_retirement(offering))
    model = snapshot.by_exact_name.get(offering.model)
    if model is not None:
        if offering.task is Task.embeddings and model.embeddings_normalized is False:
            notices.append(_not_normalized(model.name))
        if not model.source.verified:
            notices.append(
                Notice(
                    code="unverified",
                    message=f"{model.name} is listed from an unverified source ({model.source.key})",
                )
            )
    return memo.setdefault(id(offering), OfferingText(_where(offering), tuple(notices)))


def _retirement_phrase(offering: OfferingRec, as_of: dt.date) -> str:
    """`last day 2025-04-30 (in 10 days)` or `gone from 2027-01-14 (today)`, as the date means."""
    assert offering.retires_on is not None and offering.retires_meaning is not None
    label, day = retirement_label(offering.retires_meaning, offering.retires_on)
    days = (day - as_of).days
    return f"{label} {day} ({'today' if days == 0 else 'in ' + plural(days, 'day')})"


def _unverified_retirement(offering: OfferingRec) -> list[Notice]:
    source = offering.retires_source
    if source is not None and not source.verified:
        return [
            Notice(
                code="unverified",
                message=(
                    f"the retirement date {offering.retires_on} comes from an unverified source "
                    f"({source.key})"
                ),
            )
        ]
    return []


def _architecture_hint(snapshot: Snapshot, model: ModelRec, offering: OfferingRec) -> list[Notice]:
    arch = _architecture_of(snapshot, model)
    if arch is None or offering.mode is ServingMode.provisioned_throughput:
        return []
    if any(o.mode is ServingMode.provisioned_throughput for o in model.offerings):
        return []
    return [
        Notice(
            code="architecture_deployable",
            message=(
                f"the {arch.name} architecture is still deployable with provisioned throughput"
            ),
            options=_PROVISIONED_OPTION,
        )
    ]


def _not_normalized(name: str) -> Notice:
    return Notice(
        code="embeddings_not_normalized",
        message=(
            f"{name} does not produce normalized embeddings: normalize before cosine similarity"
        ),
    )


def _config(
    provider: ProviderRec | None, offering: OfferingRec, name: str
) -> dict[str, object] | None:
    if offering.mode is ServingMode.pay_per_token and offering.endpoint_name:
        return pay_per_token_config(offering.endpoint_name, offering.task)
    if offering.mode is ServingMode.provisioned_throughput:
        return provisioned_throughput_config(name)
    if provider is not None and offering.mode is ServingMode.external:
        return external_model_config(provider, name, offering.task, offering.bedrock_provider)
    return None


def _where(offering: OfferingRec) -> str:
    endpoint = f", endpoint {offering.endpoint_name}" if offering.endpoint_name else ""
    return (
        f"at {offering.provider} ({_mode(offering.mode)}, {offering.task.endpoint_type}{endpoint})"
    )


def _mode(mode: ServingMode | None) -> str:
    return mode.value.replace("_", "-") if mode else "any mode"
