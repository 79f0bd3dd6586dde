"""Resolve a requested model name to what to use on a date: pure functions over a Snapshot.

The order of the rules: the name as listed or through an alias; else the provider form it is
written in (`azure/`, `openai:`, `endpoints:/`, a Bedrock ARN), which decides the provider and
is stripped; then, on the bare name, a date-suffixed pay-per-token response id; a version of a
listed family in a shape that family uses (listed with its own lifecycle, or `inferred`); an
architecture that provisioned throughput deploys, named exactly; a provider's custom-model
naming rule (`custom`); else `unknown`, with suggestions.

A name that fits offerings at several providers, written with no provider form and asked with
no provider, reads as the publisher's own API where the catalog names one (`provider_rule`);
the other providers' offerings stay in the result as candidates, with a warning for each that
is retired, deprecated or retiring. `strict_provider` keeps such a name `ambiguous`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from catalog.core.convert import (
    candidate_info,
    name_form_info,
    offering_fields,
    unlisted_candidate,
)
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
from catalog.core.names import VersionRead, name_key, read_name_form, read_version
from catalog.core.records import (
    ArchitectureRec,
    ModelRec,
    NameFormRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
    SourceRec,
    VersionRec,
)
from catalog.core.replacements import follow_from_retired
from catalog.core.snapshot import OfferingText, Snapshot
from catalog.core.words import plural
from catalog.schemas import Candidate, Hop, Notice, Resolution, ResolveRequest
from catalog.vocabulary import (
    DateMeaning,
    OfferingStatus,
    ProviderRule,
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

# Anthropic dates its models and points `-latest` at the newest: a dated name whose
# `-latest` pointer is listed is a version of that pointer's model.
DATED = re.compile(r"^(?P<base>.+)-\d{8}$")


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
    form: NameFormRec | None = None  # the provider form the name was written in
    strict_provider: bool = False  # a name at several providers stays ambiguous without one

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
    strict_provider: bool = False,
) -> Resolution:
    """Resolve `name` on `as_of`; never raises for any name, and always terminates.

    `within_days` is the "retires soon" window: a usable offering (or a replacement) that
    retires within it carries a warning. `strict_provider`: a name that several providers
    serve needs a provider (argument or form), else it is `ambiguous`; by default it reads as
    the publisher's own API where the catalog names one.
    """
    request = ResolveRequest(
        name=name,
        task=task,
        serving_mode=serving_mode,
        provider=provider.slug if provider else None,
        as_of=as_of,
        strict_provider=strict_provider,
    )
    ask = _Ask(
        name, task, serving_mode, provider, as_of, within_days, request, None, strict_provider
    )
    key = name_key(name)
    found = find(snapshot, key) if key else None
    if found is not None:
        return _resolve_found(snapshot, ask, key, *found)
    read = read_name_form(snapshot, name) if key else None
    if read is None or read.form is None:
        return _resolve_bare(snapshot, ask, key)
    form = read.form
    if read.outside is not None:
        return _resolution(
            ask._replace(name=read.name, form=form),
            ResolutionStatus.unknown,
            (
                f"{name!r} is written for {read.outside} ({form.label}), a "
                "provider the catalog does not cover."
            ),
        )
    assert read.provider is not None
    if provider is not None and provider.slug != read.provider:
        return _resolution(
            ask._replace(name=read.name, form=form),
            ResolutionStatus.unsupported,
            (f"{name!r} is written for {read.provider} ({form.label}), not for {provider.slug}."),
            decided_by=["provider"],
        )
    inner = ask._replace(
        name=read.name,
        provider=snapshot.providers.get(read.provider),
        serving_mode=serving_mode or read.serving_mode,
        form=form,
    )
    inner_key = name_key(read.name)
    found = find(snapshot, inner_key) if inner_key else None
    if found is not None:
        return _resolve_found(snapshot, inner, inner_key, *found)
    return _resolve_bare(snapshot, inner, inner_key)


def _resolve_found(
    snapshot: Snapshot, ask: _Ask, key: str, model: ModelRec, kind: str
) -> Resolution:
    """A listed name or alias; a version of a family at another provider if this one has none."""
    if ask.provider is not None and not any(
        o.provider == ask.provider.slug for o in model.offerings
    ):
        version = read_version(snapshot, key)
        if version is not None and version.family is not model:
            return _resolve_version(snapshot, ask, version)
    rule = Rule.listed if kind == "listed" else Rule.alias
    return _resolve_model(snapshot, ask, model, rule, kind=kind, matched_key=key)


def _resolve_bare(snapshot: Snapshot, ask: _Ask, key: str) -> Resolution:
    """The rules past the listed names, on a name with no form left to strip."""
    response_id = RESPONSE_ID.match(key)
    if response_id:
        base = find(snapshot, response_id["base"])
        if base is not None and any(o.mode is ServingMode.pay_per_token for o in base[0].offerings):
            note = Notice(
                code="response_id",
                message=(
                    f"{ask.name} is a date-suffixed response id of {base[0].name}: the same "
                    "endpoint"
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
    version = read_version(snapshot, key)
    if version is not None:
        return _resolve_version(snapshot, ask, version)
    dated = DATED.match(key)
    if dated:
        pointer = snapshot.by_alias.get(f"{dated['base']}-latest")
        if pointer is not None and pointer[1] == "latest":
            return _resolve_inferred(snapshot, ask, pointer[0])
    if (
        key
        and ask.serving_mode in (None, ServingMode.provisioned_throughput)
        and (ask.provider is None or ask.provider.slug == HOSTED_PROVIDER)
    ):
        arch = match_architecture(snapshot, key)
        if arch is not None:
            return _resolve_architecture(
                snapshot, ask, arch, model_name=ask.name, matched=arch.name
            )
    if ask.provider is not None and ask.provider.custom_tasks:
        return _resolve_custom(snapshot, ask, ask.provider)
    return _unknown(snapshot, ask)


def _resolve_version(snapshot: Snapshot, ask: _Ask, read: VersionRead) -> Resolution:
    """A version of a listed family: its own row and lifecycle where a source lists it."""
    family = read.family
    external = tuple(o for o in family.offerings if o.mode is ServingMode.external)
    matching = [o for o in external if ask.fits(o)]
    listed = [v for v in family.versions if v.version == read.version and v.shape is read.shape]
    if len(matching) > 1:
        at_listed = [o for o in matching if any(v.provider == o.provider for v in listed)]
        matching = at_listed if len({o.provider for o in at_listed}) == 1 else matching
    if not matching:
        return _unsupported(snapshot, ask, family, Rule.inferred, external)
    decided = _publisher_api(snapshot, ask, family, matching)
    if decided is not None:
        matching = [decided.offering]
    version = next((v for v in listed if v.provider == matching[0].provider), None)
    if version is None or len(matching) > 1:
        return _resolve_inferred(snapshot, ask, family, version=read.version)
    offering = _version_offering(snapshot, matching[0], version)
    notes = [
        Notice(
            code="version",
            message=(
                f"{version.name} is version {version.version} of {family.name} at "
                f"{version.provider}"
                + (
                    "; it has its own lifecycle"
                    if version.own_lifecycle
                    else f"; {family.name}'s lifecycle covers it"
                )
            ),
        ),
        *_unverified(f"version {version.version}", family.name, version.source),
    ]
    elsewhere: list[Candidate] = []
    if decided is not None:
        elsewhere = _elsewhere(snapshot, ask, family, decided, notes, version.version)
    result = _settle(
        snapshot,
        ask,
        family,
        offering,
        Rule.listed,
        notes,
        config_name=version.name,
        version=version.version,
    )
    return _decided(result, elsewhere) if decided is not None else result


def _version_offering(
    snapshot: Snapshot, offering: OfferingRec, version: VersionRec
) -> OfferingRec:
    """The offering as `version` lives it, made once per snapshot (its id keys cached text)."""
    memo = snapshot.derived.version_offerings
    key = (*offering.identity, version.version)
    found = memo.get(key)
    if found is None:
        found = memo.setdefault(key, version.applied_to(offering))
    return found


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
    if ask.form is not None:
        values["name_form"] = name_form_info(ask.form, ask.name)
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
        decided = _publisher_api(snapshot, ask, model, matching)
        if decided is None:
            return _ambiguous(ask, model.name, rule, matching, notes)
        said = list(notes)
        elsewhere = _elsewhere(snapshot, ask, model, decided, said)
        return _decided(_settle(snapshot, ask, model, decided.offering, rule, said), elsewhere)
    return _settle(snapshot, ask, model, matching[0], rule, list(notes))


def _architecture_of(snapshot: Snapshot, model: ModelRec) -> ArchitectureRec | None:
    if model.architecture is None:
        return None
    return snapshot.architecture_by_key.get(name_key(model.architecture))


# -- the publisher's own API ------------------------------------------------------------------


class _Decision(NamedTuple):
    """The publisher's own API chose `offering`; `others` fit the name at other providers."""

    offering: OfferingRec
    others: tuple[OfferingRec, ...]
    publisher: PublisherRec


def _publisher_api(
    snapshot: Snapshot, ask: _Ask, model: ModelRec, matching: Sequence[OfferingRec]
) -> _Decision | None:
    """A name written with no provider form, asked with no provider, that fits offerings at
    several providers reads as the publisher's own API, when exactly one offering there fits."""
    if len(matching) < 2 or ask.provider is not None or ask.form is not None:
        return None
    publisher = snapshot.publishers.get(model.publisher)
    if ask.strict_provider or publisher is None or publisher.own_provider is None:
        return None
    own = publisher.own_provider
    at_own = [o for o in matching if o.provider == own]
    if len(at_own) != 1:  # none there, or several (another task or mode) left to choose
        return None
    return _Decision(at_own[0], tuple(o for o in matching if o.provider != own), publisher)


def _elsewhere(
    snapshot: Snapshot,
    ask: _Ask,
    family: ModelRec,
    decision: _Decision,
    notes: list[Notice],
    version: str | None = None,
) -> list[Candidate]:
    """Say what the choice left out: a note naming the other providers and a warning for each
    whose offering (as `version` lives it there) is retired, deprecated or retiring; those
    offerings are returned as the result's candidates."""
    others = [_as_version(snapshot, family, o, version) for o in decision.others]
    places = ", ".join(dict.fromkeys(o.provider for o in others))
    notes.append(
        Notice(
            code="publisher_api",
            message=(
                f"{ask.name} is also at {places}; written with no provider it reads as "
                f"{decision.publisher.name}'s own API ({decision.offering.provider})"
            ),
        )
    )
    for offering in others:
        trouble = _trouble(offering, ask)
        if trouble is not None:
            notes.append(
                Notice(
                    code="other_provider",
                    message=(
                        f"also at {offering.provider}, where it {trouble}: name the provider "
                        f"({_written_at(snapshot, offering.provider, ask.name)}) to check that one"
                    ),
                    options={"provider": offering.provider},
                )
            )
    return [candidate_info(o, ask.as_of, {"provider": o.provider}) for o in others]


def _as_version(
    snapshot: Snapshot, family: ModelRec, offering: OfferingRec, version: str | None
) -> OfferingRec:
    """The offering as `version` lives it at its provider, where that provider lists it."""
    if version is None:
        return offering
    listed = next(
        (v for v in family.versions if v.provider == offering.provider and v.version == version),
        None,
    )
    return offering if listed is None else _version_offering(snapshot, offering, listed)


def _trouble(offering: OfferingRec, ask: _Ask) -> str | None:
    """`is retired since ...`, `retires: ...` or `is deprecated since ...`; None when none."""
    status = status_on(offering, ask.as_of)
    if status is OfferingStatus.retired:
        return f"is retired since {retired_from(offering) or offering.retires_on}"
    if retires_within(retired_from(offering), ask.as_of, ask.within_days):
        return f"retires: {_retirement_phrase(offering, ask.as_of)}"
    if status is OfferingStatus.deprecated:
        return f"is deprecated since {offering.deprecated_on}"
    return None


def _written_at(snapshot: Snapshot, provider: str, name: str) -> str:
    """`name` as a tool writes it for `provider` (its first prefix form: `azure/gpt-4o`)."""
    form = next(
        (f for f in snapshot.name_forms if f.kind == "prefix" and f.provider == provider), None
    )
    return f"{form.form}{name}" if form is not None else provider


def _decided(result: Resolution, elsewhere: list[Candidate]) -> Resolution:
    return result.model_copy(
        update={"provider_rule": ProviderRule.publisher_api, "candidates": elsewhere}
    )


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
    version: str | None = None,
) -> Resolution:
    """One offering fits: usable as asked, or retired and followed to its replacement."""
    if status_on(offering, ask.as_of) is not OfferingStatus.retired:
        warnings = [*notes, *_offering_warnings(snapshot, offering, ask)]
        if version is None:
            warnings.extend(_retired_versions(model, offering, ask.as_of))
        return _usable(
            snapshot,
            ask,
            rule,
            model.name,
            offering,
            warnings,
            config_name=config_name,
            version=version,
        )
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
        return _retired(
            ask,
            model.name,
            offering,
            rule,
            chain,
            warnings,
            since,
            version=version,
            asked_name=config_name,
        )
    warnings.extend(_replacement_warnings(snapshot, target, ask))
    return _usable(
        snapshot,
        ask,
        rule,
        model.name,
        target,
        warnings,
        chain=chain,
        since=since,
        asked=offering,
        version=version,
        asked_name=config_name if version else None,
    )


def _replacement_warnings(snapshot: Snapshot, target: OfferingRec, ask: _Ask) -> list[Notice]:
    """The replacement's own warnings; that it retires within the window is said of it by name."""
    warnings = []
    for notice in _offering_warnings(snapshot, target, ask):
        if notice.code == "retires_soon":
            notice = Notice(
                code="replacement_retires_soon",
                message=f"the replacement {target.model} {notice.message}",
            )
        warnings.append(notice)
    return warnings


def _retired_versions(model: ModelRec, offering: OfferingRec, as_of: dt.date) -> list[Notice]:
    """Name the versions of a usable family that are retired on `as_of`: a version pins them."""
    gone = [
        v
        for v in model.versions
        if v.provider == offering.provider
        and v.own_lifecycle
        and status_on(v.applied_to(offering), as_of) is OfferingStatus.retired
    ]
    if not gone:
        return []
    return [
        Notice(
            code="versions_retired",
            message=(
                f"versions {', '.join(v.version for v in gone)} of {model.name} at "
                f"{offering.provider} are retired; a deployment pinned to one of them is gone"
            ),
        )
    ]


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
    version: str | None = None,
    asked_name: str | None = None,
) -> Resolution:
    """`ok` for the offering asked for, or `replaced` by the end of `chain` when `asked` is given."""
    use = config_name or offering.model
    where = _text(snapshot, offering).where
    if asked is None:
        status, message = ResolutionStatus.ok, f"Use {use} {where}."
    else:
        status = ResolutionStatus.replaced
        subject = f"{asked_name} (version {version} of {matched})" if asked_name else matched
        message = (
            f"{subject} {_text(snapshot, asked).where} is retired since {since}; use {use} "
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
        version=version,
    )


def _retired(
    ask: _Ask,
    matched: str,
    offering: OfferingRec,
    rule: Rule,
    chain: list[Hop],
    warnings: list[Notice],
    since: dt.date | None,
    *,
    version: str | None = None,
    asked_name: str | None = None,
) -> Resolution:
    tail = (
        f"; its replacement chain ends at {chain[-1].to_model}, itself retired"
        if chain
        else " and the catalog knows no replacement"
    )
    subject = f"{asked_name} (version {version} of {matched})" if version else matched
    return _resolution(
        ask,
        ResolutionStatus.retired,
        f"{subject} {_where(offering)} is retired since {since}{tail}.",
        rule=rule,
        matched=matched,
        offering=offering,
        warnings=warnings,
        since=since,
        chain=chain,
        version=version,
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


def _unknown(snapshot: Snapshot, ask: _Ask, *notes: Notice) -> Resolution:
    suggestions = suggest(snapshot, ask.name)
    hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else "."
    warnings = list(notes)
    if ask.provider is not None and not ask.provider.custom_tasks:
        warnings.append(
            Notice(
                code="no_custom_models",
                message=f"{ask.provider.name} does not accept fine-tuned model names",
            )
        )
    where = ""
    if ask.form is not None and ask.provider is not None:
        where = f" at {ask.provider.slug} (read from {ask.request.name!r}, {ask.form.label})"
    return _resolution(
        ask,
        ResolutionStatus.unknown,
        f"{ask.name!r} is not in the catalog{where}{hint}",
        suggestions=suggestions,
        warnings=warnings,
    )


# -- the two rules past the table -------------------------------------------------------------


def _resolve_inferred(
    snapshot: Snapshot, ask: _Ask, family: ModelRec, *, version: str | None = None
) -> Resolution:
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
    decided = _publisher_api(snapshot, ask, family, matching)
    if len(matching) > 1 and decided is None:
        return _ambiguous(ask, family.name, Rule.inferred, matching, [note])
    notes = [note]
    elsewhere: list[Candidate] = []
    if decided is not None:
        matching = [decided.offering]
        elsewhere = _elsewhere(snapshot, ask, family, decided, notes, version)
    # A usable variant is configured under its own name; a retired one yields the replacement.
    result = _settle(
        snapshot,
        ask,
        family,
        matching[0],
        Rule.inferred,
        notes,
        config_name=ask.name,
        version=version,
    )
    return _decided(result, elsewhere) if decided is not None else result


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


def _resolve_custom(snapshot: Snapshot, ask: _Ask, provider: ProviderRec) -> Resolution:
    """A provider that accepts fine-tuned names takes an unlisted name for its allowed tasks,
    when the name follows that provider's naming of them."""
    naming = provider.custom_naming or "any name"
    match = re.fullmatch(provider.custom_pattern, ask.name) if provider.custom_pattern else None
    if provider.custom_pattern is not None and match is None:
        return _unknown(
            snapshot,
            ask,
            Notice(
                code="not_custom",
                message=(
                    f"{ask.name} is not a fine-tuned model name at {provider.name}: those are "
                    f"named {naming}"
                ),
            ),
        )
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
                f"{allowed_text} ({naming}). The catalog cannot check that the model exists or when "
                "it retires."
            ),
        )
    ]
    base = match.groupdict().get("base") if match is not None else None
    if base:
        warnings.extend(_base_model(snapshot, ask, provider, base, task))
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


def _base_model(
    snapshot: Snapshot, ask: _Ask, provider: ProviderRec, base: str, task: Task
) -> list[Notice]:
    """What the catalog knows of the model a fine-tuned name was trained from: a fine-tuned
    model rarely outlives its base, so a retired or retiring base is said, and so is a base
    that serves another task. Read from the records directly: no second resolution."""
    key = name_key(base)
    found = find(snapshot, key)
    model: ModelRec | None = found[0] if found is not None else None
    version: VersionRead | None = None
    if model is None:
        read = read_version(snapshot, key)
        if read is None:
            return []
        model, version = read.family, read
    offerings = [
        o for o in model.offerings if o.provider == provider.slug and o.mode is ServingMode.external
    ]
    if not offerings:
        return []
    if version is not None:
        listed = next(
            (
                v
                for v in model.versions
                if v.provider == provider.slug and v.version == version.version
            ),
            None,
        )
        if listed is not None:
            offerings = [_version_offering(snapshot, o, listed) for o in offerings]
    notes = []
    if all(o.task is not task for o in offerings):
        served = ", ".join(sorted(o.task.value for o in offerings))
        notes.append(
            Notice(code="base_task", message=f"its base model {base} serves {served}, not {task}")
        )
    offering = next((o for o in offerings if o.task is task), offerings[0])
    status = status_on(offering, ask.as_of)
    if status is OfferingStatus.retired:
        notes.append(
            Notice(
                code="base_retired",
                message=(
                    f"its base model {base} is retired at {provider.slug} since "
                    f"{retired_from(offering) or offering.retires_on}: fine-tuned models usually "
                    "go with their base"
                ),
            )
        )
        return notes
    if retires_within(retired_from(offering), ask.as_of, ask.within_days):
        notes.append(
            Notice(
                code="base_retires_soon",
                message=(
                    f"its base model {base} retires: {_retirement_phrase(offering, ask.as_of)}"
                ),
            )
        )
    if status is OfferingStatus.deprecated:
        notes.append(
            Notice(
                code="base_deprecated",
                message=f"its base model {base} is deprecated since {offering.deprecated_on}",
            )
        )
    return notes


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
    notices.extend(
        _unverified("deprecation date", str(offering.deprecated_on), offering.deprecated_source)
    )
    if offering.retires_on is None:
        notices.extend(_unverified("lifecycle", offering.model, offering.lifecycle_source))
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
                    f"the retirement date {offering.retires_on} of {offering.model} at "
                    f"{offering.provider} comes from an unverified source ({source.key})"
                ),
            )
        ]
    return []


def _unverified(what: str, subject: str, source: SourceRec | None) -> list[Notice]:
    """A notice that a fact comes from an unverified source, where it does."""
    if source is None or source.verified:
        return []
    return [
        Notice(
            code="unverified",
            message=f"the {what} of {subject} comes from an unverified source ({source.key})",
        )
    ]


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
