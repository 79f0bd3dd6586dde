"""The resolver on the real catalog: every status and every rule, through the library face."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from catalog import Catalog, Resolution
from catalog.cli.app import main

TODAY = dt.date(2026, 11, 24)


def codes(result: Resolution) -> set[str]:
    return {w.code for w in result.warnings}


# -- dates and replacements -----------------------------------------------------------------


def test_dbrx_is_ok_on_its_last_day(catalog: Catalog) -> None:
    result = catalog.resolve("databricks-dbrx-instruct", as_of="2025-04-30")
    assert (result.status, result.rule) == ("ok", "alias")
    assert result.endpoint_name == "databricks-dbrx-instruct"
    assert result.endpoint_type == "llm/v1/chat"
    assert result.retires_on == dt.date(2025, 5, 1)
    assert "retires_soon" in codes(result)


def test_dbrx_is_replaced_from_the_next_day(catalog: Catalog) -> None:
    result = catalog.resolve("databricks-dbrx-instruct", as_of="2025-05-01")
    assert result.status == "replaced"
    assert result.model == "Meta-Llama-3.3-70B-Instruct"
    assert result.endpoint_name == "databricks-meta-llama-3-3-70b-instruct"
    assert result.since == dt.date(2025, 5, 1)
    assert [(h.from_model, h.to_model) for h in result.chain] == [
        ("DBRX Instruct", "Meta-Llama-3.3-70B-Instruct")
    ]
    assert {"unverified", "architecture_deployable"} <= codes(result)
    assert result.config == {
        "endpoint_name": "databricks-meta-llama-3-3-70b-instruct",
        "endpoint_type": "llm/v1/chat",
        "invocations_path": "/serving-endpoints/databricks-meta-llama-3-3-70b-instruct/invocations",
    }


def test_llama_3_1_70b_is_usable_until_the_3_3_handover(catalog: Catalog) -> None:
    before = catalog.resolve("Meta-Llama-3.1-70B-Instruct", as_of="2024-12-10")
    after = catalog.resolve("Meta-Llama-3.1-70B-Instruct", as_of="2024-12-11")
    assert (before.status, before.model) == ("ok", "Meta-Llama-3.1-70B-Instruct")
    assert (after.status, after.model) == ("replaced", "Meta-Llama-3.3-70B-Instruct")
    assert after.chain[0].effective_on == dt.date(2024, 12, 11)
    assert after.chain[0].source.verified is True


def test_a_multi_hop_chain_is_followed_hop_by_hop(catalog: Catalog) -> None:
    result = catalog.resolve("MPT 7B Instruct", as_of=TODAY)
    assert result.status == "replaced"
    hops = [(h.from_model, h.to_model) for h in result.chain]
    assert hops == [
        ("MPT 7B Instruct", "Mixtral-8x7B Instruct"),
        ("Mixtral-8x7B Instruct", "Meta-Llama-3.3-70B-Instruct"),
    ]
    assert result.chain[1].effective_on == dt.date(2025, 5, 1)


def test_the_chain_stops_where_the_date_says(catalog: Catalog) -> None:
    result = catalog.resolve("MPT 7B Instruct", as_of="2025-01-15")
    assert result.status == "replaced"
    assert result.model == "Mixtral-8x7B Instruct"
    assert len(result.chain) == 1


def test_a_chain_that_ends_retired_is_retired_with_the_chain_so_far(catalog: Catalog) -> None:
    result = catalog.resolve("j2-ultra", provider="ai21labs", as_of=TODAY)
    assert result.status == "retired"
    assert [h.to_model for h in result.chain] == ["jamba"]
    assert "jamba" in result.message


def test_the_same_architecture_stays_deployable_in_provisioned_throughput(catalog: Catalog) -> None:
    result = catalog.resolve("DBRX Instruct", serving_mode="provisioned_throughput", as_of=TODAY)
    assert (result.status, result.rule) == ("ok", "architecture")
    assert result.serving_mode == "provisioned_throughput"
    assert result.config is not None and "served_entities" in result.config


def test_an_explicit_provisioned_retirement_beats_the_architecture(catalog: Catalog) -> None:
    result = catalog.resolve(
        "Meta-Llama-3.1-405B-Instruct",
        serving_mode="provisioned_throughput",
        task="chat",
        as_of=TODAY,
    )
    assert result.status == "retired"
    assert result.since == dt.date(2026, 5, 15)


def test_claude_2_1_is_replaced_across_a_task_change(catalog: Catalog) -> None:
    result = catalog.resolve("claude-2.1", as_of=TODAY)
    assert (result.status, result.model, result.task) == ("replaced", "claude-opus-4-8", "chat")
    assert "task_changed" in codes(result)


# -- ambiguity, unsupported, unknown ----------------------------------------------------------


@pytest.mark.parametrize("name", ["j2-mid", "gpt-4o"])
def test_the_same_name_at_two_providers_is_ambiguous_in_strict_mode(
    catalog: Catalog, name: str
) -> None:
    result = catalog.resolve(name, as_of=TODAY, strict_provider=True)
    assert result.status == "ambiguous"
    assert len(result.candidates) == 2
    assert all(set(c.decided_by) == {"provider"} for c in result.candidates)


@pytest.mark.parametrize(("name", "own"), [("j2-mid", "ai21labs"), ("gpt-4o", "openai")])
def test_the_same_name_at_two_providers_reads_as_the_publishers_own_api(
    catalog: Catalog, name: str, own: str
) -> None:
    """By default the publisher's own API decides (see tests/test_publisher_api.py)."""
    result = catalog.resolve(name, as_of=TODAY)
    assert (result.provider_rule, len(result.candidates)) == ("publisher_api", 1)
    assert result.status != "ambiguous"
    where = result.chain[0].provider if result.chain else result.provider
    assert where == own


def test_a_provider_decides_an_ambiguous_name(catalog: Catalog) -> None:
    result = catalog.resolve("gpt-4o", provider="openai", as_of="2026-06-01")
    assert (result.status, result.provider) == ("ok", "openai")


def test_a_task_decides_between_a_models_offerings(catalog: Catalog) -> None:
    assert catalog.resolve("command", as_of=TODAY).status == "ambiguous"
    result = catalog.resolve("command", task="completions", as_of=TODAY)
    assert (result.status, result.task) == ("ok", "completions")
    assert {"deprecated", "retirement_unknown"} <= codes(result)


def test_a_known_model_asked_for_another_task_is_unsupported(catalog: Catalog) -> None:
    result = catalog.resolve("text-embedding-3-small", provider="openai", task="chat")
    assert result.status == "unsupported"
    assert ("openai", "embeddings") in {(c.provider, c.task) for c in result.candidates}
    assert {c.task for c in result.candidates} == {"embeddings"}


def test_an_unknown_name_gets_close_suggestions(catalog: Catalog) -> None:
    result = catalog.resolve("gpt-4oo")
    assert (result.status, result.rule) == ("unknown", None)
    assert "gpt-4o" in result.suggestions and len(result.suggestions) <= 5


# -- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("DBRX Instruera", "DBRX Instruct"),
        ("GTE Large (engelska)", "GTE Large (En)"),
        ("anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022-v2:0"),
        ("CLAUDE-3-HAIKU-20240307", "claude-3-haiku-20240307"),
    ],
)
def test_names_match_through_aliases_and_case(catalog: Catalog, name: str, model: str) -> None:
    result = catalog.resolve(name, as_of="2025-01-01")
    assert result.matched == model


def test_a_date_suffixed_response_id_names_the_same_endpoint(catalog: Catalog) -> None:
    result = catalog.resolve("meta-llama-3-3-70b-instruct-120524", as_of=TODAY)
    assert (result.status, result.rule) == ("ok", "alias")
    assert result.endpoint_name == "databricks-meta-llama-3-3-70b-instruct"
    assert "response_id" in codes(result)


def test_a_dated_variant_is_inferred_from_its_family(catalog: Catalog) -> None:
    result = catalog.resolve("gpt-4o-2025-01-31", provider="openai", as_of="2026-06-01")
    assert (result.status, result.rule) == ("ok", "inferred")
    assert result.model == "gpt-4o-2025-01-31" and result.task == "chat"
    assert result.version == "2025-01-31"
    assert result.config["served_entities"][0]["external_model"]["name"] == "gpt-4o-2025-01-31"  # type: ignore[index]


def test_a_variant_of_a_retired_family_follows_the_family(catalog: Catalog) -> None:
    result = catalog.resolve("textembedding-gecko@004", as_of=TODAY)  # an unlisted version
    assert (result.status, result.rule) == ("replaced", "inferred")
    assert result.model == "text-embedding-005"


def test_a_listed_version_without_its_own_dates_follows_its_family(catalog: Catalog) -> None:
    result = catalog.resolve("textembedding-gecko@001", as_of=TODAY)
    assert (result.status, result.rule, result.version) == ("replaced", "listed", "001")
    assert result.model == "text-embedding-005"


def test_a_hugging_face_id_resolves_by_architecture(catalog: Catalog) -> None:
    result = catalog.resolve("meta-llama/Llama-3.1-8B-Instruct")
    assert (result.status, result.rule) == ("ok", "architecture")
    assert result.matched == "Meta Llama 3.1"
    assert result.task == "chat" and "also_supports" in codes(result)


def test_an_architecture_prefix_is_not_matched_across_versions(catalog: Catalog) -> None:
    assert catalog.resolve("meta-llama/Llama-3.2-11B-Vision-Instruct").status == "unknown"
    assert catalog.resolve("meta-llama/Llama-3.2-3B-Instruct").matched == "Meta Llama 3.2 3B"


def test_an_architecture_asked_for_a_task_it_lacks_is_unsupported(catalog: Catalog) -> None:
    result = catalog.resolve("meta-llama/Llama-3.1-8B-Instruct", task="embeddings")
    assert (result.status, result.rule) == ("unsupported", "architecture")


def test_a_provider_that_accepts_fine_tuned_models_resolves_custom_names(catalog: Catalog) -> None:
    result = catalog.resolve("ft:gpt-4o-mini:acme::abc123", provider="openai", task="chat")
    assert (result.status, result.rule) == ("ok", "custom")
    external = result.config["served_entities"][0]["external_model"]  # type: ignore[index]
    assert external["name"] == "ft:gpt-4o-mini:acme::abc123"
    assert external["provider"] == "openai" and external["task"] == "llm/v1/chat"


def test_a_custom_name_for_a_task_the_provider_refuses_is_unsupported(catalog: Catalog) -> None:
    result = catalog.resolve("my-j2-tune", provider="ai21labs", task="chat")
    assert (result.status, result.rule) == ("unsupported", "custom")
    assert "completions" in result.message


def test_a_custom_name_without_a_task_is_ambiguous_between_allowed_tasks(catalog: Catalog) -> None:
    result = catalog.resolve("my-tune-ft", provider="cohere")
    assert (result.status, result.rule) == ("ambiguous", "custom")
    assert {c.task for c in result.candidates} == {"chat", "completions"}


def test_a_serving_endpoint_name_works_for_every_task(catalog: Catalog) -> None:
    result = catalog.resolve("my-endpoint", provider="databricks-model-serving", task="embeddings")
    assert (result.status, result.rule) == ("ok", "custom")


# -- configs and warnings ------------------------------------------------------------------------


def test_bedrock_configs_name_the_bedrock_provider(catalog: Catalog) -> None:
    result = catalog.resolve("cohere.command-r-v1:0", as_of="2026-01-01")
    config = result.config["served_entities"][0]["external_model"]  # type: ignore[index]
    assert config["provider"] == "amazon-bedrock"
    assert config["amazon_bedrock_config"]["bedrock_provider"] == "cohere"


def test_azure_configs_say_azure_and_hold_no_secrets(catalog: Catalog) -> None:
    result = catalog.resolve("text-embedding-3-large", provider="azure-openai")
    openai_config = result.config["served_entities"][0]["external_model"]["openai_config"]  # type: ignore[index]
    assert openai_config["openai_api_type"] == "azure"
    assert openai_config["openai_api_key"].startswith("{{secrets/")


def test_embeddings_that_are_not_normalized_say_so(catalog: Catalog) -> None:
    assert "embeddings_not_normalized" in codes(catalog.resolve("databricks-gte-large-en"))


def test_unknown_lifecycles_warn_instead_of_passing_as_active(catalog: Catalog) -> None:
    result = catalog.resolve("command-nightly", task="chat")
    assert result.status == "ok" and "retirement_unknown" in codes(result)


# -- faces --------------------------------------------------------------------------------------


def test_resolve_many_answers_each_name_like_resolve(catalog: Catalog) -> None:
    names = ["databricks-dbrx-instruct", "gpt-4o", "nope-nope"]
    many = catalog.resolve_many(names, as_of=TODAY)
    assert many == [catalog.resolve(n, as_of=TODAY) for n in names]


def test_the_cli_json_has_the_librarys_field_names(
    catalog: Catalog, seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["resolve", "claude-2.1", "--as-of", "2026-11-24", "--json", "--database-url", seeded_url])
    from_cli = json.loads(capsys.readouterr().out)
    from_library = catalog.resolve("claude-2.1", as_of=TODAY).model_dump(mode="json")
    assert from_cli == from_library


def test_a_variant_finds_its_family_through_a_latest_pointer(catalog: Catalog) -> None:
    result = catalog.resolve("claude-3-5-sonnet-20250101", as_of=TODAY)
    assert result.rule == "inferred"
    assert result.matched == "claude-3-5-sonnet-20241022"
    assert (result.status, result.model) == ("replaced", "claude-sonnet-4-6")
