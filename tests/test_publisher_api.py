"""A bare name that several providers serve reads as the publisher's own API, through every face.

`gpt-4o` is at `openai` and `azure-openai`; OpenAI names `openai` as its own API in the seed, so
a bare `gpt-4o` reads as OpenAI's, says so (`provider_rule`), lists Azure's offering as a
candidate and warns when Azure's is retired, deprecated or retiring. A provider (argument or
form) decides as before; `strict_provider` keeps the old `ambiguous`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from catalog import Catalog, Resolution
from catalog.cli.app import main
from catalog.core.lifecycle import retired_from, status_on
from catalog.core.names import name_key
from catalog.core.records import ModelRec, OfferingRec, ProviderRec, PublisherRec, SourceRec
from catalog.core.resolver import resolve
from catalog.core.snapshot import Snapshot
from catalog.schemas import OfferingInfo
from catalog.vocabulary import (
    LifecycleBasis,
    OfferingStatus,
    ResolutionStatus,
    ServingMode,
    Task,
)

from api_support import make_api

TODAY = dt.date(2026, 11, 24)
WINDOW = 90


def codes(result: Resolution) -> list[str]:
    return [w.code for w in result.warnings]


def offering_at(catalog: Catalog, model: str, provider: str) -> OfferingInfo:
    (found,) = [o for o in catalog.model(model).offerings if o.provider == provider]
    return found


def quiet_day(catalog: Catalog, model: str, provider: str) -> dt.date:
    """A day when `model` at `provider` is neither deprecated nor within the warning window."""
    life = offering_at(catalog, model, provider).lifecycle
    assert life.retired_from is not None
    day = life.retired_from - dt.timedelta(days=WINDOW + 1)
    assert life.deprecated_on is None or life.deprecated_on > day
    return day


# -- the library ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "model", "own", "other"),
    [
        ("gpt-4o", "gpt-4o", "openai", "azure-openai"),
        ("text-embedding-3-large", "text-embedding-3-large", "openai", "azure-openai"),
        ("j2-mid", "j2-mid", "ai21labs", "amazon-bedrock"),
    ],
)
def test_a_bare_name_at_two_providers_reads_as_the_publishers_own_api(
    catalog: Catalog, name: str, model: str, own: str, other: str
) -> None:
    result = catalog.resolve(name, as_of="2024-06-01")
    assert result.status == "ok"
    assert (result.matched, result.provider) == (model, own)
    assert result.provider_rule == "publisher_api"
    assert [(c.model, c.provider) for c in result.candidates] == [(model, other)]
    assert result.candidates[0].decided_by == {"provider": other}
    assert "publisher_api" in codes(result)


def test_the_other_candidate_carries_its_own_status_on_the_date(catalog: Catalog) -> None:
    azure = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle
    assert azure.retired_from is not None
    result = catalog.resolve("gpt-4o", as_of=azure.retired_from)
    (candidate,) = result.candidates
    assert candidate.status == "retired"
    earlier = catalog.resolve("gpt-4o", as_of=quiet_day(catalog, "gpt-4o", "azure-openai"))
    assert earlier.candidates[0].status != "retired"


def test_a_retired_offering_at_the_other_provider_is_a_warning(catalog: Catalog) -> None:
    azure = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle
    assert azure.retired_from is not None
    openai = offering_at(catalog, "gpt-4o", "openai").lifecycle
    assert openai.retired_from is None or openai.retired_from > azure.retired_from
    result = catalog.resolve("gpt-4o", as_of=azure.retired_from)
    assert (result.status, result.provider) == ("ok", "openai")
    (warning,) = [w for w in result.warnings if w.code == "other_provider"]
    assert "azure-openai" in warning.message
    assert f"retired since {azure.retired_from}" in warning.message
    assert warning.options == {"provider": "azure-openai"}
    # The name it suggests really reads as Azure's offering.
    written = warning.message.split("name the provider (")[1].split(")")[0]
    assert catalog.resolve(written, as_of=azure.retired_from).chain[0].provider == "azure-openai"


def test_an_other_provider_retiring_within_the_window_is_a_warning(catalog: Catalog) -> None:
    azure = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle
    assert azure.retired_from is not None
    day = azure.retired_from - dt.timedelta(days=10)
    result = catalog.resolve("gpt-4o", as_of=day, within_days=WINDOW)
    (warning,) = [w for w in result.warnings if w.code == "other_provider"]
    assert f"{azure.retired_from}" in warning.message and "in 10 days" in warning.message


def test_no_warning_while_the_other_provider_is_fine(catalog: Catalog) -> None:
    day = quiet_day(catalog, "gpt-4o", "azure-openai")
    result = catalog.resolve("gpt-4o", as_of=day, within_days=WINDOW)
    assert result.provider_rule == "publisher_api"
    assert "other_provider" not in codes(result)


@pytest.mark.parametrize("name", ["gpt-4o", "j2-mid", "gpt-4o-2024-08-06"])
def test_strict_provider_keeps_a_bare_name_ambiguous(catalog: Catalog, name: str) -> None:
    result = catalog.resolve(name, as_of=TODAY, strict_provider=True)
    assert result.status == "ambiguous"
    assert result.provider_rule is None
    assert len({c.provider for c in result.candidates}) == 2
    assert result.request.strict_provider is True


@pytest.mark.parametrize(("name", "provider"), [("azure/gpt-4o", None), ("gpt-4o", "azure-openai")])
def test_a_provider_given_decides_as_before(
    catalog: Catalog, name: str, provider: str | None
) -> None:
    for strict in (False, True):
        result = catalog.resolve(
            name, provider=provider, as_of="2025-06-01", strict_provider=strict
        )
        assert (result.status, result.provider) == ("ok", "azure-openai")
        assert result.provider_rule is None and result.candidates == []


def test_a_version_goes_through_the_same_rule(catalog: Catalog) -> None:
    """`gpt-4o-2024-08-06` reads as OpenAI's version; Azure's candidate has its version's status."""
    model = catalog.model("gpt-4o")
    (azure_version,) = [
        v for v in model.versions if v.provider == "azure-openai" and v.version == "2024-08-06"
    ]
    assert azure_version.lifecycle is not None and azure_version.lifecycle.retired_from
    day = azure_version.lifecycle.retired_from
    result = catalog.resolve("gpt-4o-2024-08-06", as_of=day)
    assert (result.provider, result.version, result.provider_rule) == (
        "openai",
        "2024-08-06",
        "publisher_api",
    )
    (candidate,) = result.candidates
    assert (candidate.provider, candidate.status) == ("azure-openai", "retired")
    assert any(w.code == "other_provider" and str(day) in w.message for w in result.warnings)


def test_a_version_only_one_provider_lists_stays_there(catalog: Catalog) -> None:
    result = catalog.resolve("gpt-35-turbo-0613", as_of="2024-06-01")
    assert (result.provider, result.provider_rule) == ("azure-openai", None)


def test_resolve_many_passes_strict_provider(catalog: Catalog) -> None:
    loose, strict = (
        catalog.resolve_many(["gpt-4o"], as_of=TODAY, strict_provider=flag)[0]
        for flag in (False, True)
    )
    assert (loose.status, strict.status) == ("ok", "ambiguous")


def test_strict_provider_must_be_a_boolean(catalog: Catalog) -> None:
    from catalog import InvalidArgument

    with pytest.raises(InvalidArgument, match="strict_provider"):
        catalog.resolve("gpt-4o", strict_provider="false")  # type: ignore[arg-type]


# -- records: the rule is data ----------------------------------------------------------------

SOURCE = SourceRec(key="s", title="A source", verified=True)
ACTIVE = {"lifecycle_basis": LifecycleBasis.active}


def two_provider_snapshot(
    own_provider: str | None, places: tuple[tuple[str, Task], ...] = ()
) -> Snapshot:
    places = places or (("first", Task.chat), ("second", Task.chat))
    offerings = tuple(
        OfferingRec(
            model="m", provider=p, mode=ServingMode.external, task=t, source=SOURCE, **ACTIVE
        )
        for p, t in places
    )
    model = ModelRec(
        name="m", key=name_key("m"), publisher="pub", source=SOURCE, offerings=offerings
    )
    return Snapshot.build(
        revision=1,
        models=[model],
        providers=[ProviderRec(slug=p, name=p.title(), source=SOURCE) for p in ("first", "second")],
        publishers=[PublisherRec(slug="pub", name="Pub", own_provider=own_provider)],
    )


@pytest.mark.parametrize("own", [None, "elsewhere"])
def test_a_name_at_two_providers_none_of_them_the_publishers_stays_ambiguous(
    own: str | None,
) -> None:
    result = resolve(two_provider_snapshot(own), "m", as_of=TODAY)
    assert result.status == "ambiguous"
    assert result.provider_rule is None
    assert {c.provider for c in result.candidates} == {"first", "second"}


def test_two_tasks_at_the_publishers_provider_leave_the_choice_open() -> None:
    places = (("first", Task.chat), ("second", Task.chat), ("second", Task.completions))
    snapshot = two_provider_snapshot("second", places)
    result = resolve(snapshot, "m", as_of=TODAY)
    assert (result.status, result.provider_rule, len(result.candidates)) == ("ambiguous", None, 3)
    chat = resolve(snapshot, "m", as_of=TODAY, task=Task.chat)
    assert (chat.status, chat.provider, chat.provider_rule) == ("ok", "second", "publisher_api")


def test_the_publisher_naming_one_of_them_decides() -> None:
    result = resolve(two_provider_snapshot("second"), "m", as_of=TODAY)
    assert (result.status, result.provider, result.provider_rule) == (
        "ok",
        "second",
        "publisher_api",
    )
    assert [c.provider for c in result.candidates] == ["first"]


# -- the CLI ----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_cli_resolve_says_the_provider_rule_and_lists_the_other(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "resolve", "gpt-4o", "--as-of", "2024-06-01", "--database-url", seeded_url
    )
    assert code == 0
    assert out.startswith("ok: ")
    assert "  provider: openai, the publisher's own API" in out
    assert "  also at: gpt-4o at azure-openai" in out


def test_cli_resolve_strict_provider_is_ambiguous(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("resolve", "gpt-4o", "--strict-provider", "--database-url", seeded_url, "--json")
    code, out = run(capsys, *args)
    assert code == 1
    assert json.loads(out)["status"] == "ambiguous"


def test_cli_resolve_with_a_provider_is_azure(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--provider", "azure-openai", "--as-of", "2025-06-01", "--json")
    code, out = run(capsys, "resolve", "gpt-4o", *args, "--database-url", seeded_url)
    body = json.loads(out)
    assert (code, body["provider"], body["provider_rule"]) == (0, "azure-openai", None)


def test_cli_show_says_what_a_bare_name_reads_as(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "show", "gpt-4o", "--database-url", seeded_url)
    assert code == 0
    assert "written with no provider, gpt-4o reads as openai" in out
    assert "- azure-openai external chat" in out  # every offering is still shown


# -- the API ----------------------------------------------------------------------------------


def test_api_resolve_matches_the_library_and_takes_strict_provider(catalog: Catalog) -> None:
    api = make_api(catalog)
    body = api.get("/v1/resolve", params={"model": "gpt-4o", "as_of": "2024-06-01"}).json()
    assert body == catalog.resolve("gpt-4o", as_of="2024-06-01").model_dump(mode="json")
    assert (body["provider"], body["provider_rule"]) == ("openai", "publisher_api")
    strict = api.get(
        "/v1/resolve", params={"model": "gpt-4o", "as_of": "2024-06-01", "strict_provider": "true"}
    ).json()
    assert strict["status"] == "ambiguous"
    batch = api.post(
        "/v1/resolve", json={"models": ["gpt-4o"], "as_of": "2024-06-01", "strict_provider": True}
    ).json()
    assert batch["data"][0]["status"] == "ambiguous"


# -- the check --------------------------------------------------------------------------------


def check(
    capsys: pytest.CaptureFixture[str], url: str, root: Path, day: dt.date, *args: str
) -> tuple[int, dict[str, object]]:
    code, out = run(
        capsys,
        "check",
        str(root),
        "--database-url",
        url,
        "--as-of",
        str(day),
        "--format",
        "json",
        "--no-config",
        *args,
    )
    return code, json.loads(out)


def test_check_reads_a_bare_name_as_the_publishers_api_and_warns_of_the_other(
    seeded_url: str, catalog: Catalog, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """On the day Azure's gpt-4o is gone and OpenAI's is still fine, a bare gpt-4o is an
    `other_provider` warning: it does not fail the default check, and does fail at
    `--fail-on deprecated`."""
    azure = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle
    assert azure.retired_from is not None
    day = azure.retired_from
    openai = next(
        o for o in catalog.snapshot().by_exact_name["gpt-4o"].offerings if o.provider == "openai"
    )
    assert status_on(openai, day) is OfferingStatus.active
    assert retired_from(openai) is None or (retired_from(openai) - day).days > WINDOW  # type: ignore[operator]
    (tmp_path / "app.py").write_text('MODEL = "gpt-4o"\n', encoding="utf-8")
    code, report = check(capsys, seeded_url, tmp_path, day)
    (finding,) = report["findings"]  # type: ignore[misc]
    assert (finding["level"], finding["provider"]) == ("other_provider", "openai")
    assert f"retired since {day}" in finding["message"] and "azure-openai" in finding["message"]
    assert code == 0
    code, _ = check(capsys, seeded_url, tmp_path, day, "--fail-on", "deprecated")
    assert code == 1


def test_check_strict_provider_reads_a_bare_name_as_every_provider(
    seeded_url: str, catalog: Catalog, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    azure = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle
    assert azure.retired_from is not None
    (tmp_path / "app.py").write_text('MODEL = "gpt-4o"\n', encoding="utf-8")
    _, report = check(
        capsys, seeded_url, tmp_path, azure.retired_from, "--strict-provider", "--show-ok"
    )
    (finding,) = report["findings"]  # type: ignore[misc]
    assert finding["status"] == "ambiguous"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.model-catalog]\nstrict-provider = true\n", encoding="utf-8"
    )
    _, out = run(
        capsys,
        "check",
        str(tmp_path / "app.py"),
        "--database-url",
        seeded_url,
        "--as-of",
        str(azure.retired_from),
        "--format",
        "json",
        "--show-ok",
    )
    assert json.loads(out)["findings"][0]["status"] == "ambiguous"


def test_check_config_refuses_a_strict_provider_that_is_not_a_boolean(tmp_path: Path) -> None:
    from catalog import InvalidArgument
    from catalog.check.config import load_config

    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.model-catalog]\nstrict-provider = "yes"\n', encoding="utf-8")
    with pytest.raises(InvalidArgument, match="strict-provider"):
        load_config(path)


def test_check_fix_leaves_a_bare_name_and_fixes_the_same_name_with_its_provider(
    seeded_url: str, catalog: Catalog, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A bare name may be an Azure deployment: --fix never rewrites one the publisher rule
    read, and says why; written with its provider, the same name is fixed."""
    gone = offering_at(catalog, "gpt-4", "openai").lifecycle.retired_from
    assert gone is not None
    day = gone + dt.timedelta(days=1)
    provided = catalog.resolve("openai:gpt-4", as_of=day)
    assert provided.status is ResolutionStatus.replaced
    source = tmp_path / "app.py"
    source.write_text('BARE = "gpt-4"\nPROVIDED = "openai:gpt-4"\n', encoding="utf-8")
    _, report = check(capsys, seeded_url, tmp_path, day)
    bare = next(f for f in report["findings"] if f["text"] == "gpt-4")  # type: ignore[attr-defined]
    assert bare["fix"] is None and "not fixed automatically" in bare["fix_note"]
    check(capsys, seeded_url, tmp_path, day, "--fix")
    lines = source.read_text(encoding="utf-8").splitlines()
    assert lines[0] == 'BARE = "gpt-4"'
    assert lines[1] != 'PROVIDED = "openai:gpt-4"' and (provided.model or "") in lines[1]


def test_check_text_keeps_its_columns_with_the_longer_level(
    seeded_url: str, catalog: Catalog, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`other_provider` is longer than the other levels: the text report widens the level
    column for every line, so names and messages still start in one column."""
    day = offering_at(catalog, "gpt-4o", "azure-openai").lifecycle.retired_from
    assert day is not None
    (tmp_path / "app.py").write_text(
        'A = "gpt-4o"\nB = "azure/gpt-4o"\nC = "openai:gpt-4o"\n', encoding="utf-8"
    )
    _, out = run(
        capsys,
        "check",
        str(tmp_path),
        "--database-url",
        seeded_url,
        "--as-of",
        str(day),
        "--show-ok",
        "--no-config",
    )
    rows = [line for line in out.splitlines() if line.startswith("  ") and ": " in line]
    levels = [row.split()[1] for row in rows]
    assert "other_provider" in levels and len(set(levels)) >= 2
    starts = {
        row.index(name) for row, name in zip(rows, ("gpt-4o", "azure/", "openai:"), strict=True)
    }
    assert len(starts) == 1, out
