"""Renderers over one CheckReport: text for people, JSON, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from catalog.core.words import plural
from catalog.schemas import CheckFinding, CheckReport, SkippedFile
from catalog.vocabulary import FindingLevel

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/model-catalog/model-catalog#the-deprecation-check"
SKIPPED_ID = "file-skipped"

_COLOURS = {
    FindingLevel.denied: "\x1b[31m",
    FindingLevel.retired: "\x1b[31m",
    FindingLevel.retiring: "\x1b[33m",
    FindingLevel.deprecated: "\x1b[35m",
    FindingLevel.other_provider: "\x1b[36m",
    FindingLevel.ok: "\x1b[32m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_SKIPPED_COLOUR = "\x1b[33m"
# Every file the report lists as skipped was over the size limit (binary and vendored files
# are not listed), so each says how to raise it.
_LIMIT_HINT = "(--max-file-bytes)"

RULES: dict[FindingLevel, tuple[str, str, str]] = {  # id, SARIF level, short description
    FindingLevel.retired: ("model-retired", "error", "A model that is retired on the date"),
    FindingLevel.denied: ("model-denied", "error", "A model this project's deny list forbids"),
    FindingLevel.retiring: ("model-retiring", "warning", "A model that retires within the window"),
    FindingLevel.deprecated: ("model-deprecated", "warning", "A deprecated model"),
    FindingLevel.other_provider: (
        "model-other-provider",
        "warning",
        "A model current where a bare name reads it, not at another provider serving it",
    ),
    FindingLevel.ok: ("model-ok", "note", "A current model"),
}


def render(report: CheckReport, fmt: str, *, colour: bool = False) -> str:
    renderers: dict[str, Callable[[CheckReport], str]] = {
        "text": lambda r: text(r, colour=colour),
        "json": lambda r: r.model_dump_json(indent=2),
        "sarif": lambda r: json.dumps(sarif(r), indent=2),
        "github": github,
    }
    return renderers[fmt](report)


def where(finding: CheckFinding) -> str:
    cell = f"cell {finding.cell} " if finding.cell is not None else ""
    return f"{cell}{finding.line}:{finding.column}"


def text(report: CheckReport, *, colour: bool = False) -> str:
    def paint(code: str, value: str) -> str:
        return f"{code}{value}{_RESET}" if colour else value

    lines: list[str] = []
    current = None
    # the level column fits the longest level shown (`other_provider` is longer than the rest)
    width = max((len(f.level.value) for f in report.findings), default=0)
    width = max(width, 10)
    for finding in report.findings:
        if finding.path != current:
            if current is not None:
                lines.append("")
            current = finding.path
            lines.append(paint(_BOLD, finding.path))
        level = paint(_COLOURS[finding.level], f"{finding.level.value:<{width}}")
        lines.append(f"  {where(finding):<9} {level} {finding.text}: {finding.message}")
        if finding.fixed:
            lines.append(paint(_DIM, f"  {'':<9} {'':<{width}} fixed: now {finding.fix}"))
        elif finding.fix_note and finding.level is FindingLevel.retired:
            lines.append(
                paint(_DIM, f"  {'':<9} {'':<{width}} not fixed automatically: {finding.fix_note}")
            )
    if report.skipped:
        if lines:
            lines.append("")
        lines.extend(
            f"{s.path}  {paint(_SKIPPED_COLOUR, 'skipped')}: {_why(s)}" for s in report.skipped
        )
    for fix in report.fixes:
        lines.append("")
        lines.append(fix.diff.rstrip("\n"))
    if lines:
        lines.append("")
    lines.append(summary(report))
    return "\n".join(lines)


def _why(skipped: SkippedFile) -> str:
    """`3,145,728 bytes, over the 2,000,000-byte limit (--max-file-bytes)`."""
    size = f"{skipped.bytes:,} bytes, " if skipped.bytes is not None else ""
    return f"{size}{skipped.reason} {_LIMIT_HINT}"


def summary(report: CheckReport) -> str:
    files = len({f.path for f in report.findings})
    parts = [f"{count} {level}" for level, count in report.counts.items()]
    found = (
        f"{len(report.findings)} reference{'s' if len(report.findings) != 1 else ''} in "
        f"{files} file{'s' if files != 1 else ''} ({', '.join(parts)})"
        if report.findings
        else "no references to retired, retiring or deprecated models"
    )
    tail = [f"{plural(report.files_scanned, 'file')} scanned"]
    if report.skipped:
        tail.append(f"{len(report.skipped)} skipped")
    tail.append(f"as of {report.as_of}")
    if report.suppressed:
        tail.append(f"{report.suppressed} suppressed")
    if report.fixes:
        written = "fixed" if all(f.written for f in report.fixes) else "would fix"
        tail.append(f"{written} {sum(f.replacements for f in report.fixes)}")
    verdict = "FAILED" if report.failed else "passed"
    fail_on = report.fail_on.value + (", skipped files" if report.fail_on_skipped else "")
    return f"{found}; {', '.join(tail)}: {verdict} (fail on {fail_on})"


def _uri(path: str) -> str:
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else pure.as_posix()


def sarif(report: CheckReport) -> dict[str, Any]:
    """A SARIF 2.1.0 log: one run, one rule per level, a fix where `--fix` would write one."""
    used = sorted({f.level for f in report.findings}, key=lambda level: -level.severity)
    rules = [
        {
            "id": RULES[level][0],
            "name": RULES[level][0].replace("-", " ").title().replace(" ", ""),
            "shortDescription": {"text": RULES[level][2]},
            "defaultConfiguration": {"level": RULES[level][1]},
            "helpUri": INFO_URI,
        }
        for level in used
    ]
    index = {RULES[level][0]: i for i, level in enumerate(used)}
    results = []
    for finding in report.findings:
        rule_id, level, _ = RULES[finding.level]
        line, column = _file_position(finding)
        region = {"startLine": line, "startColumn": column}
        if finding.cell is None:
            region["endColumn"] = finding.end_column
        location = {
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.path)},
                "region": region,
            }
        }
        message = finding.message
        if finding.cell is not None:
            message = f"cell {finding.cell}, line {finding.line}: {message}"
        result: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": index[rule_id],
            "level": level,
            "message": {"text": f"{finding.text}: {message}"},
            "locations": [location],
            "partialFingerprints": {"modelReference/v1": f"{finding.path}:{finding.text}"},
            "properties": {
                "model": finding.model,
                "provider": finding.provider,
                "status": finding.status.value,
                "retiredFrom": str(finding.retired_from) if finding.retired_from else None,
                "replacement": finding.replacement.model if finding.replacement else None,
            },
        }
        if finding.fix is not None and finding.cell is None:
            result["fixes"] = [
                {
                    "description": {"text": f"replace {finding.text} with {finding.fix}"},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": _uri(finding.path)},
                            "replacements": [
                                {
                                    "deletedRegion": {
                                        "startLine": finding.line,
                                        "startColumn": finding.column,
                                        "endColumn": finding.end_column,
                                    },
                                    "insertedContent": {"text": finding.fix},
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "model-catalog",
                        "informationUri": INFO_URI,
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [_notification(s) for s in report.skipped],
                    }
                ],
                "properties": {"asOf": str(report.as_of), "warnWithin": report.warn_within},
            }
        ],
    }


def _notification(skipped: SkippedFile) -> dict[str, Any]:
    """A file the run did not read: a warning about the run, not a result in the code."""
    return {
        "descriptor": {"id": SKIPPED_ID},
        "level": "warning",
        "message": {"text": f"not checked: {_why(skipped)}"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(skipped.path)}}}],
        "properties": {"bytes": skipped.bytes},
    }


def _file_position(finding: CheckFinding) -> tuple[int, int]:
    """Line and column in the file itself (for a notebook cell: inside the JSON, else 1:1)."""
    if finding.cell is None:
        return finding.line, finding.column
    return finding.file_line or 1, finding.file_column or 1


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _skipped_annotation(skipped: SkippedFile) -> str:
    props = (
        f"file={_escape_property(skipped.path)},title={_escape_property('model-catalog: skipped')}"
    )
    return f"::warning {props}::{_escape_data('not checked: ' + _why(skipped))}"


def github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: one annotation per finding, then the summary."""
    commands = {"error": "error", "warning": "warning", "note": "notice"}
    lines = []
    for finding in report.findings:
        _, level, _ = RULES[finding.level]
        line, column = _file_position(finding)
        props = [f"file={_escape_property(finding.path)}", f"line={line}", f"col={column}"]
        if finding.cell is None:
            props.append(f"endColumn={finding.end_column}")
        props.append(f"title={_escape_property('model-catalog: ' + finding.level.value)}")
        message = finding.message
        if finding.cell is not None:
            message = f"cell {finding.cell}, line {finding.line}: {message}"
        lines.append(
            f"::{commands[level]} {','.join(props)}::{_escape_data(finding.text + ': ' + message)}"
        )
    lines.extend(_skipped_annotation(s) for s in report.skipped)
    lines.append(summary(report))
    return "\n".join(lines)
