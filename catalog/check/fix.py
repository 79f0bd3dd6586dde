"""Rewrite references in place: only the edited spans change, every other byte stays.

The file is decoded with the codec that reproduces its bytes exactly (no newline
translation, so CRLF and a missing final newline survive), edited at the offsets the
scan found, encoded back with the same codec, and written only when it changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from catalog.schemas import FileFix


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    old: str
    new: str


def apply_edits(
    display: str, path: Path, text: str, codec: str, edits: Sequence[Edit], *, write: bool
) -> tuple[FileFix | None, set[int]]:
    """Apply `edits` (offsets into `text`); each must still read `old` or it is skipped.

    Returns the fix and the start offsets of the edits applied.
    """
    pieces: list[str] = []
    cursor = 0
    applied: set[int] = set()
    for edit in sorted(edits, key=lambda e: e.start):
        if edit.start < cursor or text[edit.start : edit.end] != edit.old:
            continue
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.new)
        cursor = edit.end
        applied.add(edit.start)
    if not applied:
        return None, applied
    pieces.append(text[cursor:])
    new_text = "".join(pieces)
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=f"a/{display}",
            tofile=f"b/{display}",
        )
    )
    if write:
        path.write_bytes(new_text.encode(codec))
    return FileFix(path=display, replacements=len(applied), diff=diff, written=write), applied
