"""A wrong seed file names the file, the line and the field, and lists every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.errors import SeedError, SeedErrors
from catalog.seed.file import read_seed
from catalog.store.resources import seed_path

from conftest import TEST_DATA

MINI = TEST_DATA / "mini_seed.yaml"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `needle`."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[occurrence - 1]


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, str]:
    text = MINI.read_text(encoding="utf-8")
    assert old in text
    changed = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(changed, encoding="utf-8")
    return path, changed


def only_error(path: Path) -> SeedError:
    with pytest.raises(SeedError) as caught:
        read_seed(path)
    error = caught.value
    if isinstance(error, SeedErrors):
        assert len(error.errors) == 1, error.message
        return error.errors[0]
    return error


def test_the_shipped_seed_is_valid() -> None:
    seed = read_seed(seed_path())
    assert len(seed.document.models) > 90
    assert len(seed.sha256) == 64


def test_a_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        "    publisher: acme\n    source: test-source\n    offerings:",
        "    publisher: [acme\n    source: test-source\n    offerings:",
    )
    error = only_error(path)
    assert error.path == str(path)
    assert error.line is not None and error.line >= line_of(text, "publisher: [acme")
    assert "invalid YAML" in error.message


def test_an_unknown_field_names_line_and_field(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path, "        endpoint: databricks-new-model", "        endpont: databricks-new-model"
    )
    error = only_error(path)
    assert error.line == line_of(text, "endpont:")
    assert error.field == "models[1].offerings[0].endpont"
    assert error.message.startswith(f"{path}:{error.line}: models[1].offerings[0].endpont")


def test_a_bad_date_names_line_and_field(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "on: 2025-04-30", "on: 2025-04-31")
    error = only_error(path)
    assert error.line == line_of(text, "on: 2025-04-31")
    assert error.field == "models[0].offerings[0].lifecycle.retires.on"


def test_a_bad_meaning_lists_the_choices(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "meaning: last", "meaning: lastish")
    error = only_error(path)
    assert error.field == "models[0].offerings[0].lifecycle.retires.meaning"
    assert "'last'" in error.message and "'gone'" in error.message


def test_an_undated_lifecycle_must_say_active_or_unknown(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        "        lifecycle: {basis: active, source: test-source}",
        "        lifecycle: {source: test-source}",
    )
    error = only_error(path)
    assert error.line == line_of(text, "lifecycle: {source: test-source}")
    assert "never silently active" in error.message


def test_an_unknown_replacement_model_is_refused(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "model: New Model", "model: Missing Model")
    error = only_error(path)
    assert error.line == line_of(text, "model: Missing Model")
    assert error.field == "models[0].offerings[0].replaced_by[0].model"
    assert "unknown model 'Missing Model'" in error.message


def test_an_unknown_source_is_refused(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "source: test-recalled}", "source: nowhere}")
    error = only_error(path)
    assert "unknown source 'nowhere'" in error.message
    assert error.field == "models[0].offerings[0].replaced_by[0].source"


def test_a_duplicate_model_name_is_refused_whatever_its_case(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "  - name: acme-chat", "  - name: NEW model")
    error = only_error(path)
    assert error.line == line_of(text, "name: NEW model")
    assert "duplicate name 'NEW model'" in error.message


def test_an_alias_that_repeats_a_model_name_is_refused(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path, "{name: Gammal Modell, kind: translated}", "{name: new-model, kind: translated}"
    )
    error = only_error(path)
    assert "repeats a model name or alias" in error.message


def test_a_replacement_cycle_is_refused(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path,
        "        lifecycle: {basis: active, source: test-source}",
        "        lifecycle: {basis: active, source: test-source}\n"
        "        replaced_by:\n          - {model: Old Model, source: test-source}",
    )
    error = only_error(path)
    assert "replacement cycle" in error.message
    assert "Old Model -> New Model -> Old Model" in error.message or (
        "New Model -> Old Model -> New Model" in error.message
    )


def test_a_replacement_without_an_offering_there_is_refused(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path,
        "{model: New Model, source: test-recalled}",
        "{model: New Model, provider: openai, source: test-recalled}",
    )
    error = only_error(path)
    assert "has no pay_per_token offering at openai" in error.message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("model: New Model", "model: Missing Model").replace(
        "source: test-recalled}", "source: nowhere}"
    )
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedErrors) as caught:
        read_seed(path)
    assert len(caught.value.errors) == 2
    assert len(caught.value.message.splitlines()) == 2


def test_a_missing_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read the seed file"):
        read_seed(tmp_path / "absent.yaml")


def test_an_alias_without_a_name_names_the_alias_not_the_union(tmp_path: Path) -> None:
    path, text = broken(tmp_path, "{name: Gammal Modell, kind: translated}", "{kind: translated}")
    with pytest.raises(SeedErrors) as caught:
        read_seed(path)
    fields = {e.field for e in caught.value.errors}
    assert "models[0].aliases[0].name" in fields
    assert all("AliasEntry" not in (f or "") and "str" not in (f or "") for f in fields)
    assert {e.line for e in caught.value.errors} == {line_of(text, "{kind: translated}")}


ACME_CHAT_OFFERINGS = (
    "  - name: acme-chat\n    publisher: acme\n    source: test-source\n    offerings:"
)


def test_a_version_whose_shape_the_model_does_not_declare_is_refused(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        ACME_CHAT_OFFERINGS,
        "  - name: acme-chat\n    publisher: acme\n    source: test-source\n"
        "    version_shapes: [mmdd]\n"
        "    versions:\n      - {version: '2024-01-01', shape: date, source: test-source}\n"
        "    offerings:",
    )
    error = only_error(path)
    assert "does not declare version shape date" in error.message
    assert error.line == line_of(text, "version: '2024-01-01'")


def test_a_version_that_does_not_fit_its_shape_is_refused(tmp_path: Path) -> None:
    path, _text = broken(
        tmp_path,
        ACME_CHAT_OFFERINGS,
        "  - name: acme-chat\n    publisher: acme\n    source: test-source\n"
        "    version_shapes: [mmdd]\n"
        "    versions:\n      - {version: '613', source: test-source}\n"
        "    offerings:",
    )
    error = only_error(path)
    assert "'613' is not a mmdd version" in error.message
    assert error.field == "models[2].versions[0].version"


def test_a_name_form_needs_a_name_group_and_one_provider(tmp_path: Path) -> None:
    path, _text = broken(
        tmp_path,
        "models:\n",
        "name_forms:\n"
        "  - {provider: openai, pattern: 'oa/(.+)', tool: T, source: test-source}\n"
        "  - {provider: openai, outside: Elsewhere, prefix: 'x/', tool: T, source: test-source}\n"
        "models:\n",
    )
    with pytest.raises(SeedErrors) as caught:
        read_seed(path)
    messages = [e.message for e in caught.value.errors]
    assert any("needs a group `(?P<name>...)`" in m for m in messages)
    assert any("exactly one of `provider`" in m for m in messages)


def test_a_name_form_of_an_unknown_provider_is_refused(tmp_path: Path) -> None:
    path, _text = broken(
        tmp_path,
        "models:\n",
        "name_forms:\n  - {provider: nobody, prefix: 'nb/', tool: T, source: test-source}\nmodels:\n",
    )
    error = only_error(path)
    assert error.message.endswith("unknown provider 'nobody'")
    assert error.field == "name_forms[0].provider"


def test_a_publishers_own_provider_must_be_a_catalog_provider(tmp_path: Path) -> None:
    path, text = broken(
        tmp_path,
        "  - {slug: acme, name: Acme}",
        "  - {slug: acme, name: Acme, own_provider: acme-api}",
    )
    error = only_error(path)
    assert error.message.endswith("unknown provider 'acme-api'")
    assert error.field == "publishers[0].own_provider"
    assert error.line == line_of(text, "own_provider: acme-api")


def test_a_publishers_own_provider_is_read(tmp_path: Path) -> None:
    path, _ = broken(
        tmp_path,
        "  - {slug: acme, name: Acme}",
        "  - {slug: acme, name: Acme, own_provider: openai}",
    )
    (publisher,) = read_seed(path).document.publishers
    assert publisher.own_provider == "openai"
