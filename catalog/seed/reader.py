"""Read a seed file's bytes and parse its YAML within fixed bounds, whatever the file holds.

A seed file is plain data: no aliases or anchors (a few hundred bytes of them expand to
gigabytes), no tags (`!!python/...`), no merge keys, no deep nesting, at most
`MAX_SEED_NODES` values (the pure-Python parser costs about 0.1 ms each), and only a regular
file under `MAX_SEED_BYTES` (a FIFO would block forever, `/dev/zero` never ends). Every
refusal is a `SeedError` naming the file and, where there is one, the line; no message
quotes the file's content, which may not be a seed file at all.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, ScalarEvent

from catalog.errors import SeedError

MAX_SEED_BYTES = 1024 * 1024  # the shipped seed is 80 KB; the parser needs about 5 s per MiB
MAX_SEED_DEPTH = 24  # the seed's own structure is 7 levels deep
MAX_SEED_NODES = 50_000  # keys, values and items; the shipped seed has 5,504


class _DatesAsText(RoundTripConstructor):
    """Leave dates as text for Pydantic: YAML's own parser raises on `2025-04-31` with no line."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", _DatesAsText.construct_yaml_str)


class _Refused(MarkedYAMLError):
    """A YAML feature a seed file may not use."""


class _PlainComposer(Composer):
    """Compose plain data only: refuse aliases, anchors, tags, merge keys and deep nesting."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        mark = event.start_mark
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused(None, None, "anchors and aliases (&name, *name) are not allowed", mark)
        if getattr(event, "ctag", None) is not None or getattr(event, "tag", None) is not None:
            raise _Refused(None, None, "tags (!name, !!type) are not allowed", mark)
        if isinstance(event, ScalarEvent) and event.value == "<<" and event.style is None:
            raise _Refused(None, None, "merge keys (<<) are not allowed", mark)
        if self.depth >= MAX_SEED_DEPTH:
            raise _Refused(None, None, f"nested more than {MAX_SEED_DEPTH} levels deep", mark)
        self.nodes = getattr(self, "nodes", 0) + 1
        if self.nodes > MAX_SEED_NODES:
            raise _Refused(
                None, None, f"more than {MAX_SEED_NODES} values (keys, items, scalars)", mark
            )
        return super().compose_node(parent, index)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _DatesAsText
    yaml.Composer = _PlainComposer
    return yaml


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most `MAX_SEED_BYTES`; anything else is refused."""
    display = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SeedError(f"cannot read the seed file: {error.strerror}", path=display) from error
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "a device, FIFO or socket"
            raise SeedError(f"not a regular file ({kind}); refused", path=display)
        chunks, size = [], 0
        while size <= MAX_SEED_BYTES:
            chunk = os.read(fd, MAX_SEED_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_SEED_BYTES:
        raise SeedError(
            f"the seed file is larger than {MAX_SEED_BYTES // (1024 * 1024)} MiB "
            f"({MAX_SEED_BYTES} bytes); refused",
            path=display,
        )
    return data


def _decode(data: bytes, display: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SeedError("not UTF-8 text", path=display, line=line) from error
    for index, char in enumerate(text):
        if (char < " " and char not in "\t\n\r") or char == "\x7f":
            line = text.count("\n", 0, index) + 1
            raise SeedError(f"control character U+{ord(char):04X}", path=display, line=line)
    return text


def _flow_depth_line(text: str) -> int | None:
    """The line where `[`/`{` nesting (outside quotes and comments) passes `MAX_SEED_DEPTH`.

    Checked before parsing: the YAML scanner looks up to 1024 characters ahead for a
    possible key at every bracket, so a wall of `[` costs it seconds before the composer's
    own depth check can run.
    """
    depth, line, quote, comment = 0, 1, "", False
    for char in text:
        if char == "\n":
            line, comment = line + 1, False
        elif comment:
            continue
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_SEED_DEPTH:
                return line
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


def parse_yaml(data: bytes, display: str) -> Any:
    """Parse one YAML document into ruamel's round-trip nodes (which carry line numbers)."""
    text = _decode(data, display)
    deep = _flow_depth_line(text)
    if deep is not None:
        raise SeedError(
            f"invalid YAML: nested more than {MAX_SEED_DEPTH} levels deep", path=display, line=deep
        )
    try:
        return _yaml().load(text)
    except DuplicateKeyError as error:  # its message quotes the key and value: give the line only
        mark = error.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise SeedError("invalid YAML: duplicate key", path=display, line=line) from error
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "invalid YAML"
        raise SeedError(f"invalid YAML: {problem}", path=display, line=line) from error
    except YAMLError as error:
        raise SeedError("invalid YAML", path=display) from error
    except RecursionError as error:  # cannot happen below MAX_SEED_DEPTH; kept as a last guard
        raise SeedError("invalid YAML: nested too deeply", path=display) from error
