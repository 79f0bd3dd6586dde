"""Following replacement links from a retired offering: dated, per serving mode, and safe.

The resolver, the deprecations listing and the scanner's fixes all walk the same links, so
the walk lives here, apart from any of them.
"""

from __future__ import annotations

import datetime as dt

from catalog.core.convert import hop_info
from catalog.core.lifecycle import retired_from, status_on
from catalog.core.records import OfferingRec, ReplacementRec
from catalog.core.snapshot import Snapshot
from catalog.schemas import Hop, Notice
from catalog.vocabulary import OfferingStatus, ServingMode


def applicable_replacement(
    offering: OfferingRec, as_of: dt.date, *, serving_mode: ServingMode | None = None
) -> ReplacementRec | None:
    """The replacement in force on `as_of`: the latest whose effective date has come.

    With `serving_mode`, only links into that mode count. Ties are broken by name so that the
    answer never depends on the order links were read in.
    """
    in_force = [
        r
        for r in offering.replacements
        if (r.effective_on is None or r.effective_on <= as_of)
        and (serving_mode is None or r.mode is serving_mode)
    ]
    if not in_force:
        return None
    return min(
        in_force,
        key=lambda r: (-(r.effective_on or dt.date.min).toordinal(), r.model, r.provider, r.mode),
    )


def follow_replacements(
    snapshot: Snapshot,
    offering: OfferingRec,
    as_of: dt.date,
    *,
    serving_mode: ServingMode | None = None,
) -> tuple[list[Hop], list[Notice], OfferingRec | None]:
    """Follow the links in force on `as_of` from `offering` to the first one not retired.

    Returns the chain of hops, the warnings met on the way (unverified links, a changed task,
    a dead end, a cycle) and the usable offering it ends at, or None when the chain ends at a
    retired offering, at a link the catalog cannot follow, or back where it has been. An
    offering that is not retired on `as_of` is its own answer, with an empty chain.
    """
    if status_on(offering, as_of) is not OfferingStatus.retired:
        return [], [], offering
    return follow_from_retired(snapshot, offering, as_of, serving_mode=serving_mode)


def follow_from_retired(
    snapshot: Snapshot,
    offering: OfferingRec,
    as_of: dt.date,
    *,
    serving_mode: ServingMode | None = None,
) -> tuple[list[Hop], list[Notice], OfferingRec | None]:
    """`follow_replacements` for a caller that has already found `offering` retired on `as_of`."""
    chain: list[Hop] = []
    warnings: list[Notice] = []
    current, visited = offering, {offering.identity}
    while True:
        replacement = applicable_replacement(current, as_of, serving_mode=serving_mode)
        if replacement is None:
            if chain:  # the chain went on and ended on a retired offering: say so
                warnings.append(
                    Notice(
                        code="replacement_chain_ends",
                        message=(
                            f"the replacement chain dead-ends: {current.model} at "
                            f"{current.provider} is retired too (from "
                            f"{retired_from(current) or current.retires_on}) and the catalog "
                            "knows no replacement for it"
                        ),
                    )
                )
            return chain, warnings, None
        targets = snapshot.offerings_at(replacement.model, replacement.provider, replacement.mode)
        if not targets:
            warnings.append(
                Notice(
                    code="replacement_dead_end",
                    message=(
                        f"{replacement.model} replaces {current.model} but the catalog has no "
                        f"{replacement.mode.value} offering of it at {replacement.provider}"
                    ),
                )
            )
            return chain, warnings, None
        target = next((t for t in targets if t.task is current.task), targets[0])
        effective = replacement.effective_on or retired_from(current) or current.retires_on
        chain.append(hop_info(current, target, replacement, effective))
        if not replacement.source.verified:
            warnings.append(
                Notice(
                    code="unverified",
                    message=(
                        f"that {target.model} replaces {current.model} comes from an unverified "
                        f"source ({replacement.source.key})"
                    ),
                )
            )
        if target.task is not current.task:
            warnings.append(
                Notice(
                    code="task_changed",
                    message=(
                        f"{target.model} serves {target.task.endpoint_type}, not "
                        f"{current.task.endpoint_type}: requests must change shape"
                    ),
                )
            )
        if target.identity in visited:
            warnings.append(
                Notice(
                    code="replacement_cycle",
                    message="the replacement links lead back to " + target.model,
                )
            )
            return chain, warnings, None
        visited.add(target.identity)
        if status_on(target, as_of) is not OfferingStatus.retired:
            return chain, warnings, target
        current = target
