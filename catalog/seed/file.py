"""Read `seed.yaml` into a validated `SeedDocument`; every error names the file, line and field."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from catalog.core.names import name_key
from catalog.errors import SeedError, SeedErrors
from catalog.seed.reader import parse_yaml, read_bytes
from catalog.seed.schema import AliasEntry, ModelEntry, OfferingEntry, SeedDocument, VersionEntry
from catalog.vocabulary import VersionShape

FieldPath = tuple[str | int, ...]
SECTIONS = tuple(SeedDocument.model_fields)


@dataclass(frozen=True)
class SeedFile:
    """A validated seed document, where it came from, and the hash of its bytes."""

    path: Path
    document: SeedDocument
    sha256: str


class _Lines:
    """Line numbers (1-based) of every mapping key and sequence item, by their path."""

    def __init__(self) -> None:
        self.by_path: dict[FieldPath, int] = {}
        self.controls: list[FieldPath] = []  # text holding a control character (NUL, ESC, ...)

    def line_of(self, path: FieldPath) -> int | None:
        for end in range(len(path), -1, -1):
            line = self.by_path.get(path[:end])
            if line is not None:
                return line
        return None

    def plain(self, node: Any, path: FieldPath = ()) -> Any:
        """Convert ruamel's round-trip nodes to plain Python, recording lines on the way."""
        if isinstance(node, CommentedMap):
            result = {}
            for key in node:
                line, _col = node.lc.key(key)
                self.by_path[(*path, str(key))] = line + 1
                result[str(key)] = self.plain(node[key], (*path, str(key)))
            return result
        if isinstance(node, CommentedSeq):
            items = []
            for index, item in enumerate(node):
                line, _col = node.lc.item(index)
                self.by_path[(*path, index)] = line + 1
                items.append(self.plain(item, (*path, index)))
            return items
        if node is None or isinstance(node, bool | dt.datetime):
            return node  # a timestamp where a date belongs is left for validation to name
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, dt.date):
            return dt.date(node.year, node.month, node.day)
        text = str(node)
        if _has_control(text):
            self.controls.append(path)
        return text


def _has_control(text: str) -> bool:
    """A C0 control other than tab and newline, or DEL: the database or a terminal would choke."""
    return any((c < " " and c not in "\t\n") or c == "\x7f" for c in text)


def _field_name(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def read_seed(path: Path | str) -> SeedFile:
    """Parse, validate and check references; raise `SeedErrors` listing every problem found."""
    path = Path(path)
    display = str(path)
    raw_bytes = read_bytes(path)
    raw = parse_yaml(raw_bytes, display)
    if not isinstance(raw, CommentedMap) or not set(SECTIONS) & {str(key) for key in raw}:
        # Quote nothing of it: it may be any file at all (`load /etc/shadow`).
        raise SeedError(
            f"not a seed file: expected a mapping with the sections {', '.join(SECTIONS)}",
            path=display,
            line=1,
        )
    lines = _Lines()
    data = lines.plain(raw)
    if lines.controls:
        raise SeedErrors(
            [
                SeedError(
                    "control character in text (NUL, escape, ...); refused",
                    path=display,
                    line=lines.line_of(where),
                    field=_field_name(where),
                )
                for where in lines.controls
            ]
        )
    try:
        document = SeedDocument.model_validate(data)
    except ValidationError as error:
        problems = []
        for item in error.errors():
            loc = tuple(part for part in item["loc"] if isinstance(part, int | str))
            # Pydantic adds union member names to the path; keep only what exists in the file.
            real = _existing_prefix(loc, lines)
            problems.append(
                SeedError(
                    _pydantic_message(item),
                    path=display,
                    line=lines.line_of(real),
                    field=_field_name(real),
                )
            )
        raise SeedErrors(problems) from error
    problems = list(_check_references(document, lines, display))
    if problems:
        raise SeedErrors(problems)
    return SeedFile(path=path, document=document, sha256=hashlib.sha256(raw_bytes).hexdigest())


def _existing_prefix(loc: FieldPath, lines: _Lines) -> FieldPath:
    """The error's path as the file spells it: union member names dropped, and a missing or
    unknown key kept at the end (its line is its parent's)."""
    path: FieldPath = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in lines.by_path:
            path = candidate
        elif isinstance(part, str) and _is_union_tag(part):
            continue  # Pydantic names the union member it tried: not a key of the file
        else:
            return (*path, part) if not isinstance(part, int) else path
    return path


def _is_union_tag(part: str) -> bool:
    return part[:1].isupper() or "[" in part or part in {"str", "int", "constrained-str"}


def _pydantic_message(item: Any) -> str:
    message = str(item["msg"])
    if item["type"] == "extra_forbidden":
        return "unknown field"
    if item["type"] == "missing":
        return "required field is missing"
    return message.removeprefix("Value error, ")


def alias_entries(model: ModelEntry) -> list[AliasEntry]:
    return [a if isinstance(a, AliasEntry) else AliasEntry(name=a) for a in model.aliases]


def version_provider(model: ModelEntry, version: VersionEntry) -> str | None:
    """The provider a version is at: its own, else the model's only provider (None: unclear)."""
    if version.provider is not None:
        return version.provider
    providers = {o.provider for o in model.offerings}
    return providers.pop() if len(providers) == 1 else None


def version_shape(model: ModelEntry, version: VersionEntry) -> VersionShape | None:
    """A version's shape: its own, else the model's only version shape (None: unclear)."""
    if version.shape is not None:
        return version.shape
    return model.version_shapes[0] if len(model.version_shapes) == 1 else None


def _check_versions(
    model: ModelEntry, base: FieldPath, known: Any, error: Any, sources: Collection[str]
) -> Iterator[SeedError]:
    seen: set[tuple[str, str]] = set()
    for index, version in enumerate(model.versions):
        path = (*base, "versions", index)
        yield from known(version.source, sources, "source", *path, "source")
        if version.lifecycle is not None:
            life = version.lifecycle
            for fact, where in (
                (life.source, ("lifecycle", "source")),
                (life.deprecated.source if life.deprecated else None, ("lifecycle", "deprecated")),
                (life.retires.source if life.retires else None, ("lifecycle", "retires")),
            ):
                yield from known(fact, sources, "source", *path, *where)
        provider = version_provider(model, version)
        shape = version_shape(model, version)
        if provider is None:
            yield error("the model is at several providers: give the version's `provider`", *path)
        elif not any(o.provider == provider for o in model.offerings):
            yield error(f"the model has no offering at {provider}", *path, "provider")
        if shape is None:
            yield error("give the version's `shape` (the model declares several or none)", *path)
        elif shape not in model.version_shapes:
            yield error(f"the model does not declare version shape {shape}", *path, "shape")
        elif not re.fullmatch(shape.version_pattern, version.version):
            yield error(f"{version.version!r} is not a {shape} version", *path, "version")
        if provider is not None:
            if (provider, version.version) in seen:
                yield error(f"duplicate version {version.version!r} at {provider}", *path)
            seen.add((provider, version.version))


def _check_name_forms(
    document: SeedDocument,
    known: Any,
    error: Any,
    sources: Collection[str],
    providers: Collection[str],
) -> Iterator[SeedError]:
    seen: set[str] = set()
    for index, form in enumerate(document.name_forms):
        path = ("name_forms", index)
        yield from known(form.provider, providers, "provider", *path, "provider")
        yield from known(form.source, sources, "source", *path, "source")
        text = form.prefix or form.pattern or ""
        if text in seen:
            yield error(f"duplicate name form {text!r}", *path)
        seen.add(text)


def _check_references(document: SeedDocument, lines: _Lines, display: str) -> Iterator[SeedError]:
    def error(message: str, *path: str | int) -> SeedError:
        return SeedError(message, path=display, line=lines.line_of(path), field=_field_name(path))

    def unique(
        section: str, values: list[str], field: str, fold: bool = False
    ) -> Iterator[SeedError]:
        seen: dict[str, int] = {}
        for index, value in enumerate(values):
            key = name_key(value) if fold else value
            if key in seen:
                yield error(
                    f"duplicate {field} {value!r} (first at line {lines.line_of((section, seen[key]))})",
                    section,
                    index,
                    field,
                )
            else:
                seen[key] = index

    yield from unique("sources", [s.key for s in document.sources], "key")
    yield from unique("task_types", [t.slug for t in document.task_types], "slug")
    yield from unique("serving_modes", [m.slug for m in document.serving_modes], "slug")
    yield from unique("publishers", [p.slug for p in document.publishers], "slug")
    yield from unique("providers", [p.slug for p in document.providers], "slug")
    yield from unique("architectures", [a.name for a in document.architectures], "name", fold=True)
    yield from unique("models", [m.name for m in document.models], "name", fold=True)

    sources = {s.key for s in document.sources}
    tasks = {t.slug for t in document.task_types}
    modes = {m.slug for m in document.serving_modes}
    publishers = {p.slug for p in document.publishers}
    providers = {p.slug for p in document.providers}
    architectures = {a.name for a in document.architectures}
    models = {m.name: m for m in document.models}

    def known(
        value: str | None, pool: Collection[str], what: str, *path: str | int
    ) -> Iterator[SeedError]:
        if value is not None and value not in pool:
            yield error(f"unknown {what} {value!r}", *path)

    for index, publisher in enumerate(document.publishers):
        yield from known(
            publisher.own_provider, providers, "provider", "publishers", index, "own_provider"
        )
    for index, provider in enumerate(document.providers):
        yield from known(provider.source, sources, "source", "providers", index, "source")
        if provider.custom_models is not None:
            yield from known(
                provider.custom_models.source,
                sources,
                "source",
                "providers",
                index,
                "custom_models",
                "source",
            )
            for t_index, task in enumerate(provider.custom_models.tasks):
                yield from known(
                    task, tasks, "task type", "providers", index, "custom_models", "tasks", t_index
                )

    architecture_names: dict[str, tuple[str | int, ...]] = {}
    for index, arch in enumerate(document.architectures):
        yield from known(
            arch.publisher, publishers, "publisher", "architectures", index, "publisher"
        )
        yield from known(arch.source, sources, "source", "architectures", index, "source")
        for t_index, task in enumerate(arch.tasks):
            yield from known(task, tasks, "task type", "architectures", index, "tasks", t_index)
        for a_index, alias in enumerate([arch.name, *arch.aliases]):
            key = name_key(alias)
            path: tuple[str | int, ...] = (
                ("architectures", index, "name")
                if a_index == 0
                else ("architectures", index, "aliases", a_index - 1)
            )
            if key in architecture_names:
                yield error(f"duplicate architecture name or alias {alias!r}", *path)
            architecture_names[key] = path

    yield from _check_name_forms(document, known, error, sources, providers)
    names: dict[str, tuple[str | int, ...]] = {}
    for index, model in enumerate(document.models):
        names.setdefault(name_key(model.name), ("models", index, "name"))
    endpoints: dict[str, tuple[str | int, ...]] = {}
    offering_keys: set[tuple[str, str, str, str]] = set()
    for index, model in enumerate(document.models):
        base = ("models", index)
        yield from known(model.publisher, publishers, "publisher", *base, "publisher")
        yield from known(model.source, sources, "source", *base, "source")
        yield from known(model.architecture, architectures, "architecture", *base, "architecture")
        yield from _check_versions(model, base, known, error, sources)
        for a_index, entry in enumerate(alias_entries(model)):
            key = name_key(entry.name)
            if key in names:
                yield error(
                    f"alias {entry.name!r} repeats a model name or alias (line {lines.line_of(names[key])})",
                    *base,
                    "aliases",
                    a_index,
                )
            else:
                names[key] = (*base, "aliases", a_index)
        for o_index, offering in enumerate(model.offerings):
            path = (*base, "offerings", o_index)
            yield from _check_offering(
                offering, path, known, error, sources, tasks, modes, providers
            )
            for task in offering.tasks:
                identity = (model.name, offering.provider, offering.mode, task)
                if identity in offering_keys:
                    yield error(f"duplicate offering {' / '.join(identity)}", *path)
                offering_keys.add(identity)
            if offering.endpoint is not None:
                if offering.endpoint in endpoints:
                    yield error(f"duplicate endpoint name {offering.endpoint!r}", *path, "endpoint")
                endpoints[offering.endpoint] = path
                if (
                    name_key(offering.endpoint) in names
                    and names[name_key(offering.endpoint)][:2] != base
                ):
                    yield error(
                        f"endpoint {offering.endpoint!r} repeats another model's name or alias",
                        *path,
                        "endpoint",
                    )
            for r_index, replacement in enumerate(offering.replaced_by):
                yield from known(
                    replacement.model, set(models), "model", *path, "replaced_by", r_index, "model"
                )
                target = models.get(replacement.model)
                if target is None:
                    continue
                to_provider = replacement.provider or offering.provider
                to_mode = replacement.mode or offering.mode
                if not any(
                    o.provider == to_provider and o.mode == to_mode for o in target.offerings
                ):
                    yield error(
                        f"replacement {replacement.model!r} has no {to_mode} offering at {to_provider}",
                        *path,
                        "replaced_by",
                        r_index,
                        "model",
                    )
    yield from _check_cycles(document, lines, display)


def _check_offering(
    offering: OfferingEntry,
    path: tuple[str | int, ...],
    known: Any,
    error: Any,
    sources: Collection[str],
    tasks: Collection[str],
    modes: Collection[str],
    providers: Collection[str],
) -> Iterator[SeedError]:
    yield from known(offering.provider, providers, "provider", *path, "provider")
    yield from known(offering.mode, modes, "serving mode", *path, "mode")
    yield from known(offering.source, sources, "source", *path, "source")
    for t_index, task in enumerate(offering.tasks):
        yield from known(task, tasks, "task type", *path, "tasks", t_index)
    if (offering.provider == "amazon-bedrock") != (offering.bedrock_provider is not None):
        yield error(
            "bedrock_provider is required on amazon-bedrock offerings and only there",
            *path,
            "bedrock_provider",
        )
    lifecycle = offering.lifecycle
    life = (*path, "lifecycle")
    yield from known(lifecycle.source, sources, "source", *life, "source")
    if lifecycle.deprecated is not None:
        yield from known(
            lifecycle.deprecated.source, sources, "source", *life, "deprecated", "source"
        )
    if lifecycle.retires is not None:
        yield from known(lifecycle.retires.source, sources, "source", *life, "retires", "source")
    for r_index, report in enumerate(lifecycle.also_reported):
        yield from known(
            report.source, sources, "source", *life, "also_reported", r_index, "source"
        )
    for r_index, replacement in enumerate(offering.replaced_by):
        rep = (*path, "replaced_by", r_index)
        yield from known(replacement.source, sources, "source", *rep, "source")
        yield from known(replacement.provider, providers, "provider", *rep, "provider")


def _check_cycles(document: SeedDocument, lines: _Lines, display: str) -> Iterator[SeedError]:
    """Refuse replacement links that lead back to where they started (per provider and mode)."""
    Node = tuple[str, str, str]
    edges: dict[Node, list[tuple[Node, FieldPath]]] = {}
    for index, model in enumerate(document.models):
        for o_index, offering in enumerate(model.offerings):
            node = (model.name, offering.provider, offering.mode.value)
            for r_index, rep in enumerate(offering.replaced_by):
                target = (
                    rep.model,
                    rep.provider or offering.provider,
                    (rep.mode or offering.mode).value,
                )
                where = ("models", index, "offerings", o_index, "replaced_by", r_index, "model")
                edges.setdefault(node, []).append((target, where))
    # Iterative depth-first search (a chain of thousands of links must not hit Python's
    # recursion limit); `on_path` maps each node on the current path to its position.
    done: set[Node] = set()
    reported: set[frozenset[Node]] = set()
    for root in list(edges):
        if root in done:
            continue
        path: list[Node] = [root]
        on_path: dict[Node, int] = {root: 0}
        pending: list[Iterator[tuple[Node, FieldPath]]] = [iter(edges.get(root, []))]
        while pending:
            step = next(pending[-1], None)
            if step is None:
                pending.pop()
                done.add(path[-1])
                del on_path[path.pop()]
                continue
            target, link = step
            if target in on_path:
                cycle = path[on_path[target] :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    chain = " -> ".join(n[0] for n in [*cycle, target])
                    yield SeedError(
                        f"replacement cycle: {chain}",
                        path=display,
                        line=lines.line_of(link),
                        field=_field_name(link),
                    )
            elif target not in done:
                on_path[target] = len(path)
                path.append(target)
                pending.append(iter(edges.get(target, [])))
