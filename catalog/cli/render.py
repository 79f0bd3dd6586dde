"""Plain-text rendering for the terminal: aligned tables and short phrases."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from catalog.core.lifecycle import retirement_label
from catalog.core.words import plural
from catalog.vocabulary import DateMeaning, OfferingStatus

if TYPE_CHECKING:
    from catalog.schemas import Deprecation, OfferingInfo, Resolution


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    widths = [len(h) for h in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))
    lines = []
    for row in [headers, ["-" * w for w in widths], *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def mode_label(mode: str) -> str:
    return mode.replace("_", "-")


def status_phrase(offering: OfferingInfo) -> str:
    """`retired since 2025-05-01`, `active, last day 2027-04-01`, `unknown` ..."""
    life = offering.lifecycle
    first_gone = life.retired_from
    if life.status is OfferingStatus.retired:
        if life.retires is not None and life.retires.meaning is DateMeaning.by:
            return f"retired (by {life.retires.on})"
        return f"retired since {first_gone}"
    text = life.status.value
    if life.status is OfferingStatus.deprecated and life.deprecated_on:
        text += f" since {life.deprecated_on}"
    if life.retires is not None and first_gone is not None:
        label, day = retirement_label(life.retires.meaning, life.retires.on)
        text += f", {label} {day}"
    elif life.retires is not None and life.retires.meaning is DateMeaning.not_before:
        text += f", not before {life.retires.on}"
    return text


def replacement_phrase(offering: OfferingInfo) -> str:
    parts = []
    for rep in offering.replaced_by:
        text = rep.model
        if rep.provider != offering.provider:
            text += f" at {rep.provider}"
        if rep.serving_mode != offering.serving_mode:
            text += f" ({mode_label(rep.serving_mode)})"
        if rep.effective_on is not None:
            text += f" from {rep.effective_on}"
        if not rep.source.verified:
            text += " [unverified]"
        parts.append(text)
    return "; ".join(parts)


def day(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def flag(field: str) -> str:
    """The CLI flag for a request field the core names: `serving_mode` -> `--serving-mode`."""
    return "--" + field.replace("_", "-")


def flags(options: Mapping[str, str]) -> str:
    """`--provider openai --task chat`, from field names and values."""
    return " ".join(f"{flag(field)} {value}" for field, value in options.items())


def resolution_lines(result: Resolution) -> list[str]:
    """A resolution for the terminal: the verdict, then one line per chain hop, candidate, warning."""
    lines = [f"{result.status.value}: {result.message}"]
    if result.decided_by:
        lines.append(f"  to choose, pass {' and '.join(flag(f) for f in result.decided_by)}")
    if result.rule is not None:
        lines.append(f"  rule: {result.rule.value}")
    if result.provider_rule is not None:
        lines.append(f"  provider: {result.provider}, {result.provider_rule.describe}")
    if result.name_form is not None:
        form = result.name_form
        where = form.provider or f"{form.outside} (not in the catalog)"
        lines.append(f"  read as: {form.name} at {where} ({form.label})")
    if result.version is not None:
        lines.append(f"  version: {result.version}")
    for hop in result.chain:
        verified = "" if hop.source.verified else ", unverified"
        lines.append(
            f"  chain: {hop.from_model} -> {hop.to_model} "
            f"(from {hop.effective_on}; source {hop.source.key}{verified})"
        )
    label = "also at" if result.provider_rule is not None else "candidate"
    for candidate in result.candidates:
        choice = flags(candidate.decided_by)
        lines.append(
            f"  {label}: {candidate.model} at {candidate.provider} "
            f"({mode_label(candidate.serving_mode)}, {candidate.endpoint_type}) "
            f"{candidate.status.value}" + (f"  [{choice}]" if choice else "")
        )
    for warning in result.warnings:
        options = f" ({flags(warning.options)})" if warning.options else ""
        lines.append(f"  warning: {warning.message}{options}")
    if result.config is not None:
        lines.append("  config: " + json.dumps(result.config))
    return lines


def deprecation_row(deprecation: Deprecation) -> list[str]:
    """MODEL PROVIDER MODE TASK STATUS RETIREMENT WHEN REPLACED BY, for the deprecations table."""
    label, day = retirement_label(deprecation.meaning, deprecation.date)
    days = deprecation.days
    when = (
        "today"
        if days == 0
        else (f"in {plural(days, 'day')}" if days > 0 else f"{plural(-days, 'day')} ago")
    )
    replacement = ""
    if deprecation.replacement_model is not None:
        replacement = deprecation.replacement_model
        if deprecation.replacement_provider != deprecation.provider:
            replacement += f" at {deprecation.replacement_provider}"
    version = f" (version {deprecation.version})" if deprecation.version else ""
    return [
        deprecation.model + version,
        deprecation.provider,
        mode_label(deprecation.serving_mode),
        deprecation.task,
        deprecation.status.value,
        f"{label} {day}",
        when,
        replacement,
    ]


def _escapes(*, as_json: bool) -> dict[int, str]:
    """Characters a terminal would act on rather than show: C0/C1 controls (ESC starts colour
    and cursor sequences), DEL, and the invisible format and bidi controls that reorder text.
    In JSON every escape is `\\uXXXX`, which a JSON reader turns back into the character."""
    codes = [*range(0x20), 0x7F, *range(0x80, 0xA0), 0xAD, *range(0x200B, 0x2010)]
    codes += [*range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF]
    return {
        code: (f"\\x{code:02x}" if code < 0x100 and not as_json else f"\\u{code:04x}")
        for code in codes
        if chr(code) not in "\n\t"
    }


_ESCAPES = _escapes(as_json=False)
_JSON_ESCAPES = _escapes(as_json=True)


def terminal_safe(text: str, *, as_json: bool = False) -> str:
    """`text` with every control character shown as an escape, never acted on."""
    return text.translate(_JSON_ESCAPES if as_json else _ESCAPES)


def say(text: str = "", *, err: bool = False, as_json: bool = False) -> None:
    """Print for a person or a tool: a name holding `\\x1b[2J` is shown, not obeyed."""
    import typer

    typer.echo(terminal_safe(text, as_json=as_json), err=err)
