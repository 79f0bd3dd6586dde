"""One pass over the files: find references, resolve and classify them, suppress, fix."""

from __future__ import annotations

import datetime as dt
import re
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from catalog.check.extract import Region, decode, regions
from catalog.check.fix import Edit, apply_edits
from catalog.check.forms import catalog_form
from catalog.check.matcher import Matcher, Token, identifiers_of
from catalog.check.walk import (
    BINARY_PROBE_BYTES,
    Listed,
    Oversized,
    Selection,
    Unreadable,
    is_binary,
    iter_files,
)
from catalog.core.names import name_key
from catalog.errors import InvalidArgument
from catalog.schemas import CheckFinding, CheckReport, FileFix, SkippedFile
from catalog.vocabulary import FailOn, FindingLevel, ResolutionStatus

if TYPE_CHECKING:
    from catalog.check.classify import Classifier, Reading
    from catalog.core.snapshot import Snapshot

SUPPRESS = "model-catalog: ignore"
READ_BLOCK = 1 << 20  # bytes per read: `read(n)` allocates n up front, whatever the file holds
QUOTES = "\"'"
# The value of a model-like key: `model: command`, `MODEL_NAME=command`, `"endpoint": "..."`.
MODEL_KEY = re.compile(
    r"(?:^|[^a-z0-9_])[a-z0-9_]*(?:model|model_name|model_id|endpoint|endpoint_name|"
    r"deployment|deployment_name|deployment_id|engine)[\"']?\s*[:=]\s*[\"']?$",
    re.IGNORECASE,
)
# A line that speaks of models, somewhere before a quoted word (`models = [`, `"engine": `).
MODEL_WORD = re.compile(r"model|engine|deployment|endpoint|llm", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Deny:
    """An organisation's own rule: this model is not to be used, and why."""

    model: str
    message: str


@dataclass(frozen=True, slots=True)
class Options:
    as_of: dt.date
    warn_within: int = 90
    fail_on: FailOn = FailOn.retired
    show_ok: bool = False
    deny: Sequence[Deny] = ()
    selection: Selection = field(default_factory=Selection)
    fix: bool = False
    dry_run: bool = False
    strict_provider: bool = False  # a bare name that several providers serve reads as all
    fail_on_skipped: bool = False  # a file left unread fails the check, for teams that want all


def matcher_for(snapshot: Snapshot, extra: Sequence[str] = ()) -> Matcher:
    """The automaton for this catalog revision, built once and kept with the snapshot."""
    key = tuple(sorted(extra))
    found = snapshot.derived.matchers.get(key)
    if not isinstance(found, Matcher):
        names: list[str] = list(extra)
        for model in snapshot.models:
            names.append(model.name)
            names.extend(alias for alias, kind in model.aliases if kind != "translated")
            names.extend(o.endpoint_name for o in model.offerings if o.endpoint_name)
        # No reader that holds the snapshot: kept in the snapshot's own indexes, it would
        # make a cycle through a snapshot the collector never scans (`gc_paused`).
        found = Matcher(sorted(identifiers_of(names)))
        snapshot.derived.matchers[key] = found
    return found


def list_files(paths: Sequence[str], selection: Selection) -> list[Listed]:
    """Every file the check reads or lists as skipped; a named path that cannot be examined
    is the caller's error."""
    try:
        return list(iter_files(paths, selection))
    except Unreadable as error:
        raise InvalidArgument(str(error), field="paths") from None


def report_without_reading(paths: Sequence[str], options: Options) -> CheckReport | None:
    """The report when the paths hold nothing to read (at most files over the size limit),
    found without the catalog; None at the first file to read."""
    oversized: list[Oversized] = []
    try:
        for listed in iter_files(paths, options.selection):
            if not isinstance(listed, Oversized):
                return None
            oversized.append(listed)
    except Unreadable as error:
        raise InvalidArgument(str(error), field="paths") from None
    return unread_report(oversized, options)


def run(
    paths: Sequence[str],
    options: Options,
    snapshot: Callable[[], Snapshot],
    *,
    on_progress: Callable[[int, int], None] | None = None,
    read_stdin: Callable[[int], bytes] | None = None,
) -> CheckReport:
    """List the files, then check them; the catalog is read only if there is a file to read."""
    files = list_files(paths, options.selection)
    if all(isinstance(listed, Oversized) for listed in files):
        return unread_report([f for f in files if isinstance(f, Oversized)], options)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if on_progress is not None:
            on_progress(done, len(files))

    return check(snapshot(), files, options, on_file=step, read_stdin=read_stdin)


def unread_report(oversized: Sequence[Oversized], options: Options) -> CheckReport:
    """A report with no file read: only what was skipped, and whether that fails the check."""
    limit = options.selection.max_bytes
    skipped = [entry for f in oversized if (entry := skipped_file(f, limit)) is not None]
    return CheckReport(
        as_of=options.as_of,
        warn_within=options.warn_within,
        fail_on=options.fail_on,
        fail_on_skipped=options.fail_on_skipped,
        files_scanned=0,
        skipped=skipped,
        failed=options.fail_on_skipped and bool(skipped),
    )


def skipped_file(oversized: Oversized, limit: int) -> SkippedFile | None:
    """The report's entry for a file over the limit; None for a binary one, which is not
    text a person wrote and stays as silent as a small binary file (its first block read)."""
    head = _read(oversized.path, BINARY_PROBE_BYTES)
    if head is not None and is_binary(head):
        return None
    return over_limit(oversized.display, oversized.size, limit)


def over_limit(display: str, size: int | None, limit: int) -> SkippedFile:
    """Stdin is read no further than the limit: its size is unknown, only that it is more."""
    if size is None:
        return SkippedFile(path=display, reason=f"more than {limit:,} bytes, over the limit")
    return SkippedFile(path=display, reason=f"over the {limit:,}-byte limit", bytes=size)


def check(
    snapshot: Snapshot,
    files: Sequence[Listed],
    options: Options,
    *,
    on_file: Callable[[], None] | None = None,
    read_stdin: Callable[[int], bytes] | None = None,
) -> CheckReport:
    """Scan `files` (from `list_files`) and report on every reference, as of `options.as_of`."""
    from catalog.check.classify import Classifier  # the resolver: only with files to read

    matcher = matcher_for(snapshot, [d.model for d in options.deny])
    read_form = partial(catalog_form, snapshot)  # the catalog's own name forms
    classifier = Classifier(
        snapshot, options.as_of, options.warn_within, strict_provider=options.strict_provider
    )
    deny = {name_key(d.model): d for d in options.deny}
    findings: list[CheckFinding] = []
    fixes: list[FileFix] = []
    skipped: list[SkippedFile] = []
    suppressed = scanned = 0
    limit = options.selection.max_bytes
    for listed in files:
        if on_file is not None:
            on_file()
        if isinstance(listed, Oversized):
            if (entry := skipped_file(listed, limit)) is not None:
                skipped.append(entry)
            continue
        display, path = listed
        data = (read_stdin or _stdin)(limit + 1) if path is None else _read(path, limit + 1)
        if data is None or is_binary(data):
            continue
        if len(data) > limit:  # stdin, or a file that grew since the walk looked at it
            skipped.append(over_limit(display, _size(path), limit))
            continue
        scanned += 1
        text, codec = decode(data)
        edits: dict[int, Edit] = {}  # index in findings -> its edit
        own = _own_config(display, text)
        file_lines = Lines(text)
        for region in regions(display, text):
            region_lines = file_lines if region.text is text else Lines(region.text)
            for candidate in matcher.candidates(region.text, read_form):
                if own is not None and own[0] <= candidate.start < own[1]:
                    continue
                finding, edit = _finding(
                    display, file_lines, region, region_lines, candidate, classifier, deny, options
                )
                if finding is None:
                    continue
                if finding == "suppressed":
                    suppressed += 1
                    continue
                assert isinstance(finding, CheckFinding)
                if finding.level is FindingLevel.ok and not options.show_ok:
                    continue
                if edit is not None:
                    edits[len(findings)] = edit
                findings.append(finding)
        if options.fix and edits and path is not None:
            written = not options.dry_run
            fixed, applied = apply_edits(
                display, path, text, codec, list(edits.values()), write=written
            )
            if fixed is not None:
                fixes.append(fixed)
            for index, edit in edits.items():
                if written and edit.start in applied:
                    findings[index] = findings[index].model_copy(update={"fixed": True})
    counts = Counter(f.level.value for f in findings)
    threshold = options.fail_on.threshold
    failed = threshold is not None and any(
        f.level.severity >= threshold and not f.fixed for f in findings
    )
    return CheckReport(
        as_of=options.as_of,
        warn_within=options.warn_within,
        fail_on=options.fail_on,
        fail_on_skipped=options.fail_on_skipped,
        catalog_revision=snapshot.revision,
        files_scanned=scanned,
        findings=findings,
        skipped=skipped,
        suppressed=suppressed,
        counts=dict(sorted(counts.items())),
        fixes=fixes,
        failed=failed or (options.fail_on_skipped and bool(skipped)),
    )


_OWN_TABLE = re.compile(r"^\[tool\.model-catalog\][^\n]*$", re.MULTILINE)
_NEXT_TABLE = re.compile(r"^\[", re.MULTILINE)


def _own_config(display: str, text: str) -> tuple[int, int] | None:
    """The `[tool.model-catalog]` table of a pyproject.toml: the check's own deny list is no use."""
    if not display.endswith("pyproject.toml"):
        return None
    header = _OWN_TABLE.search(text)
    if header is None:
        return None
    following = _NEXT_TABLE.search(text, header.end())
    return header.start(), following.start() if following else len(text)


def _read(path: Path, at_most: int) -> bytes | None:
    """At most `at_most` bytes: a file may have grown since the walk looked at its size."""
    try:
        with path.open("rb") as file:
            return _read_up_to(file, at_most)
    except OSError:
        return None


def _size(path: Path | None) -> int | None:
    """A file's size from `stat` (stdin has none to give)."""
    if path is None:
        return None
    try:
        return path.stat().st_size
    except OSError:
        return None


def _stdin(at_most: int) -> bytes:
    """At most `at_most` bytes of stdin, which may never end (`< /dev/zero`)."""
    return _read_up_to(sys.stdin.buffer, at_most)


def _read_up_to(stream: BinaryIO, at_most: int) -> bytes:
    """Block by block, so that a limit of a terabyte costs only what the input holds."""
    blocks: list[bytes] = []
    remaining = at_most
    while remaining > 0:
        asked = min(remaining, READ_BLOCK)
        block = stream.read(asked)
        blocks.append(block)
        remaining -= len(block)
        if len(block) < asked:  # a buffered read comes back short only at the end
            break
    return b"".join(blocks)


def _ordinary(name: str) -> bool:
    """A name that is also a word (`command`, `jamba`) or too short to stand alone (`o1`)."""
    return name.isalpha() or len(name) <= 3


def _meant_as_model(text: str, line_start: int, start: int, end: int, name: str) -> bool:
    """Whether an ordinary name (a word, or an id as short as `o1`) is meant as a model here.

    A model key right before it (`model="command"`, `model: command`) always decides. A short
    id also counts when quoted (`["o1", "o3"]`). A word counts when quoted only on a line that
    speaks of models (`models = ["jamba", ...]`): a quoted `"command"` is far more often a CLI's
    word (`dest="command"`, `{"type": "command"}`) than Cohere's model.
    """
    if MODEL_KEY.search(text, line_start, start):
        return True
    before = text[start - 1] if start else ""
    if not (before in QUOTES and text[end : end + 1] == before):
        return False
    return not name.isalpha() or MODEL_WORD.search(text, line_start, start) is not None


def _finding(
    display: str,
    file_lines: Lines,
    region: Region,
    region_lines: Lines,
    candidate: Token,
    classifier: Classifier,
    deny: dict[str, Deny],
    options: Options,
) -> tuple[CheckFinding | str | None, Edit | None]:
    text = region.text
    start, end = candidate.start, candidate.end
    line_start = text.rfind("\n", 0, start) + 1
    if (
        candidate.form is None
        and _ordinary(candidate.name)
        and not _meant_as_model(text, line_start, start, end, candidate.name)
    ):
        return None, None
    provider = candidate.form.provider if candidate.form else None
    reading = classifier.read(candidate.name, provider)
    rule = deny.get(name_key(candidate.name)) or (
        deny.get(name_key(reading.asked)) if reading is not None else None
    )
    if reading is None and rule is None:
        return None, None
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    if SUPPRESS in text[line_start:line_end] or _suppressed_above(text, line_start):
        return "suppressed", None
    line = region_lines.number(start)
    column = start - line_start + 1
    finding = _make(display, region, candidate, reading, rule, line, column)
    raw_start = region.to_raw(start) if region.to_raw else start
    if region.to_raw is not None and raw_start is not None:
        file_line_start = file_lines.text.rfind("\n", 0, raw_start) + 1
        finding = finding.model_copy(
            update={
                "file_line": file_lines.number(raw_start),
                "file_column": raw_start - file_line_start + 1,
            }
        )
    edit = None
    if (
        options.fix
        and reading is not None
        and rule is None
        and reading.level is FindingLevel.retired
        and reading.fix is not None
    ):
        form = candidate.form
        new = (
            candidate.token[: form.start] + reading.fix + candidate.token[form.end :]
            if form is not None
            else reading.fix
        )
        if raw_start is not None and new != candidate.token:
            edit = Edit(raw_start, raw_start + len(candidate.token), candidate.token, new)
    return finding, edit


class Lines:
    """Line numbers in one text, by bisecting its newlines, found on first use (most texts
    have no finding): counting them per finding made a file of 200,000 references quadratic."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines: list[int] | None = None

    def number(self, offset: int) -> int:
        """The 1-based line `offset` falls on."""
        if self._newlines is None:
            found: list[int] = []
            at = self.text.find("\n")
            while at >= 0:
                found.append(at)
                at = self.text.find("\n", at + 1)
            self._newlines = found
        return bisect_left(self._newlines, offset) + 1


def _suppressed_above(text: str, line_start: int) -> bool:
    """The line above is a comment of its own that says `model-catalog: ignore`."""
    if line_start == 0:
        return False
    previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start]
    at = previous.find(SUPPRESS)
    return at >= 0 and not any(ch.isalnum() for ch in previous[:at])


def _make(
    display: str,
    region: Region,
    candidate: Token,
    reading: Reading | None,
    rule: Deny | None,
    line: int,
    column: int,
) -> CheckFinding:
    common: dict[str, Any] = {
        "path": display,
        "line": line,
        "column": column,
        "end_column": column + len(candidate.token),
        "cell": region.cell,
        "text": candidate.token,
        "name": candidate.name,
        "form": candidate.form.label if candidate.form else None,
    }
    if reading is None:
        assert rule is not None
        return CheckFinding.model_construct(
            **common,
            level=FindingLevel.denied,
            status=ResolutionStatus.unknown,
            message=f"{candidate.name} is on this project's deny list: {rule.message}",
        )
    level, message = reading.level, reading.message
    if rule is not None:
        level, message = FindingLevel.denied, f"{rule.message} ({reading.message})"
    # Built from values already typed (a Reading, the token): validating each of 200,000
    # findings again cost half the check of a file that holds that many.
    return CheckFinding.model_construct(
        **common,
        level=level,
        status=reading.status,
        rule=reading.rule,
        model=reading.asked,
        provider=reading.provider,
        serving_mode=reading.serving_mode,
        task=reading.task,
        endpoint_name=reading.endpoint_name,
        retired_from=reading.retired_from,
        retires_on=reading.retires_on,
        retires_meaning=reading.retires_meaning,
        deprecated_on=reading.deprecated_on,
        replacement=reading.replacement,
        message=message,
        fix=(
            candidate.token[: candidate.form.start]
            + reading.fix
            + candidate.token[candidate.form.end :]
            if reading.fix and candidate.form
            else reading.fix
        ),
        fix_note=reading.fix_note,
    )
