"""A file's text as the regions that are searched, each able to point back into the file.

Most files are one region, the text itself. A notebook is one region per cell (its
source lines joined), so findings say cell and line; each region maps its offsets back to
the raw JSON so that SARIF can point at the file and `--fix` can edit it in place.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Region:
    text: str
    cell: int | None = None
    to_raw: Callable[[int], int | None] | None = None  # None: offsets are the file's own


def decode(data: bytes) -> tuple[str, str]:
    """The text and the codec that gives back exactly these bytes."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def regions(path: str, text: str) -> list[Region]:
    if path.endswith(".ipynb"):
        cells = _notebook_regions(text)
        if cells is not None:
            return cells
    return [Region(text)]


def _escaped(text: str) -> tuple[str, ...]:
    """How a JSON writer may have written `text` inside a string (Jupyter: no ASCII escaping)."""
    plain = json.dumps(text, ensure_ascii=False)[1:-1]
    ascii_only = json.dumps(text)[1:-1]
    return (plain,) if plain == ascii_only else (plain, ascii_only)


def _notebook_regions(raw: str) -> list[Region] | None:
    try:
        document = json.loads(raw)
        cells = document["cells"]
    except (ValueError, KeyError, TypeError, RecursionError):  # deep nesting: RecursionError
        return None
    if not isinstance(cells, list):  # JSON, but not a notebook: read as plain text
        return None
    found: list[Region] = []
    cursor = 0
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source", []) if isinstance(cell, dict) else []
        if not isinstance(source, str | list):
            continue
        lines = [source] if isinstance(source, str) else [s for s in source if isinstance(s, str)]
        text = "".join(lines)
        if not text:
            continue
        source_key = raw.find('"source"', cursor)  # outputs may precede it: skip them
        cursor = source_key if source_key >= 0 else cursor
        starts: list[tuple[int, str, int | None, str]] = []  # cell offset, line, raw offset, escape
        offset = 0
        for line in lines:
            raw_at, escape = None, "plain"
            for index, written in enumerate(_escaped(line)):
                at = raw.find(written, cursor) if written else -1
                if at >= 0:
                    raw_at, escape = at, ("plain", "ascii")[index]
                    cursor = at + len(written)
                    break
            starts.append((offset, line, raw_at, escape))
            offset += len(line)
        found.append(Region(text, number, _mapper(starts)))
    return found


def _mapper(starts: list[tuple[int, str, int | None, str]]) -> Callable[[int], int | None]:
    def to_raw(offset: int) -> int | None:
        for line_start, line, raw_at, escape in reversed(starts):
            if offset >= line_start:
                if raw_at is None:
                    return None
                head = line[: offset - line_start]
                written = json.dumps(head, ensure_ascii=escape == "ascii")[1:-1]
                return raw_at + len(written)
        return None

    return to_raw
