"""Which files a check reads: the paths given, walked with `.gitignore` respected.

`.gitignore` files are read with pathspec (git's own wildmatch rules) at every level of
the walk. Vendored and tool directories are skipped by name, binary files by a NUL byte
in their first block; a file named explicitly is read unless an --exclude glob matches it
(pre-commit names files one by one). A file over the size limit, walked or named, is
yielded as `Oversized` (its size from `stat`, never by reading it) so that the report can
say it was not checked. A path named explicitly that cannot be examined is the caller's
error (`Unreadable`), while one met on the walk is skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from catalog.check import MAX_BYTES

SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "node_modules",
        "bower_components",
        "vendor",
        "_vendor",
        "third_party",
        "site-packages",
        ".ipynb_checkpoints",
    }
)
BINARY_SUFFIXES = frozenset(
    [
        ".pyc",
        ".pyo",
        ".so",
        ".dll",
        ".dylib",
        ".exe",
        ".o",
        ".a",
        ".class",
        ".jar",
        ".whl",
        ".egg",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
        ".tar",
        ".7z",
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".bmp",
        ".ico",
        ".webp",
        ".pdf",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp3",
        ".mp4",
        ".mov",
        ".wav",
        ".sqlite",
        ".sqlite3",
        ".db",
        ".parquet",
        ".pkl",
        ".pickle",
        ".npy",
        ".npz",
        ".pt",
        ".bin",
        ".onnx",
        ".safetensors",
    ]
)
BINARY_PROBE_BYTES = 8192  # a NUL byte in this first block makes a file binary
STDIN = "-"
SHOWN_PATH_CHARS = 120  # a path longer than this is shortened in messages
SPECIAL_FILES = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True, slots=True)
class Oversized:
    """A file over the size limit: the report lists it, the check never reads it."""

    display: str
    path: Path
    size: int


Listed = tuple[str, Path | None] | Oversized  # (display path, file; None for stdin) to read


def identities(paths: Sequence[str | os.PathLike[str]]) -> frozenset[tuple[int, int]]:
    """(device, inode) of each path that exists: what `Selection.unread` compares."""
    found = set()
    for path in paths:
        try:
            status = os.stat(path)
        except (OSError, ValueError):
            continue  # not written yet: nothing to leave unread
        found.add((status.st_dev, status.st_ino))
    return frozenset(found)


class Unreadable(Exception):
    """A path named explicitly that cannot be examined, and why, in words."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{reason}: {shown(path)}")


def shown(path: str) -> str:
    """The path for a one-line message: a 5,000-character argument is cut, its length said."""
    if len(path) <= SHOWN_PATH_CHARS:
        return path
    return f"{path[: SHOWN_PATH_CHARS - 20]}...{path[-10:]} ({len(path)} characters)"


@dataclass(frozen=True, slots=True)
class Selection:
    """Globs (gitignore syntax, relative to the path given) that narrow the walk."""

    include: Sequence[str] = ()
    exclude: Sequence[str] = ()
    max_bytes: int = MAX_BYTES
    # (device, inode) of files never read, whatever their name: the report being written
    unread: frozenset[tuple[int, int]] = frozenset()
    _include: pathspec.GitIgnoreSpec | None = field(default=None, init=False)
    _exclude: pathspec.GitIgnoreSpec | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.include:
            object.__setattr__(self, "_include", _spec(self.include))
        if self.exclude:
            object.__setattr__(self, "_exclude", _spec(self.exclude))

    def excluded(self, relative: str, is_dir: bool) -> bool:
        probe = relative + "/" if is_dir else relative
        return self._exclude is not None and self._exclude.match_file(probe)

    def included(self, relative: str) -> bool:
        return self._include is None or self._include.match_file(relative)


def _spec(lines: Sequence[str]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


def iter_files(paths: Sequence[str], selection: Selection) -> Iterator[Listed]:
    """(display path, file) for every file to read, `Oversized` for one over the limit, in
    walk order; `-` yields (`-`, None) for stdin."""
    for given in paths:
        if given == STDIN:
            yield STDIN, None
            continue
        root = Path(given)
        found = examine(given)
        if stat.S_ISREG(found.st_mode):
            relative = root.as_posix().removeprefix("./")
            # pre-commit names files one by one: the project's excludes still apply to them
            if selection.excluded(relative, False) or not selection.included(relative):
                continue
            if (found.st_dev, found.st_ino) in selection.unread:
                continue
            if found.st_size > selection.max_bytes:
                yield Oversized(given, root, found.st_size)
            else:
                yield given, root
        else:
            yield from _walk(root, selection)


def examine(given: str) -> os.stat_result:
    """A named path's status if it is a file that opens or a directory that lists."""
    try:
        found = os.stat(given)
        if stat.S_ISDIR(found.st_mode):
            with os.scandir(given):
                pass
        elif stat.S_ISREG(found.st_mode):
            with open(given, "rb"):
                pass
        else:
            kind = SPECIAL_FILES.get(stat.S_IFMT(found.st_mode), "no regular file")
            raise Unreadable(given, f"not a file or directory ({kind})")
    except FileNotFoundError:
        raise Unreadable(given, "no such file or directory") from None
    except OSError as error:
        raise Unreadable(given, (error.strerror or type(error).__name__).lower()) from None
    except ValueError:  # a NUL byte: no path the system could look up
        raise Unreadable(given, "not a path (it holds a NUL byte)") from None
    return found


def _walk(root: Path, selection: Selection) -> Iterator[Listed]:
    stack: list[tuple[Path, str, tuple[tuple[str, pathspec.GitIgnoreSpec], ...]]] = [(root, "", ())]
    while stack:
        directory, relative_dir, ignores = stack.pop()
        ignore_file = directory / ".gitignore"
        if ignore_file.is_file():
            try:
                lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            ignores = (*ignores, (relative_dir, _spec(lines)))
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            relative = f"{relative_dir}{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name in SKIPPED_DIRS or _ignored(ignores, relative, True):
                    continue
                if selection.excluded(relative, True):
                    continue
                subdirs.append((Path(entry.path), relative + "/", ignores))
            elif is_file:
                if os.path.splitext(entry.name)[1].lower() in BINARY_SUFFIXES:
                    continue
                if _ignored(ignores, relative, False) or selection.excluded(relative, False):
                    continue
                if not selection.included(relative):
                    continue
                try:
                    found = entry.stat()
                except OSError:
                    continue
                if (found.st_dev, found.st_ino) in selection.unread:
                    continue
                size = found.st_size
                display = os.path.join(str(root), relative) if str(root) != "." else relative
                if size > selection.max_bytes:
                    yield Oversized(display, Path(entry.path), size)
                else:
                    yield display, Path(entry.path)
        stack.extend(reversed(subdirs))


def _ignored(
    ignores: tuple[tuple[str, pathspec.GitIgnoreSpec], ...], relative: str, is_dir: bool
) -> bool:
    """Git's rule: the deepest .gitignore that says anything about the path decides."""
    for base, spec in reversed(ignores):
        if not relative.startswith(base):
            continue
        probe = relative[len(base) :] + ("/" if is_dir else "")
        result = spec.check_file(probe)
        if result.include is not None:
            return bool(result.include)
    return False


def is_binary(head: bytes) -> bool:
    return b"\x00" in head[:BINARY_PROBE_BYTES]
