"""The library face: Catalog.open, listing with filters, one model, errors."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from catalog import Catalog, InvalidArgument, ModelInfo, NotFound, NotLoaded
from catalog.store.db import make_engine, upgrade

TODAY = dt.date(2026, 11, 24)


def offering_keys(models: list[ModelInfo]) -> set[tuple[str, str, str, str]]:
    return {(m.name, o.provider, o.serving_mode, o.task) for m in models for o in m.offerings}


def test_results_are_pydantic_objects_not_orm_rows(catalog: Catalog) -> None:
    models = catalog.models()
    assert all(isinstance(m, BaseModel) for m in models)
    assert all(type(m).__module__ == "catalog.schemas" for m in models)


def test_openai_embeddings_filter_keeps_only_those_offerings(catalog: Catalog) -> None:
    found = catalog.models(provider="openai", task="embeddings")
    assert {m.name for m in found} == {
        "text-embedding-ada-002",
        "text-embedding-3-large",
        "text-embedding-3-small",
    }
    assert all(
        o.provider == "openai" and o.task == "embeddings" for m in found for o in m.offerings
    )


def test_provider_filter_accepts_the_display_name(catalog: Catalog) -> None:
    assert offering_keys(catalog.models(provider="Azure OpenAI")) == offering_keys(
        catalog.models(provider="azure-openai")
    )


def test_status_filter_is_evaluated_on_the_as_of_date(catalog: Catalog) -> None:
    before = catalog.models(status="retired", as_of="2025-04-30", query="dbrx")
    after = catalog.models(status="retired", as_of="2025-05-01", query="dbrx")
    assert before == []
    assert [m.name for m in after] == ["DBRX Instruct"]


def test_dbrx_pay_per_token_is_retired_today_and_names_its_replacement(catalog: Catalog) -> None:
    model = catalog.model("databricks-dbrx-instruct", as_of=TODAY)
    (offering,) = model.offerings
    assert offering.endpoint_name == "databricks-dbrx-instruct"
    assert offering.lifecycle.status == "retired"
    assert offering.lifecycle.retired_from == dt.date(2025, 5, 1)
    assert [r.model for r in offering.replaced_by] == ["Meta-Llama-3.3-70B-Instruct"]
    assert offering.replaced_by[0].source.verified is False


def test_claude_2_1_is_retired_today_with_a_replacement(catalog: Catalog) -> None:
    (offering,) = catalog.model("claude-2.1", as_of=TODAY).offerings
    assert offering.provider == "anthropic"
    assert offering.lifecycle.status == "retired"
    assert offering.replaced_by and offering.replaced_by[0].model == "claude-opus-4-8"


def test_unknown_lifecycles_are_said_to_be_unknown_not_active(catalog: Catalog) -> None:
    (offering,) = catalog.model("command-nightly").offerings
    assert offering.lifecycle.status == "unknown"
    assert offering.lifecycle.basis == "unknown"


def test_model_lookup_goes_through_aliases_and_case(catalog: Catalog) -> None:
    assert catalog.model("DBRX Instruera").name == "DBRX Instruct"
    assert catalog.model("TEXT-EMBEDDING-3-SMALL").name == "text-embedding-3-small"
    assert catalog.model("claude-3-5-sonnet-latest").name == "claude-3-5-sonnet-20241022"
    assert catalog.model("anthropic.claude-v2").name == "claude-v2"


def test_an_unknown_model_raises_not_found_with_suggestions(catalog: Catalog) -> None:
    with pytest.raises(NotFound, match="did you mean") as caught:
        catalog.model("gpt-4oo")
    assert caught.value.http_status == 404


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"task": "summarize"}, "task"),
        ({"serving_mode": "serverless"}, "serving_mode"),
        ({"provider": "acme"}, "provider"),
        ({"publisher": "nobody"}, "publisher"),
        ({"status": "sunset"}, "status"),
        ({"as_of": "2025-13-01"}, "as_of"),
    ],
)
def test_bad_filters_raise_invalid_argument_naming_the_parameter(
    catalog: Catalog, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidArgument) as caught:
        catalog.models(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_providers_carry_config_slugs_and_custom_model_rules(catalog: Catalog) -> None:
    providers = {p.slug: p for p in catalog.providers()}
    assert providers["azure-openai"].config_provider == "openai"
    assert providers["azure-openai"].openai_api_type == "azure"
    assert set(providers["openai"].custom_model_tasks) == {"chat", "completions"}
    assert list(providers["ai21labs"].custom_model_tasks) == ["completions"]
    assert providers["anthropic"].custom_model_tasks == []


def test_architectures_list_tasks_and_licenses(catalog: Catalog) -> None:
    archs = {a.name: a for a in catalog.architectures()}
    assert set(archs["Meta Llama 3.1"].tasks) == {"chat", "completions"}
    assert archs["Meta Llama 3.3"].license == "LLAMA 3.3 Community License"
    assert archs["GTE v1.5 (En)"].embeddings_normalized is False


def test_revision_counts_models_and_offerings(catalog: Catalog) -> None:
    revision = catalog.revision()
    assert revision.revision >= 1
    assert revision.models == len(catalog.models())
    assert revision.offerings == sum(len(m.offerings) for m in catalog.models())


def test_an_empty_schema_says_to_load(migrated_url: str) -> None:
    with pytest.raises(NotLoaded, match="model-catalog load"):
        Catalog.open(migrated_url).models()


def test_a_new_revision_is_picked_up_without_reopening(migrated_url: str, tmp_path: Path) -> None:
    from catalog.seed.load import load_seed

    from conftest import TEST_DATA

    engine = make_engine(migrated_url)
    upgrade(engine)
    mini = TEST_DATA / "mini_seed.yaml"
    load_seed(engine, mini)
    opened = Catalog.open(migrated_url, revision_check_seconds=0)
    assert opened.model("Old Model").offerings[0].lifecycle.retires.on == dt.date(2025, 4, 30)  # type: ignore[union-attr]
    edited = tmp_path / "edited.yaml"
    edited.write_text(mini.read_text().replace("on: 2025-04-30", "on: 2025-06-30"))
    load_seed(engine, edited)
    assert opened.model("Old Model").offerings[0].lifecycle.retires.on == dt.date(2025, 6, 30)  # type: ignore[union-attr]


def test_the_embedded_default_creates_migrates_and_seeds_itself(isolated_home: Path) -> None:
    opened = Catalog.open()
    assert opened.settings.embedded
    assert (isolated_home / "model-catalog" / "catalog.sqlite3").exists()
    assert opened.model("databricks-dbrx-instruct").name == "DBRX Instruct"
    first = opened.revision().revision
    assert Catalog.open().revision().revision == first  # a second open changes nothing


def test_importing_the_package_reads_no_environment_and_no_web_framework() -> None:
    code = (
        "import os, sys; os.environ['MODEL_CATALOG_DATABASE_URL'] = 'bogus://';"
        "import catalog, catalog.cli, catalog.core.resolver, catalog.core.snapshot;"
        "print(any(m.split('.')[0] in ('fastapi', 'starlette', 'uvicorn') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.slow
def test_processes_starting_together_share_one_embedded_setup(tmp_path: Path) -> None:
    """Pre-commit starts hooks in parallel: the first use must survive being concurrent."""
    import os

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "home")}
    env.pop("MODEL_CATALOG_DATABASE_URL", None)
    code = "from catalog import Catalog; print(Catalog.open().revision().revision)"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    assert [(status, out.strip()) for status, out, _ in results] == [(0, "1")] * 4, results
