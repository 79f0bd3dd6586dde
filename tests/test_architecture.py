"""The house rules, each proved: what the core may load and import, and which faces may meet.

See ARCHITECTURE.md. Faces that do not exist yet (`api/`, `check/`) are checked once they do.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "catalog"
CORE = PACKAGE / "core"
FACES = ("cli", "api", "check")
CORE_MUST_NOT_IMPORT = (
    "catalog.store",
    "catalog.seed",
    "catalog.library",
    *(f"catalog.{f}" for f in FACES),
)
HEAVY = ("sqlalchemy", "alembic", "typer", "click", "fastapi", "starlette", "uvicorn")
CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
}


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py")) if folder.is_dir() else []


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """Every module `path` imports, anywhere in the file (inside functions too), absolute."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    return _imports_in(path.read_text(), package)


def _imports_in(source: str, package: str) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # `from catalog import store` imports catalog.store
                yield node.lineno, f"{module}.{alias.name}"


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def test_the_core_exists_and_is_found() -> None:
    names = {_module_name(p) for p in _modules(CORE)}
    assert {"catalog.core.resolver", "catalog.core.snapshot", "catalog.core.replacements"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("module", [_module_name(p) for p in _modules(CORE)])
def test_importing_a_core_module_loads_no_database_cli_or_web_framework(module: str) -> None:
    code = (
        f"import sys, json; import {module}; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [], f"importing {module} loaded {out.stdout.strip()}"


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: p.name)
def test_the_core_imports_no_store_seed_library_or_face(path: Path) -> None:
    wrong = [
        f"{path.name}:{line} imports {module}"
        for line, module in _imports(path)
        if any(_within(module, banned) for banned in CORE_MUST_NOT_IMPORT)
    ]
    assert not wrong, wrong


def _clock_calls(source: str) -> list[str]:
    """Calls such as `date.today()`, `dt.datetime.now()`, `time.time()`."""
    return [
        f"line {node.lineno}: {_name_of(node.func.value)}.{node.func.attr}()"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (_name_of(node.func.value), node.func.attr) in CLOCK_CALLS
    ]


def _name_of(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: p.name)
def test_the_core_never_reads_the_clock(path: Path) -> None:
    """Every date in the core is passed in (`as_of`); the library and the faces supply today."""
    assert not _clock_calls(path.read_text()), path.name


@pytest.mark.parametrize("face", FACES)
def test_a_face_never_imports_another_face(face: str) -> None:
    others = [f"catalog.{other}" for other in FACES if other != face]
    wrong = [
        f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        for path in _modules(PACKAGE / face)
        for line, module in _imports(path)
        if any(_within(module, other) for other in others)
    ]
    assert not wrong, wrong


def test_the_scanners_catch_a_breach() -> None:
    """A banned import hidden in a function, a relative import and a clock call are all seen."""
    source = (
        "import datetime as dt\n"
        "from .. import library\n"
        "def f():\n"
        "    from catalog.store import db\n"
        "    return dt.date.today()\n"
    )
    imported = [module for _, module in _imports_in(source, "catalog.core")]
    assert any(_within(m, "catalog.store") for m in imported)
    assert any(_within(m, "catalog.library") for m in imported)
    assert _clock_calls(source) == ["line 5: date.today()"]


FLAG = re.compile(r"(?:^|[\s(\[`])--[a-z]")


def _flag_texts(source: str) -> list[str]:
    """String constants (f-string parts too) that spell a command-line flag."""
    return [
        f"line {node.lineno}: {node.value!r}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and FLAG.search(node.value)
    ]


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: p.name)
def test_the_core_speaks_no_face_syntax(path: Path) -> None:
    """Core messages name fields (`decided_by: ["provider"]`); faces render `--provider`."""
    assert not _flag_texts(path.read_text()), path.name


def test_the_flag_scanner_sees_a_flag_in_an_f_string() -> None:
    assert _flag_texts('x = f"pass --provider {name} to choose"')
    assert not _flag_texts('x = "a -- b, pay-per-token"')
