"""Names that are not what they look like, names built to be slow, names that drive terminals.

A name only matches a listed model when it folds (NFKC, case, separators) to the same key;
a look-alike letter from another script, a stray byte or a NUL never does. A name past the
cap is refused at once; below it, resolving stays fast.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import Catalog
from catalog.cli.app import main
from catalog.cli.render import terminal_safe
from catalog.core.names import MAX_NAME_LENGTH, name_key
from catalog.errors import InvalidArgument


@pytest.mark.parametrize(
    "look_alike",
    [
        "gpt-4\u043e",  # Cyrillic small letter o
        "g\u0440t-4o",  # Cyrillic er, looks like p
        "gpt\xff-4o",
        "gpt-4o\u200b",  # zero-width space
        "gpt\u202e-4o",  # right-to-left override
    ],
)
def test_a_look_alike_never_resolves_to_the_real_model(catalog: Catalog, look_alike: str) -> None:
    assert catalog.resolve("gpt-4o", provider="openai").status.value == "ok"
    result = catalog.resolve(look_alike, provider="openai")
    assert result.rule is None or result.rule.value not in ("listed", "alias")
    assert result.model != "gpt-4o" or result.rule.value == "custom"  # type: ignore[union-attr]
    assert catalog.resolve(look_alike).status.value == "unknown"


@pytest.mark.parametrize("name", ["gpt-4o\0", "gpt-4o\x1b[2J", "\x07gpt-4o", "gpt\x7f-4o"])
def test_a_control_character_in_a_name_is_refused(catalog: Catalog, name: str) -> None:
    with pytest.raises(InvalidArgument, match="control character") as caught:
        catalog.resolve(name)
    assert caught.value.field == "name"
    with pytest.raises(InvalidArgument):
        catalog.model(name)


def test_compatibility_forms_fold_to_the_same_name(catalog: Catalog) -> None:
    assert name_key("ｇｐｔ－４ｏ") == "gpt-4o"  # full-width forms
    result = catalog.resolve("ＧＰＴ－４ｏ", provider="openai")
    assert result.status.value == "ok" and result.model == "gpt-4o"


def test_a_name_past_the_cap_is_refused_at_once(catalog: Catalog) -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidArgument, match=f"at most {MAX_NAME_LENGTH} characters"):
        catalog.resolve("a" * 1_000_000)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "unit", ["a-", "1-", "meta-llama-", "-2024-01-01", "gpt-4o-", "a/", "ｇｐｔ－４ｏ", "x"]
)
def test_names_at_the_cap_resolve_quickly(catalog: Catalog, unit: str) -> None:
    """The worst shapes found (many dashes feed the prefix and suffix rules): ~40 ms at the cap."""
    name = (unit * MAX_NAME_LENGTH)[:MAX_NAME_LENGTH]
    for serving_mode in (None, "provisioned_throughput"):
        started = time.perf_counter()
        catalog.resolve(name, serving_mode=serving_mode)
        assert time.perf_counter() - started < 1.0


def test_the_cli_prints_a_name_escaped_never_as_a_terminal_sequence(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "evil\u202e\u200bname"  # accepted as a name (no C0 control), shown escaped
    code = main(["resolve", name, "--database-url", seeded_url])
    out = capsys.readouterr().out
    assert code == 1 and "\u202e" not in out and "\\u202e" in out
    code = main(["resolve", "x\x1b[2Jy", "--database-url", seeded_url])
    err = capsys.readouterr().err
    assert code == 2 and "\x1b" not in err


def test_terminal_safe_escapes_controls_and_keeps_text() -> None:
    assert terminal_safe("a\x1b[31mb\tc\nd") == "a\\x1b[31mb\tc\nd"
    assert terminal_safe("\x9b\u202e\ufeffé") == "\\x9b\\u202e\\ufeffé"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=0, max_size=MAX_NAME_LENGTH + 8))
def test_any_unicode_name_gets_an_answer_or_a_clear_refusal(catalog: Catalog, name: str) -> None:
    """Generated names: a Resolution or InvalidArgument, quickly; a match only on an equal key."""
    started = time.perf_counter()
    try:
        result = catalog.resolve(name)
    except InvalidArgument as error:
        assert error.field == "name"
        return
    finally:
        assert time.perf_counter() - started < 1.0
    if result.rule is not None and result.rule.value in ("listed", "alias"):
        snapshot = catalog.snapshot()
        assert name_key(name) in snapshot.by_name or name_key(name) in snapshot.by_alias


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=64))
def test_name_keys_are_idempotent_and_never_lose_a_letter(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    letters = [c for c in key if c.isalnum()]
    assert len(letters) >= sum(1 for c in text if c.isascii() and c.isalnum())


def test_json_output_escapes_controls_and_stays_valid_json(
    seeded_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    name = "evil\u202e\u00adname"
    main(["resolve", name, "--json", "--database-url", seeded_url])
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\u00ad" not in out
    assert name in json.dumps(json.loads(out), ensure_ascii=False)
