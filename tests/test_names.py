"""Names as people write them (issue 8): provider forms, versions, exact architectures, custom
naming rules, and the answers that must never be `ok`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from catalog import Catalog
from catalog.cli.app import main
from catalog.core.names import read_name_form, read_version
from catalog.core.resolver import resolve
from catalog.core.snapshot import Snapshot
from catalog.schemas import Resolution

from conftest import TEST_DATA

TODAY = "2026-11-25"
USABLE = {"ok", "replaced"}


def codes(result: Resolution) -> set[str]:
    return {w.code for w in result.warnings}


def asked_place(result: Resolution) -> tuple[str | None, str | None, str | None]:
    """The model, provider and serving mode the name was read as, before any replacement."""
    if result.status == "replaced":
        hop = result.chain[0]
        return result.matched, hop.provider, hop.serving_mode.value
    mode = result.serving_mode.value if result.serving_mode else None
    return result.matched, result.provider, mode


@pytest.fixture(scope="module")
def snapshot(catalog: Catalog) -> Snapshot:
    return catalog.snapshot()


# -- the issue's examples ----------------------------------------------------------------------

EXAMPLES = [
    # (written as, model, provider, serving mode)
    ("databricks/databricks-dbrx-instruct", "DBRX Instruct", "databricks", "pay_per_token"),
    (
        "endpoints:/databricks-meta-llama-3-3-70b-instruct",
        "Meta-Llama-3.3-70B-Instruct",
        "databricks",
        "pay_per_token",
    ),
    ("azure/gpt-4o", "gpt-4o", "azure-openai", "external"),
    ("azure/us/gpt-4o-2024-11-20", "gpt-4o", "azure-openai", "external"),
    ("openai:gpt-4o-mini", "gpt-4o-mini", "openai", "external"),
    ("azure_openai:gpt-4o", "gpt-4o", "azure-openai", "external"),
    (
        "bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0",
        "claude-3-5-sonnet-20240620-v1:0",
        "amazon-bedrock",
        "external",
    ),
    ("google_vertexai:gemini-1.5-pro", "gemini-1.5-pro", "google-cloud-vertex-ai", "external"),
    (
        "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "claude-3-5-sonnet-20241022-v2:0",
        "amazon-bedrock",
        "external",
    ),
    (
        "eu.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "claude-3-5-sonnet-20241022-v2:0",
        "amazon-bedrock",
        "external",
    ),
    (
        "apac.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "claude-3-5-sonnet-20241022-v2:0",
        "amazon-bedrock",
        "external",
    ),
    (
        "global.anthropic.claude-3-5-haiku-20241022-v1:0",
        "claude-3-5-haiku-20241022-v1:0",
        "amazon-bedrock",
        "external",
    ),
    ("anthropic.claude-v2:1", "claude-v2", "amazon-bedrock", "external"),
    (
        "vertex_ai/textembedding-gecko@003",
        "textembedding-gecko",
        "google-cloud-vertex-ai",
        "external",
    ),
    (
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
        "claude-v2",
        "amazon-bedrock",
        "external",
    ),
    (
        "projects/p/locations/us-central1/publishers/google/models/gemini-1.5-pro-002",
        "gemini-1.5-pro",
        "google-cloud-vertex-ai",
        "external",
    ),
    (
        "https://adb-1.7.azuredatabricks.net/serving-endpoints/databricks-dbrx-instruct/invocations",
        "DBRX Instruct",
        "databricks",
        "pay_per_token",
    ),
]


@pytest.mark.parametrize(("written", "model", "provider", "mode"), EXAMPLES)
def test_the_issues_examples_resolve_to_the_model_at_the_provider_the_form_decides(
    catalog: Catalog, written: str, model: str, provider: str, mode: str
) -> None:
    result = catalog.resolve(written, as_of=TODAY)
    assert result.status not in ("unknown", "ambiguous", "unsupported"), result.message
    assert asked_place(result) == (model, provider, mode)


def test_a_form_is_reported_with_the_provider_it_decides(catalog: Catalog) -> None:
    result = catalog.resolve("azure/us/gpt-4o-2024-11-20", as_of=TODAY)
    assert result.name_form is not None
    assert (result.name_form.tool, result.name_form.provider) == ("LiteLLM", "azure-openai")
    assert result.name_form.name == "gpt-4o-2024-11-20"
    assert result.version == "2024-11-20"


def test_the_prefix_decides_between_providers_that_share_a_name(catalog: Catalog) -> None:
    assert catalog.resolve("gpt-4o", as_of=TODAY, strict_provider=True).status == "ambiguous"
    assert asked_place(catalog.resolve("gpt-4o", as_of=TODAY))[1] == "openai"  # its own API
    assert asked_place(catalog.resolve("azure/gpt-4o", as_of=TODAY))[1] == "azure-openai"
    assert asked_place(catalog.resolve("openai/gpt-4o", as_of=TODAY))[1] == "openai"


def test_a_form_that_contradicts_the_asked_provider_is_not_usable(catalog: Catalog) -> None:
    result = catalog.resolve("azure/gpt-4o", provider="openai", as_of=TODAY)
    assert result.status == "unsupported"
    assert "written for azure-openai" in result.message


@pytest.mark.parametrize(
    ("written", "outside"),
    [
        ("gemini/gemini-2.5-flash", "Google AI Studio"),
        ("groq/llama-3.3-70b-versatile", "Groq"),
        ("google_genai:gemini-2.0-flash", "Google AI Studio"),
        ("mistral/mistral-large-latest", "Mistral AI"),
    ],
)
def test_a_prefix_of_a_provider_outside_the_catalog_is_unknown_and_says_so(
    catalog: Catalog, written: str, outside: str
) -> None:
    result = catalog.resolve(written, as_of=TODAY)
    assert result.status == "unknown"
    assert outside in result.message and "does not cover" in result.message
    assert result.name_form is not None and result.name_form.outside is not None


def test_a_databricks_litellm_name_is_the_pay_per_token_endpoint(catalog: Catalog) -> None:
    result = catalog.resolve("databricks/meta-llama-3.3-70b-instruct", as_of=TODAY)
    assert (result.status, result.serving_mode) == ("ok", "pay_per_token")
    assert result.endpoint_name == "databricks-meta-llama-3-3-70b-instruct"


# -- never ok ----------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["0613", "0301"])
def test_retired_azure_versions_of_gpt_35_turbo_are_never_ok(
    catalog: Catalog, version: str
) -> None:
    result = catalog.resolve(f"gpt-35-turbo-{version}", as_of=TODAY)
    assert result.status == "replaced"
    assert (result.matched, result.version, result.since) == (
        "gpt-35-turbo",
        version,
        dt.date(2025, 2, 13),
    )


def test_a_version_still_listed_as_unknown_is_not_retired_with_its_siblings(
    catalog: Catalog,
) -> None:
    result = catalog.resolve("gpt-35-turbo-0125", as_of=TODAY)
    assert (result.status, result.version) == ("ok", "0125")
    assert "retirement_unknown" in codes(result)


def test_the_family_name_says_which_of_its_versions_are_retired(catalog: Catalog) -> None:
    result = catalog.resolve("gpt-35-turbo", as_of=TODAY)
    assert "versions_retired" in codes(result)
    assert "also_reported" not in codes(result)


@pytest.mark.parametrize(
    ("written", "as_of", "since"),
    [
        ("azure/gpt-4o-2024-05-13", "2026-05-01", dt.date(2026, 3, 31)),
        ("azure/gpt-4o-mini-2024-07-18", "2026-05-01", dt.date(2026, 3, 31)),
        ("azure/gpt-4-1106-preview", "2025-06-01", dt.date(2025, 5, 1)),
        ("gpt-4-32k-0613", "2025-07-01", dt.date(2025, 6, 6)),
        ("gemini-1.5-pro-002", "2025-10-01", dt.date(2025, 9, 25)),
    ],
)
def test_versions_retire_on_their_own_dates(
    catalog: Catalog, written: str, as_of: str, since: dt.date
) -> None:
    result = catalog.resolve(written, as_of=as_of)
    assert result.status in ("replaced", "retired")
    assert result.since == since


@pytest.mark.parametrize(
    ("written", "model"),
    [("gpt-4-1106-preview", "gpt-4-1106-preview"), ("o1-preview", "o1-preview")],
)
def test_preview_models_are_their_own_models(catalog: Catalog, written: str, model: str) -> None:
    result = catalog.resolve(written, provider="openai", as_of=TODAY)
    assert result.matched == model
    assert result.rule == "listed" and result.version is None


def test_o1_preview_is_retired_and_replaced_by_o3_which_retires_soon(catalog: Catalog) -> None:
    result = catalog.resolve("o1-preview", as_of=TODAY)
    assert (result.status, result.model) == ("replaced", "o3")
    assert "replacement_retires_soon" in codes(result)


@pytest.mark.parametrize(
    ("written", "options"),
    [
        ("mistral-large-latest", {}),
        ("mistral-embed", {}),
        ("mistral-medium", {}),
        ("mistral-embed", {"task": "chat"}),
        ("mistral-large-latest", {"serving_mode": "provisioned_throughput"}),
        ("llama-3-3-finetune-of-mine", {}),
    ],
)
def test_a_word_of_an_architecture_is_no_architecture(
    catalog: Catalog, written: str, options: dict[str, str]
) -> None:
    result = catalog.resolve(written, as_of=TODAY, **options)  # type: ignore[arg-type]
    assert result.status not in USABLE
    assert result.rule != "architecture"


@pytest.mark.parametrize(
    ("written", "architecture"),
    [
        ("meta-llama/Llama-3.3-70B-Instruct", "Meta Llama 3.3"),
        ("mistralai/Mistral-7B-Instruct-v0.3", "Mistral"),
        ("Mixtral-8x7B-Instruct-v0.1", "Mixtral"),
        ("databricks/dbrx-base", "DBRX"),
        ("BAAI/bge-large-en-v1.5", "BGE v1.5 (En)"),
    ],
)
def test_hugging_face_ids_name_their_architecture_exactly(
    catalog: Catalog, written: str, architecture: str
) -> None:
    result = catalog.resolve(written, serving_mode="provisioned_throughput", as_of=TODAY)
    assert (result.status, result.rule, result.matched) == ("ok", "architecture", architecture)


@pytest.mark.parametrize("written", ["text-embedding-3-large-256", "text-embedding-3-small-1536"])
def test_a_number_is_a_version_only_where_the_family_has_such_versions(
    catalog: Catalog, written: str
) -> None:
    result = catalog.resolve(written, provider="openai", task="embeddings", as_of=TODAY)
    assert result.status == "unknown"


@pytest.mark.parametrize(
    "written", ["my-model", "gpt-4o-finetune", "ft:gpt-4o", "davinci:ft-acme-2023"]
)
def test_openai_accepts_only_names_in_its_fine_tuned_form(catalog: Catalog, written: str) -> None:
    result = catalog.resolve(written, provider="openai", task="chat", as_of=TODAY)
    assert result.status == "unknown"
    assert "not_custom" in codes(result)
    assert "ft:<base model>" in result.warnings[0].message


def test_an_openai_fine_tuned_id_is_custom_and_says_by_which_rule(catalog: Catalog) -> None:
    result = catalog.resolve(
        "ft:gpt-4o-mini-2024-07-18:acme:support:9ab12cd", task="chat", as_of=TODAY
    )
    assert (result.status, result.rule, result.provider) == ("ok", "custom", "openai")
    custom = next(w for w in result.warnings if w.code == "custom")
    assert "ft:<base model>:<organization>:<suffix>:<job id>" in custom.message


def test_a_fine_tuned_model_of_a_retired_base_says_so(catalog: Catalog) -> None:
    result = catalog.resolve("ft:davinci-002:acme::abc123", task="completions", as_of=TODAY)
    assert result.rule == "custom"
    assert "base_retired" in codes(result)
    retiring = catalog.resolve("ft:gpt-4o-2024-08-06:acme::x1", task="chat", as_of=TODAY)
    assert {"base_retires_soon", "base_deprecated"} <= codes(retiring)


def test_an_azure_deployment_name_is_custom_at_azure(catalog: Catalog) -> None:
    result = catalog.resolve("my-gpt4o-deployment", provider="azure-openai", task="chat")
    assert (result.status, result.rule) == ("ok", "custom")
    assert "deployment name" in result.warnings[0].message


@pytest.mark.parametrize(
    ("written", "provider", "status", "code"),
    [
        # o1-mini -> o4-mini (itself gone 2026-10-23, LiteLLM): the chain ends retired
        ("o1-mini", "openai", "retired", "replacement_chain_ends"),
        # o1 at Azure -> o3 at Azure (gone 2026-11-19, LiteLLM)
        ("azure/o1", None, "retired", "replacement_chain_ends"),
        # text-bison -> gemini-2.0-flash-lite (last day 2026-06-01)
        ("text-bison", None, "retired", "replacement_chain_ends"),
        # babbage-002 (gone 2026-09-28) -> gpt-5-mini, which goes 2026-12-11
        ("babbage-002", None, "replaced", "replacement_retires_soon"),
    ],
)
def test_replacement_targets_have_lifecycles_of_their_own(
    catalog: Catalog, written: str, provider: str | None, status: str, code: str
) -> None:
    result = catalog.resolve(written, provider=provider, as_of=TODAY)
    assert result.status == status
    assert code in codes(result)


def test_a_fact_from_an_unverified_source_warns_in_resolve(catalog: Catalog) -> None:
    result = catalog.resolve("claude-3-5-opus-latest", as_of=TODAY)
    assert "unverified" in codes(result)
    replaced = catalog.resolve("gpt-35-turbo-0613", as_of=TODAY)
    assert any(w.code == "unverified" and "gpt-4.1-mini" in w.message for w in replaced.warnings)


# -- the same forms everywhere -----------------------------------------------------------------


def test_show_accepts_a_form_and_keeps_to_its_provider(catalog: Catalog) -> None:
    model = catalog.model("azure/gpt-4o")
    assert model.name == "gpt-4o"
    assert {o.provider for o in model.offerings} == {"azure-openai"}
    assert {v.provider for v in model.versions} == {"azure-openai"}


def test_show_finds_a_family_by_its_version_and_lists_versions(catalog: Catalog) -> None:
    model = catalog.model("gpt-35-turbo-0613")
    assert model.name == "gpt-35-turbo" and model.version_shapes == ["mmdd"]
    gone = {v.version: v.lifecycle.status for v in model.versions if v.lifecycle}
    assert gone["0613"] == "retired" and gone["0125"] == "unknown"


def test_models_query_reads_the_form(catalog: Catalog) -> None:
    found = catalog.models(query="azure/gpt-4o")
    assert found and all(o.provider == "azure-openai" for m in found for o in m.offerings)
    assert "gpt-4o" in {m.name for m in found}


def test_the_cli_shows_how_it_read_the_name(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["resolve", "azure/us/gpt-4o-2024-11-20", "--as-of", TODAY, "--database-url", seeded_url]
    )
    out = capsys.readouterr().out
    assert code == 1, out  # replaced: a finding
    assert "read as: gpt-4o-2024-11-20 at azure-openai (LiteLLM form)" in out
    assert "version: 2024-11-20" in out
    code = main(["show", "gemini/gemini-pro", "--database-url", seeded_url])
    assert code != 0 and "does not cover" in capsys.readouterr().err


def test_deprecations_list_versions_that_retire_on_their_own_dates(catalog: Catalog) -> None:
    found = catalog.deprecations(as_of="2025-03-01", within_days=0, provider="azure-openai")
    versions = {(d.model, d.version) for d in found if d.version is not None}
    assert {("gpt-35-turbo", "0301"), ("gpt-35-turbo", "0613")} <= versions
    assert ("gpt-35-turbo", None) not in {(d.model, d.version) for d in found}


# -- the reader itself -------------------------------------------------------------------------


def test_read_name_form_returns_provider_bare_name_and_form(snapshot: Snapshot) -> None:
    provider, name, form = read_name_form(snapshot, "bedrock/us-west-2/anthropic.claude-v2:1")
    assert (provider, name) == ("amazon-bedrock", "claude-v2:1")
    assert form is not None and form.tool == "LiteLLM"
    assert read_name_form(snapshot, "gpt-4o") == (None, "gpt-4o", None)


def test_read_version_reads_only_declared_shapes(snapshot: Snapshot) -> None:
    found = read_version(snapshot, "gpt-35-turbo-0613")
    assert found is not None and (found.family.name, found.version) == ("gpt-35-turbo", "0613")
    assert read_version(snapshot, "text-embedding-3-large-256") is None


# -- property: a prefixed name is its bare name at that provider -------------------------------


def _prefixed_cases(snapshot: Snapshot) -> Iterator[tuple[str, str, str]]:
    """(prefixed name, bare name, provider) for every listed name and every prefix form."""
    for form in snapshot.name_forms:
        if form.kind != "prefix" or form.provider is None:
            continue
        for model in snapshot.models:
            if any(o.provider == form.provider for o in model.offerings):
                yield form.form + model.name, model.name, form.provider


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), day=st.dates(dt.date(2024, 1, 1), dt.date(2028, 1, 1)))
def test_a_prefixed_name_resolves_as_its_bare_name_at_that_provider(
    snapshot: Snapshot, data: st.DataObject, day: dt.date
) -> None:
    cases = sorted(_prefixed_cases(snapshot))
    prefixed, bare, provider = data.draw(st.sampled_from(cases))
    mode = next(f.mode for f in snapshot.name_forms if prefixed.startswith(f.form))
    written = resolve(snapshot, prefixed, as_of=day)
    plain = resolve(
        snapshot, bare, as_of=day, provider=snapshot.providers[provider], serving_mode=mode
    )
    keep = ("status", "rule", "matched", "model", "provider", "serving_mode", "task", "since")
    assert {k: getattr(written, k) for k in keep} == {k: getattr(plain, k) for k in keep}
    assert written.name_form is not None and written.name_form.provider == provider


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_bedrock_profile_resolves_as_the_bedrock_id(
    snapshot: Snapshot, data: st.DataObject
) -> None:
    ids = sorted(alias for m in snapshot.models for alias, kind in m.aliases if kind == "prefixed")
    model_id = data.draw(st.sampled_from(ids))
    region = data.draw(st.sampled_from(["us", "eu", "apac", "global"]))
    day = dt.date(2026, 1, 1)
    profile = resolve(snapshot, f"{region}.{model_id}", as_of=day)
    plain = resolve(snapshot, model_id, as_of=day)
    assert (profile.status, profile.matched, profile.provider) == (
        plain.status,
        plain.matched,
        plain.provider,
    )


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(["", "azure/", "bedrock/", "openai:", "endpoints:/", "gemini/"]),
    rest=st.text(max_size=60),
)
def test_any_written_name_resolves_without_raising(
    snapshot: Snapshot, prefix: str, rest: str
) -> None:
    result = resolve(snapshot, prefix + rest, as_of=dt.date(2026, 11, 25))
    if prefix == "gemini/":
        assert result.status not in USABLE


@pytest.mark.parametrize(
    ("written", "options"),
    [
        ("endpoints:/not-an-endpoint", {}),
        ("gpt-4o", {"serving_mode": "pay_per_token"}),
        ("text-embedding-3-large", {"task": "chat", "provider": "openai"}),
        ("openai:gpt-35-turbo", {}),
        ("anthropic/claude-v2", {}),
        ("gpt-4o-2024-08-06", {"provider": "anthropic"}),
    ],
)
def test_non_models_wrong_tasks_modes_and_providers_are_never_ok(
    catalog: Catalog, written: str, options: dict[str, str]
) -> None:
    result = catalog.resolve(written, as_of=TODAY, **options)  # type: ignore[arg-type]
    assert result.status not in USABLE, result.message


# -- the corpus --------------------------------------------------------------------------------


def _corpus() -> dict[str, list[dict[str, str]]]:
    return YAML(typ="safe").load((TEST_DATA / "name_corpus.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_corpus_holds_at_least_150_real_names_each_with_a_source() -> None:
    corpus = _corpus()
    names = corpus["names"]
    assert len(names) >= 150
    assert len({n["text"] for n in names}) == len(names)
    assert all(n["source"] in corpus["sources"] for n in names + corpus["uncovered"])


@pytest.mark.parametrize("strict", [False, True])
def test_every_corpus_name_is_read_as_its_model_once_its_provider_is_known(
    snapshot: Snapshot, strict: bool
) -> None:
    """Each name names its model at its provider. Names that leave the provider open (bare
    names the catalog lists at two providers) read as the publisher's own API; in strict mode
    they are ambiguous, never a guess."""
    day = dt.date(2026, 11, 25)
    wrong = []
    for entry in _corpus()["names"]:
        result = resolve(snapshot, entry["text"], as_of=day, strict_provider=strict)
        if result.status == "ambiguous":
            assert entry["provider"] in {c.provider for c in result.candidates}, entry
            result = resolve(
                snapshot, entry["text"], as_of=day, provider=snapshot.providers[entry["provider"]]
            )
            if result.status == "ambiguous":  # only the task is left open
                assert {c.model for c in result.candidates} == {entry["model"]}
                continue
        model, provider, mode = asked_place(result)
        if (model, provider) != (entry["model"], entry["provider"]) or (
            entry.get("mode") not in (None, mode)
        ):
            wrong.append(f"{entry['text']}: {result.status} {model} at {provider} {mode}")
    assert wrong == []


def test_no_corpus_name_outside_the_catalog_is_usable(snapshot: Snapshot) -> None:
    for entry in _corpus()["uncovered"]:
        result = resolve(snapshot, entry["text"], as_of=dt.date(2026, 11, 25))
        assert result.status not in USABLE, entry


def test_the_check_reads_the_catalogs_name_forms(catalog: Catalog, tmp_path: Path) -> None:
    """The scanner reads references through the same forms as resolve: data, not its own table."""
    source = tmp_path / "app.py"
    source.write_text(
        'a = completion(model="bedrock/us-west-2/anthropic.claude-v2:1")\n'
        'b = completion(model="gpt-35-turbo-0613")\n'
        'c = completion(model="gemini/gemini-1.5-pro")\n',
        encoding="utf-8",
    )
    report = catalog.check_paths([str(source)], as_of=TODAY, show_ok=True)
    found = {f.text: f for f in report.findings}
    bedrock = found["bedrock/us-west-2/anthropic.claude-v2:1"]
    assert (bedrock.name, bedrock.provider) == ("claude-v2:1", "amazon-bedrock")
    assert bedrock.form == "litellm"
    assert found["gpt-35-turbo-0613"].level == "retired"
    assert "gemini/gemini-1.5-pro" not in found
