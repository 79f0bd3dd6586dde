"""The catalog holds everything the seed document lists, read from the document at test time.

The seed document (a Swedish machine translation of the vendor page "Supported foundation
models on Mosaic AI Model Serving") is parsed here, never copied: if the document and the
catalog drift apart, these tests say where. Only the small mapping facts of FACTS.md are
written down below (garbled identifiers, provider display names, Bedrock sub-provider
headers, task words). Every test runs on SQLite and on PostgreSQL through the `catalog`
fixture.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from catalog import Catalog, ModelInfo, NotFound, OfferingInfo
from catalog.core.names import name_key
from catalog.vocabulary import DateMeaning, OfferingStatus, ServingMode, Task

# -- facts from FACTS.md (its first table and its notes) ----------------------------------

# The translation garbled these identifiers; the catalog stores the real ones.
GARBLED_IDENTIFIERS = {
    "text-inbäddning-3-small": "text-embedding-3-small",
    "text-inbäddning-005": "text-embedding-005",
    "kommando": "command",
    "kommandoljus": "command-light",
    "kommando-lätt-nattlig": "command-light-nightly",
    "kommando-nattetid": "command-nightly",
    "DBRX Instruera": "DBRX Instruct",
    "GTE Large (engelska)": "GTE Large (En)",
    "BGE Stor (engelska)": "BGE Large (En)",
}
# Not garbled but shortened by the seed (FACTS.md, OpenAI lifecycle table).
SHORTENED_IDENTIFIERS = {"gpt-4-turbo-2024-04": "gpt-4-turbo-2024-04-09"}
REAL_IDENTIFIERS = GARBLED_IDENTIFIERS | SHORTENED_IDENTIFIERS

# Provider cells of the external-models table (footnote markers removed) -> provider slug.
PROVIDER_SLUGS = {
    "OpenAI": "openai",
    "Azure OpenAI": "azure-openai",
    "Människoorienterad": "anthropic",
    "Cohere": "cohere",
    "Mosaiks AI-modelltjänstgöring": "databricks-model-serving",
    "Amazon Bedrock": "amazon-bedrock",
    "AI21 Labs": "ai21labs",
    "Google Cloud Vertex AI": "google-cloud-vertex-ai",
}
# Headers inside the Amazon Bedrock cells -> bedrock_provider; one may be glued to the
# identifier before it ("claude-v2 Sammanhålla").
BEDROCK_HEADERS = {
    "Antropisk:": "anthropic",
    "Sammanhålla": "cohere",
    "AI21 Labs:": "ai21labs",
    "Amason:": "amazon",
}
# The footnote markers on provider cells: which custom (fine-tuned) model tasks they mean.
CUSTOM_MARKERS = {"**": {Task.chat, Task.completions}, "†": {Task.completions}}
# A cell of the Mosaic AI Model Serving row: any Databricks serving endpoint, not a model.
SERVING_ENDPOINT_CELL = "Databricks-serverslutpunkt"

TASK_WORDS = {
    "Chatt": {Task.chat},
    "Inbäddning": {Task.embeddings},
    "Chatt eller slutförande": {Task.chat, Task.completions},
}
NOT_NORMALIZED_NOTE = "Genererar inte normaliserade inbäddningar"
SWEDISH_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}

# -- parsing the document -------------------------------------------------------------------
#
# The document's tables are pipe-separated, but a row may run over several lines (a note
# or a list of identifiers starts on the next line) and the last row may lack its empty
# trailing cells. So a table is read as one stream of cells, from the line after its
# `---|` rule to the first line without a pipe, and cut into rows of the header's width.


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _table(text: str, first_header: str) -> tuple[list[str], list[list[str]]]:
    """The header cells and the rows of the table whose header starts with `first_header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{first_header} |"))
    header = [cell.strip() for cell in lines[start].split("|")[:-1]]
    assert lines[start + 1].startswith("---|"), f"no rule under the {first_header!r} header"
    body = []
    for line in lines[start + 2 :]:
        if "|" not in line:
            break
        body.append(line)
    cells = [cell.strip() for cell in "\n".join(body).split("|")[:-1]]
    width = len(header)
    rows = [cells[i : i + width] for i in range(0, len(cells), width)]
    return header, [row + [""] * (width - len(row)) for row in rows]


def _date(text: str) -> dt.date:
    """The one Swedish date ("11 december 2024") in `text`."""
    months = "|".join(SWEDISH_MONTHS)
    found = re.search(rf"\b(\d{{1,2}}) ({months}) (\d{{4}})\b", text)
    assert found, f"no Swedish date in {text!r}"
    day, month, year = found.groups()
    return dt.date(int(year), SWEDISH_MONTHS[month], int(day))


def _split_identifiers(cell: str) -> list[str]:
    """`- a - b – c` (or a bare `a`) -> [a, b, c]; hyphens inside identifiers stay."""
    return [
        part.strip() for part in re.split(r"(?:^|\s)[-–](?:\s|$)", cell.strip()) if part.strip()
    ]


@dataclass(frozen=True)
class ExternalRow:
    label: str  # the provider cell without its footnote markers
    slug: str
    markers: tuple[str, ...]
    cells: dict[Task, str]  # endpoint-type column -> cell text


@dataclass(frozen=True)
class ExternalEntry:
    slug: str
    task: Task
    seed_identifier: str
    bedrock_provider: str | None

    @property
    def identifier(self) -> str:
        return REAL_IDENTIFIERS.get(self.seed_identifier, self.seed_identifier)


def external_rows(path: Path) -> list[ExternalRow]:
    header, rows = _table(_text(path), "Modellprovider")
    tasks = [Task(column.rsplit("/", 1)[-1]) for column in header[1:]]  # llm/v1/<task>
    parsed = []
    for provider_cell, *cells in rows:
        markers = tuple(m for m in CUSTOM_MARKERS if m in provider_cell)
        label = provider_cell
        for marker in markers:
            label = label.replace(marker, "")
        label = label.strip()
        assert label in PROVIDER_SLUGS, f"unknown provider row {provider_cell!r}"
        parsed.append(
            ExternalRow(label, PROVIDER_SLUGS[label], markers, dict(zip(tasks, cells, strict=True)))
        )
    return parsed


def external_entries(path: Path) -> list[ExternalEntry]:
    """Every identifier of the external-models table, with its provider, task and sub-provider."""
    headers = "|".join(re.escape(h) for h in BEDROCK_HEADERS)
    entries = []
    for row in external_rows(path):
        for task, cell in row.cells.items():
            if cell == SERVING_ENDPOINT_CELL:
                continue
            if row.slug != "amazon-bedrock":
                entries += [
                    ExternalEntry(row.slug, task, ident, None) for ident in _split_identifiers(cell)
                ]
                continue
            sub_provider = None
            for part in re.split(rf"({headers})", cell):
                if part in BEDROCK_HEADERS:
                    sub_provider = BEDROCK_HEADERS[part]
                    continue
                entries += [
                    ExternalEntry(row.slug, task, ident, sub_provider)
                    for ident in _split_identifiers(part)
                ]
    return entries


@dataclass(frozen=True)
class PayPerTokenRow:
    seed_name: str
    tasks: set[Task]
    endpoint: str
    note: str

    @property
    def name(self) -> str:
        return REAL_IDENTIFIERS.get(self.seed_name, self.seed_name)


def pay_per_token_rows(path: Path) -> list[PayPerTokenRow]:
    _, rows = _table(_text(path), "Modell")
    return [
        PayPerTokenRow(model.rstrip("*").strip(), TASK_WORDS[task], endpoint, note)
        for model, task, endpoint, note in rows
    ]


def architecture_rows(path: Path) -> list[tuple[str, set[Task], str]]:
    _, rows = _table(_text(path), "Modellarkitektur")
    return [(name, TASK_WORDS[task], note) for name, task, note in rows]


def retired_list(path: Path) -> list[str]:
    """The bullet lines right after the "... har nu dragits tillbaka" bullet."""
    lines = _text(path).splitlines()
    start = next(i for i, line in enumerate(lines) if "dragits tillbaka" in line)
    names = []
    for line in lines[start + 1 :]:
        if not line.startswith("- "):
            break
        names.append(line[2:].strip())
    return names


# -- helpers over the catalog --------------------------------------------------------------


def _offerings(
    model: ModelInfo, *, provider: str, mode: ServingMode, task: Task | None = None
) -> list[OfferingInfo]:
    return [
        o
        for o in model.offerings
        if o.provider == provider and o.serving_mode is mode and (task is None or o.task is task)
    ]


def _is_named(model: ModelInfo, identifier: str) -> bool:
    """The model's own name is `identifier`, or `identifier` is a `-latest` pointer to it."""
    latest = {a.name.casefold() for a in model.aliases if a.kind == "latest"}
    return identifier.casefold() in {model.name.casefold(), *latest}


def _architecture_index(catalog: Catalog) -> dict[str, list]:
    index: dict[str, list] = {}
    for architecture in catalog.architectures():
        for name in (architecture.name, *architecture.aliases):
            index.setdefault(name_key(name), []).append(architecture)
    return index


# -- the external-models table --------------------------------------------------------------


def test_external_table_is_parsed_into_many_identifiers(seed_document: Path) -> None:
    entries = external_entries(seed_document)
    assert len(entries) > 90
    assert {e.slug for e in entries} == set(PROVIDER_SLUGS.values()) - {"databricks-model-serving"}
    assert {e.task for e in entries} == set(Task)
    assert not [e for e in entries if e.slug == "amazon-bedrock" and e.bedrock_provider is None]
    assert not [e.seed_identifier for e in entries if " " in e.seed_identifier]


def test_every_external_provider_row_is_a_provider(catalog: Catalog, seed_document: Path) -> None:
    slugs = {p.slug for p in catalog.providers()}
    assert {row.slug for row in external_rows(seed_document)} <= slugs


@pytest.mark.parametrize(
    "slug", sorted(set(PROVIDER_SLUGS.values()) - {"databricks-model-serving"})
)
def test_every_external_identifier_is_offered_by_its_provider_for_its_task(
    catalog: Catalog, seed_document: Path, slug: str
) -> None:
    entries = [e for e in external_entries(seed_document) if e.slug == slug]
    assert entries, f"no identifiers parsed for {slug}"
    problems = []
    for entry in entries:
        try:
            model = catalog.model(entry.identifier)
        except NotFound:
            problems.append(f"{entry.seed_identifier}: not in the catalog")
            continue
        if not _is_named(model, entry.identifier):
            problems.append(f"{entry.seed_identifier}: resolves to {model.name}")
        offerings = _offerings(model, provider=slug, mode=ServingMode.external, task=entry.task)
        if not offerings:
            problems.append(f"{entry.seed_identifier}: no external {entry.task} offering")
        elif entry.bedrock_provider and not any(
            o.bedrock_provider == entry.bedrock_provider for o in offerings
        ):
            found = sorted({str(o.bedrock_provider) for o in offerings})
            problems.append(
                f"{entry.seed_identifier}: bedrock_provider {found}, not {entry.bedrock_provider}"
            )
    assert not problems, "\n".join(problems)


def test_footnote_markers_are_the_providers_custom_model_tasks(
    catalog: Catalog, seed_document: Path
) -> None:
    providers = {p.slug: p for p in catalog.providers()}
    problems = []
    for row in external_rows(seed_document):
        expected = set().union(*(CUSTOM_MARKERS[m] for m in row.markers))
        actual = set(providers[row.slug].custom_model_tasks)
        if row.slug != "databricks-model-serving" and actual != expected:
            problems.append(f"{row.slug}: {sorted(actual)}, the document says {sorted(expected)}")
    assert not problems, "\n".join(problems)


def test_databricks_serving_endpoint_row_accepts_every_task(
    catalog: Catalog, seed_document: Path
) -> None:
    (row,) = [r for r in external_rows(seed_document) if r.slug == "databricks-model-serving"]
    expected = {task for task, cell in row.cells.items() if cell == SERVING_ENDPOINT_CELL}
    assert expected == set(Task)
    (provider,) = [p for p in catalog.providers() if p.slug == "databricks-model-serving"]
    assert set(provider.custom_model_tasks) == expected


# -- the pay-per-token table ----------------------------------------------------------------


def test_every_pay_per_token_row_is_an_offering_at_databricks(
    catalog: Catalog, seed_document: Path
) -> None:
    rows = pay_per_token_rows(seed_document)
    assert len(rows) >= 6
    problems = []
    for row in rows:
        model = catalog.model(row.name)
        for task in row.tasks:
            offerings = _offerings(
                model, provider="databricks", mode=ServingMode.pay_per_token, task=task
            )
            if row.endpoint not in {o.endpoint_name for o in offerings}:
                problems.append(f"{row.seed_name}: no pay-per-token {task} at {row.endpoint}")
    assert not problems, "\n".join(problems)


def test_not_normalized_note_means_embeddings_are_not_normalized(
    catalog: Catalog, seed_document: Path
) -> None:
    noted = [r for r in pay_per_token_rows(seed_document) if NOT_NORMALIZED_NOTE in r.note]
    assert noted
    for row in noted:
        assert catalog.model(row.name).embeddings_normalized is False, row.seed_name


def test_not_supported_after_note_is_the_last_day(catalog: Catalog, seed_document: Path) -> None:
    noted = [r for r in pay_per_token_rows(seed_document) if "stöds inte längre efter" in r.note]
    assert noted
    for row in noted:
        (offering,) = [
            o for o in catalog.model(row.name).offerings if o.endpoint_name == row.endpoint
        ]
        retires = offering.lifecycle.retires
        assert retires is not None, row.seed_name
        assert retires.on == _date(row.note) == dt.date(2025, 4, 30)
        assert retires.meaning is DateMeaning.last


def test_retired_list_models_are_retired_today(catalog: Catalog, seed_document: Path) -> None:
    names = retired_list(seed_document)
    assert len(names) == 3
    today = dt.date.today()
    for name in names:
        model = catalog.model(name, as_of=today)
        offerings = _offerings(model, provider="databricks", mode=ServingMode.pay_per_token)
        assert offerings, f"{name}: no pay-per-token offering"
        for offering in offerings:
            assert offering.lifecycle.as_of == today
            assert offering.lifecycle.status is OfferingStatus.retired, name


def test_llama_3_3_replaces_3_1_from_the_documents_date(
    catalog: Catalog, seed_document: Path
) -> None:
    sentence = next(line for line in _text(seed_document).splitlines() if " ersätter " in line)
    found = re.search(r"ersätter (\S+) stödet för (\S+)", sentence)
    assert found, sentence
    new, old = found.groups()
    (offering,) = _offerings(
        catalog.model(old), provider="databricks", mode=ServingMode.pay_per_token
    )
    assert [(r.model, r.serving_mode, r.effective_on) for r in offering.replaced_by] == [
        (new, ServingMode.pay_per_token, _date(sentence))
    ]
    assert _date(sentence) == dt.date(2024, 12, 11)


# -- the provisioned-throughput table -------------------------------------------------------


def test_every_provisioned_throughput_architecture_has_its_tasks(
    catalog: Catalog, seed_document: Path
) -> None:
    rows = architecture_rows(seed_document)
    assert len(rows) >= 13
    index = _architecture_index(catalog)
    problems = []
    for name, tasks, _ in rows:
        found = index.get(name_key(name), [])
        if len(found) != 1:
            problems.append(f"{name}: {len(found)} architectures")
        elif set(found[0].tasks) != tasks:
            problems.append(f"{name}: tasks {sorted(found[0].tasks)}, not {sorted(tasks)}")
    assert not problems, "\n".join(problems)


def test_not_normalized_note_on_an_architecture(catalog: Catalog, seed_document: Path) -> None:
    index = _architecture_index(catalog)
    noted = [
        name for name, _, note in architecture_rows(seed_document) if NOT_NORMALIZED_NOTE in note
    ]
    assert noted
    for name in noted:
        (architecture,) = index[name_key(name)]
        assert architecture.embeddings_normalized is False, name


def test_llama_licenses_are_on_their_architectures(catalog: Catalog, seed_document: Path) -> None:
    paragraphs = re.findall(
        r"^(Meta Llama \d+\.\d+) är licensierad enligt (LLAMA \d+\.\d+ Community License)",
        _text(seed_document),
        flags=re.MULTILINE,
    )
    assert len(paragraphs) == 3
    architectures = catalog.architectures()
    for family, license_name in paragraphs:
        key = name_key(family)
        matching = [
            a
            for a in architectures
            if name_key(a.name) == key or name_key(a.name).startswith(f"{key}-")
        ]
        assert matching, f"no architecture for {family}"
        for architecture in matching:
            assert architecture.license == license_name, architecture.name


# -- identifiers ----------------------------------------------------------------------------


@pytest.mark.parametrize(("garbled", "real"), sorted(GARBLED_IDENTIFIERS.items()))
def test_garbled_spelling_finds_the_real_identifier(
    catalog: Catalog, seed_document: Path, garbled: str, real: str
) -> None:
    assert garbled in _text(seed_document), f"{garbled!r} is not in the seed document"
    assert catalog.model(garbled).name == real


def test_no_model_name_is_a_translation(catalog: Catalog) -> None:
    names = [m.name for m in catalog.models()]
    assert names
    assert [n for n in names if not n.isascii()] == []
    assert not set(names) & set(GARBLED_IDENTIFIERS)
