"""What a reference means on a date: resolve its name, then say how serious it is.

A name is a reference only when the resolver reads it as listed, as an alias or as a
version of a listed family; the architecture and fine-tuned-name rules accept names the
catalog does not list, so they never make a finding. Readings are cached per name and
provider: a repository repeats the same few names thousands of times.

A bare name that several providers serve is read as the publisher's own API, as the resolver
reads it; what the other providers' offerings face (retired, retiring, deprecated) is said in
the message, and a reference that is fine where it is read but not elsewhere is at the
`other_provider` level (a warning). In strict mode such a name is read as all of them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from catalog.core.lifecycle import retired_from, status_on
from catalog.core.lookup import find
from catalog.core.names import name_key, read_version
from catalog.core.records import OfferingRec
from catalog.core.resolver import DATED, RESPONSE_ID, resolve
from catalog.core.snapshot import Snapshot
from catalog.schemas import CheckReplacement, Resolution
from catalog.vocabulary import (
    DateMeaning,
    FindingLevel,
    OfferingStatus,
    ResolutionStatus,
    Rule,
    ServingMode,
    Task,
)

REFERENCE_RULES = (Rule.listed, Rule.alias, Rule.inferred)


@dataclass(frozen=True, slots=True)
class Reading:
    """A name resolved and classified; shared by every place the name is written."""

    level: FindingLevel
    status: ResolutionStatus
    rule: Rule | None
    asked: str  # the model the name denotes
    model: str | None
    provider: str | None
    serving_mode: ServingMode | None
    task: Task | None
    endpoint_name: str | None
    retired_from: dt.date | None
    retires_on: dt.date | None
    retires_meaning: DateMeaning | None
    deprecated_on: dt.date | None
    replacement: CheckReplacement | None
    message: str
    fix: str | None  # the bare name to write instead, when --fix may
    fix_note: str | None


class Classifier:
    """Resolve names against one snapshot as of one date, with one warning window."""

    def __init__(
        self,
        snapshot: Snapshot,
        as_of: dt.date,
        warn_within: int,
        *,
        strict_provider: bool = False,
    ) -> None:
        self.snapshot = snapshot
        self.as_of = as_of
        self.window = dt.timedelta(days=warn_within)
        self.strict_provider = strict_provider
        self._cache: dict[tuple[str, str | None], Reading | None] = {}

    def read(self, name: str, provider: str | None) -> Reading | None:
        key = (name.lower(), provider)
        if key not in self._cache:
            self._cache[key] = self._read(name, provider)
        return self._cache[key]

    def _resolve(self, name: str, provider: str | None, **pinned: object) -> Resolution:
        rec = self.snapshot.providers.get(provider) if provider else None
        return resolve(
            self.snapshot,
            name,
            provider=rec,
            as_of=self.as_of,
            within_days=self.window.days,
            strict_provider=self.strict_provider,
            **pinned,  # type: ignore[arg-type]
        )

    def _read(self, name: str, provider: str | None) -> Reading | None:
        key = name_key(name)
        if find(self.snapshot, key) is None and not _may_be_version(self.snapshot, key):
            return None  # neither listed nor shaped like a version: skip the resolver's suggestions
        result = self._resolve(name, provider)
        if result.rule not in REFERENCE_RULES:
            return None
        if result.status is ResolutionStatus.ambiguous:
            return self._ambiguous(name, provider, result)
        if result.status not in (
            ResolutionStatus.ok,
            ResolutionStatus.replaced,
            ResolutionStatus.retired,
        ):
            return None
        reading = self._settled(name, result)
        if result.provider_rule is not None:
            return _with_other_providers(reading, result)
        return reading

    def _settled(self, name: str, result: Resolution) -> Reading:
        asked = self._asked_offering(result)
        asked_model = result.matched or result.model or name
        where = f"{asked_model} at {asked.provider}" if asked else asked_model
        retires_on = retired_from(asked) if asked else result.retires_on
        meaning = asked.retires_meaning if asked else None
        deprecated_on = asked.deprecated_on if asked else None
        replacement = None
        fix = fix_note = None
        if result.status is ResolutionStatus.replaced:
            level = FindingLevel.retired
            replacement = CheckReplacement(
                model=result.model or "",
                provider=result.provider or "",
                serving_mode=result.serving_mode or ServingMode.external,
                task=result.task or Task.chat,
                endpoint_name=result.endpoint_name,
            )
            target = (
                f"{replacement.endpoint_name}"
                if replacement.endpoint_name and result.serving_mode is ServingMode.pay_per_token
                else replacement.model
            )
            if replacement.provider != (asked.provider if asked else None):
                target += f" at {replacement.provider}"
            changed = any(w.code == "task_changed" for w in result.warnings)
            message = f"{where} is retired since {result.since}; use {target} instead" + (
                f" (another endpoint type: {replacement.task.endpoint_type})" if changed else ""
            )
            fix, fix_note = self._fix(name, result, asked, changed)
        elif result.status is ResolutionStatus.retired:
            level = FindingLevel.retired
            message = f"{where} is retired since {result.since}; no replacement known"
            fix_note = "no replacement known"
        else:
            gone = result.retires_on
            if gone is not None and gone - self.as_of <= self.window:
                level = FindingLevel.retiring
                days = (gone - self.as_of).days
                message = f"{where} retires: gone from {gone} (in {days} days)"
            elif any(w.code == "deprecated" for w in result.warnings):
                level = FindingLevel.deprecated
                message = f"{where} is deprecated since {deprecated_on}" + (
                    f"; gone from {gone}" if gone else "; retirement date unknown"
                )
            else:
                level = FindingLevel.ok
                unknown = any(w.code == "retirement_unknown" for w in result.warnings)
                message = f"{where} is " + (
                    "listed; its lifecycle is unknown" if unknown else "current"
                )
        return Reading(
            level=level,
            status=result.status,
            rule=result.rule,
            asked=asked_model,
            model=asked.model if asked else result.model,
            provider=asked.provider if asked else result.provider,
            serving_mode=asked.mode if asked else result.serving_mode,
            task=asked.task if asked else result.task,
            endpoint_name=asked.endpoint_name if asked else result.endpoint_name,
            retired_from=result.since or retires_on,
            retires_on=asked.retires_on if asked else None,
            retires_meaning=meaning,
            deprecated_on=deprecated_on,
            replacement=replacement,
            message=message,
            fix=fix,
            fix_note=fix_note,
        )

    def _ambiguous(self, name: str, provider: str | None, result: Resolution) -> Reading | None:
        """Several offerings fit: the least serious one decides, and each is named."""
        readings: list[Reading] = []
        for candidate in result.candidates:
            pinned = self._resolve(
                name,
                candidate.provider,
                task=candidate.task,
                serving_mode=candidate.serving_mode,
            )
            if pinned.status in (
                ResolutionStatus.ok,
                ResolutionStatus.replaced,
                ResolutionStatus.retired,
            ):
                readings.append(self._settled(name, pinned))
        if not readings:
            return None
        least = min(readings, key=lambda r: r.level.severity)
        levels = {r.level for r in readings}
        if len(levels) == 1:
            message = least.message
            if len(readings) > 1 and len({r.message for r in readings}) > 1:
                message = "; ".join(dict.fromkeys(r.message for r in readings))
        else:
            message = f"{name} fits {len(readings)} offerings: " + "; ".join(
                dict.fromkeys(r.message for r in readings)
            )
        note = "several offerings fit: the provider or task does not decide"
        same_replacement = len({r.replacement for r in readings}) == 1
        return Reading(
            level=least.level,
            status=ResolutionStatus.ambiguous,
            rule=result.rule,
            asked=least.asked,
            model=least.model if len({r.model for r in readings}) == 1 else None,
            provider=least.provider if len({r.provider for r in readings}) == 1 else provider,
            serving_mode=None,
            task=None,
            endpoint_name=None,
            retired_from=least.retired_from,
            retires_on=least.retires_on,
            retires_meaning=least.retires_meaning,
            deprecated_on=least.deprecated_on,
            replacement=least.replacement if same_replacement else None,
            message=message,
            fix=None,
            fix_note=note if least.level is FindingLevel.retired else None,
        )

    def _asked_offering(self, result: Resolution) -> OfferingRec | None:
        """The offering the written name denotes, before any replacement was followed."""
        if result.status is ResolutionStatus.replaced and result.chain:
            hop = result.chain[0]
            record = self.snapshot.by_exact_name.get(hop.from_model)
            for offering in record.offerings if record is not None else ():
                if (
                    any(
                        r.model == hop.to_model
                        and r.provider == hop.provider
                        and r.mode is hop.serving_mode
                        for r in offering.replacements
                    )
                    and status_on(offering, self.as_of) is OfferingStatus.retired
                ):
                    return offering
            return None
        model = result.matched if result.status is ResolutionStatus.ok else result.model
        if model is None or result.provider is None or result.serving_mode is None:
            return None
        for offering in self.snapshot.offerings_at(model, result.provider, result.serving_mode):
            if offering.task is result.task:
                return offering
        return None

    def _fix(
        self, name: str, result: Resolution, asked: OfferingRec | None, task_changed: bool
    ) -> tuple[str | None, str | None]:
        """The replacement written the way `name` was, or why there is none."""
        if task_changed:
            return None, "the replacement serves another endpoint type"
        if asked is None or result.rule is Rule.inferred:
            return None, "a version of a model: choose the replacement's version yourself"
        if any(
            h.provider != asked.provider or h.serving_mode is not asked.mode for h in result.chain
        ):
            return None, "the replacement is at another provider or in another serving mode"
        found = find(self.snapshot, name_key(name))
        kind = found[1] if found is not None else None
        target = self.snapshot.by_exact_name.get(result.model or "")
        if kind == "listed":
            text = result.model or ""
        elif kind == "endpoint" and result.endpoint_name:
            text = result.endpoint_name
        elif kind == "prefixed" and target is not None:
            same_kind = [a for a, k in target.aliases if k == "prefixed"]
            if len(same_kind) != 1:
                return None, "the replacement has no single provider id of the same form"
            text = same_kind[0]
        else:
            return None, f"written as {kind or 'a name'} the replacement has no form of"
        if not text:
            return None, "no replacement name"
        return (text.lower() if name.islower() else text), None


def _with_other_providers(reading: Reading, result: Resolution) -> Reading:
    """A reading the publisher's own API decided, with what the other providers' offerings
    face: said in the message, and at least `other_provider` (a warning) when there is any.

    Never fixed automatically: a bare name is also how an Azure deployment or a Bedrock
    client is written, and rewriting it to the publisher's replacement would break those.
    """
    if reading.fix is not None:
        reading = dataclasses.replace(
            reading,
            fix=None,
            fix_note=(
                "not fixed automatically: no provider is written, and the name is also "
                "served elsewhere; write it with its provider to have it fixed"
            ),
        )
    elsewhere = [w.message for w in result.warnings if w.code == "other_provider"]
    if not elsewhere:
        return reading
    level = reading.level
    if level.severity < FindingLevel.other_provider.severity:
        level = FindingLevel.other_provider
    return dataclasses.replace(
        reading, level=level, message="; ".join([reading.message, *elsewhere])
    )


def _may_be_version(snapshot: Snapshot, key: str) -> bool:
    """Whether the resolver could read `key` as a version of a listed name: a response id, a
    version in a shape its family declares, or a dated id whose `-latest` pointer is listed."""
    if RESPONSE_ID.match(key) is not None or read_version(snapshot, key) is not None:
        return True
    dated = DATED.match(key)
    return dated is not None and f"{dated['base']}-latest" in snapshot.by_alias
