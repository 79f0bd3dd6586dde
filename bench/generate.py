"""A large, synthetic catalog written through the real loader, for the snapshot benchmarks.

The seed describes about a hundred models; the snapshot's target is about a hundred thousand.
This module reuses the seed's vocabulary (sources, task types, serving modes, publishers,
providers, architectures) and adds N generated models, each described as a seed-file entry.

At 100,000 models, Pydantic validation and `desired_rows` would cost more than the whole
benchmark (about 10 s), so the entries are turned into the loader's desired rows here, in
exactly the shape `seed_rows.desired_rows` produces; `check_rows_match_loader` proves that on
a few hundred models (every kind of entry the generator makes) by running the real
validation and `desired_rows` on them. The rows are then written by `sync.apply`, the
loader's own writer, in one session, so the database is what loading such a seed would give.

Everything is deterministic: model `i` always gets the same name, offerings and links.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter
from typing import Any

from sqlalchemy import Engine, event

from catalog.core.names import name_key
from catalog.seed.file import read_seed
from catalog.seed.rows import SPECS, desired_rows
from catalog.seed.schema import SeedDocument
from catalog.seed.sync import Change, NaturalKey, Row, apply, export_rows
from catalog.store.db import session_scope
from catalog.store.models import CatalogRevision

Rows = dict[str, dict[NaturalKey, Row]]

# External providers a generated model is offered at, with the bedrock sub-provider where needed.
EXTERNAL_PROVIDERS: tuple[tuple[str, str | None], ...] = (
    ("openai", None),
    ("azure-openai", None),
    ("anthropic", None),
    ("cohere", None),
    ("amazon-bedrock", "amazon"),
    ("ai21labs", None),
    ("google-cloud-vertex-ai", None),
)
WORDS = (
    "atlas",
    "boreal",
    "cirrus",
    "delta",
    "ember",
    "fjord",
    "granite",
    "helix",
    "iris",
    "juniper",
    "krypton",
    "lumen",
    "meridian",
    "nimbus",
    "onyx",
    "prism",
    "quartz",
    "raven",
    "sierra",
    "tundra",
)
VARIANTS = ("instruct", "chat", "base", "mini", "pro", "turbo", "embed", "reasoner")
SIZES = (1, 3, 7, 8, 13, 34, 70, 405)
SOURCE = "seed-page"
RETIRED_ON = dt.date(2025, 6, 30)
RETIRED_EVERY = 33  # about 3 % of models are retired and replaced by another generated model
SECOND_OFFERING_EVERY = 3  # one model in three is offered at two providers
ENDPOINT_EVERY = 40  # 2.5 % also have a Databricks pay-per-token endpoint
TRANSLATED_ALIAS_EVERY = 12  # about 8 % carry a translated alias
OTHER_ALIAS_EVERY = 25  # 4 % carry a second, free-form alias
ARCHITECTURE_EVERY = 20  # 5 % name one of the seed's architectures
MODEL_TABLES = ("model", "alias", "offering", "lifecycle report", "replacement")


@dataclass(frozen=True)
class Generated:
    """What was written, and how long each step took (generation is not the measured target)."""

    models: int
    offerings: int
    aliases: int
    replacements: int
    rows: int
    entries_seconds: float  # seed-shaped entries and their desired rows
    write_seconds: float  # sync.apply and the commit

    @property
    def seconds(self) -> float:
        return self.entries_seconds + self.write_seconds


@dataclass(frozen=True)
class Vocabulary:
    """The parts of the seed the generated models refer to."""

    document: dict[str, Any]  # the seed document, dumped, without its models
    publishers: tuple[str, ...]
    architectures: tuple[str, ...]


def load_vocabulary(seed_path: Path) -> Vocabulary:
    """Read the seed once; generated models reuse its publishers, providers and architectures."""
    document = read_seed(seed_path).document.model_dump(mode="python")
    document["models"] = []
    return Vocabulary(
        document=document,
        publishers=tuple(p["slug"] for p in document["publishers"]),
        architectures=tuple(a["name"] for a in document["architectures"]),
    )


# -- the entries ----------------------------------------------------------------------------


def model_name(index: int) -> str:
    """The name of generated model `index` (the benchmark picks listed names with it)."""
    word = WORDS[index % len(WORDS)]
    variant = VARIANTS[(index // len(WORDS)) % len(VARIANTS)]
    size = SIZES[(index // 7) % len(SIZES)]
    return f"{word}-{size}b-{variant}-{index:06d}"


def _task(index: int) -> str:
    variant = VARIANTS[(index // len(WORDS)) % len(VARIANTS)]
    if variant == "embed":
        return "embeddings"
    return "completions" if variant == "base" else "chat"


def _offering(provider: str, bedrock: str | None, task: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "provider": provider,
        "mode": "external",
        "tasks": [task],
        "source": SOURCE,
        "lifecycle": {"basis": "active", "source": SOURCE},
    }
    if bedrock is not None:
        entry["bedrock_provider"] = bedrock
    return entry


def model_entry(index: int, count: int, vocabulary: Vocabulary) -> dict[str, Any]:
    """Model `index` as a seed-file entry: one or two external offerings, maybe an endpoint,
    maybe retired with a replacement, maybe aliases.

    Its primary provider is `index % 7`, so model `index + 7` shares it and can replace it;
    replacements always point forward, so they never form a cycle.
    """
    name = model_name(index)
    task = _task(index)
    provider, bedrock = EXTERNAL_PROVIDERS[index % len(EXTERNAL_PROVIDERS)]
    primary = _offering(provider, bedrock, task)
    successor = index + len(EXTERNAL_PROVIDERS)
    if index % RETIRED_EVERY == 5 and successor < count and _task(successor) == task:
        primary["lifecycle"] = {"retires": {"on": RETIRED_ON, "meaning": "last", "source": SOURCE}}
        primary["replaced_by"] = [{"model": model_name(successor), "source": SOURCE}]
    offerings = [primary]
    if index % SECOND_OFFERING_EVERY == 0:
        other, other_bedrock = EXTERNAL_PROVIDERS[(index + 1) % len(EXTERNAL_PROVIDERS)]
        offerings.append(_offering(other, other_bedrock, task))
    if index % ENDPOINT_EVERY == 1:
        hosted = _offering("databricks", None, task)
        hosted["mode"] = "pay_per_token"
        hosted["endpoint"] = f"databricks-{name}"
        offerings.append(hosted)
    aliases: list[dict[str, str]] = []
    if index % TRANSLATED_ALIAS_EVERY == 2:
        aliases.append({"name": f"{name.replace('-', ' ').title()} (svensk)", "kind": "translated"})
    if index % OTHER_ALIAS_EVERY == 3:
        aliases.append({"name": f"gen/{name}", "kind": "other"})
    entry: dict[str, Any] = {
        "name": name,
        "publisher": vocabulary.publishers[index % len(vocabulary.publishers)],
        "family": f"{WORDS[index % len(WORDS)].title()} {index // 1000}",
        "source": SOURCE,
        "aliases": aliases,
        "offerings": offerings,
    }
    if vocabulary.architectures and index % ARCHITECTURE_EVERY == 4:
        entry["architecture"] = vocabulary.architectures[index % len(vocabulary.architectures)]
    return entry


# -- entries to rows, as seed_rows.desired_rows would ------------------------------------------


def _entry_rows(entry: dict[str, Any], out: Rows) -> None:
    """Add one model entry's rows to `out`, in `desired_rows`'s shape (checked on a sample)."""
    model = (entry["name"],)
    architecture = entry.get("architecture")
    out["model"][model] = {
        "name": entry["name"],
        "name_key": name_key(entry["name"]),
        "display_name": None,
        "publisher_id": (entry["publisher"],),
        "family": entry["family"],
        "architecture_id": (architecture,) if architecture else None,
        "license": None,
        "embeddings_normalized": None,
        "notes": None,
        "source_id": (entry["source"],),
    }
    for alias in entry["aliases"]:
        key = name_key(alias["name"])
        out["alias"][(key,)] = {
            "model_id": model,
            "alias": alias["name"],
            "alias_key": key,
            "kind": alias["kind"],
        }
    for o in entry["offerings"]:
        life = o["lifecycle"]
        retires = life.get("retires")
        basis = life.get("basis")
        for task in o["tasks"]:
            offering = (model, (o["provider"],), (o["mode"],), (task,))
            out["offering"][offering] = {
                "model_id": model,
                "provider_id": (o["provider"],),
                "serving_mode_id": (o["mode"],),
                "task_type_id": (task,),
                "endpoint_name": o.get("endpoint"),
                "bedrock_provider": o.get("bedrock_provider"),
                "notes": None,
                "source_id": (o["source"],),
                "lifecycle_basis": basis,
                "lifecycle_source_id": (life["source"],) if basis else None,
                "lifecycle_note": None,
                "deprecated_on": None,
                "deprecated_source_id": None,
                "deprecated_note": None,
                "retires_on": retires["on"] if retires else None,
                "retires_meaning": retires["meaning"] if retires else None,
                "retires_source_id": (retires["source"],) if retires else None,
                "retires_note": None,
            }
            for rep in o.get("replaced_by", ()):
                provider, mode = (o["provider"],), (o["mode"],)
                out["replacement"][(offering, (rep["model"],), provider, mode)] = {
                    "offering_id": offering,
                    "replacement_model_id": (rep["model"],),
                    "provider_id": provider,
                    "serving_mode_id": mode,
                    "effective_on": None,
                    "reason": None,
                    "source_id": (rep["source"],),
                }


Entry = Callable[[int, int, Vocabulary], dict[str, Any]]  # (index, count, vocabulary) -> entry


def generated_rows(vocabulary: Vocabulary, count: int, entry: Entry | None = None) -> Rows:
    """Every table's desired rows: the seed's vocabulary (through `desired_rows`) plus N models."""
    entry = entry or model_entry
    document = dict(vocabulary.document, models=[model_entry(0, 1, vocabulary)])
    out = desired_rows(SeedDocument.model_validate(document))
    for label in MODEL_TABLES:
        out[label] = {}
    for index in range(count):
        _entry_rows(entry(index, count, vocabulary), out)
    return out


def check_rows_match_loader(
    vocabulary: Vocabulary, count: int = 400, entry: Entry | None = None
) -> None:
    """Raise unless the shortcut gives exactly what validation + `desired_rows` give.

    The first few hundred models contain every kind of entry the generator makes (retired
    with a replacement, two offerings, an endpoint, both alias kinds, an architecture).
    """
    entry = entry or model_entry
    document = dict(vocabulary.document, models=[entry(i, count, vocabulary) for i in range(count)])
    expected = desired_rows(SeedDocument.model_validate(document))
    actual = generated_rows(vocabulary, count, entry)
    for label in expected:
        if expected[label] != actual[label]:
            raise RuntimeError(f"bench/generate.py rows for {label!r} differ from desired_rows")


# -- writing ----------------------------------------------------------------------------------


def _inserts(rows: Rows) -> Iterator[Change]:
    """One insert per desired row (what `sync.diff` gives against an empty database), with
    each table's rows grouped by which of their columns are null.

    SQLAlchemy's ORM bulk insert (what `sync.apply` uses) leaves null columns out of a row
    and starts a new executemany whenever that set changes from one row to the next; in key
    order the rows fall into thousands of tiny batches (about 3x the write time at 100k).
    The order of inserts within a table means nothing to `apply`.
    """
    for spec in SPECS:
        groups: dict[tuple[str, ...], list[NaturalKey]] = defaultdict(list)
        for key, row in rows[spec.label].items():
            groups[tuple(name for name, value in row.items() if value is None)].append(key)
        for keys in groups.values():
            for key in keys:
                yield Change("insert", spec.label, key)


def fast_writes(engine: Engine) -> Engine:
    """Let SQLite write the generated catalog without syncing each page and with a big cache.

    Only the generating engine gets these settings: they change how fast the file is written,
    not what it holds, and the benchmark reads it back through a plain `make_engine` engine.
    """

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB
        cursor.close()

    event.listen(engine, "connect", pragmas)
    return engine


def write_catalog(
    engine: Engine, vocabulary: Vocabulary, count: int, entry: Entry | None = None
) -> Generated:
    """Generate `count` models and write them with `sync.apply` into an empty, migrated database."""
    started = perf_counter()
    rows = generated_rows(vocabulary, count, entry)
    built = perf_counter()
    with session_scope(engine) as session:
        existing, ids = export_rows(session, SPECS)
        if any(existing.values()):
            raise RuntimeError("write_catalog needs an empty catalog database")
        changes = list(_inserts(rows))
        apply(session, SPECS, rows, changes, ids)
        session.add(
            CatalogRevision(
                loaded_at=dt.datetime.now(dt.UTC),
                seed_sha256="0" * 64,
                summary=f"{len(changes)} inserted by bench/generate.py",
            )
        )
    written = perf_counter()
    return Generated(
        models=len(rows["model"]),
        offerings=len(rows["offering"]),
        aliases=len(rows["alias"]),
        replacements=len(rows["replacement"]),
        rows=len(changes),
        entries_seconds=built - started,
        write_seconds=written - built,
    )
