"""Generated YAML, hostile on purpose (aliases, anchors, tags, merge keys, deep nesting, stray
bytes), fed to the seed reader: it answers with a seed or a `SeedError`, within a time and
memory bound, and never with another exception."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.errors import SeedError
from catalog.seed.file import read_seed

from conftest import TEST_DATA

TIME_BOUND_S = 3.0
MEMORY_BOUND = 64 * 1024 * 1024

words = st.sampled_from(
    ["sources", "models", "name", "key", "lol", "2025-04-31", "9999-12-31", "~", "yes", "1e9"]
)
scalars = st.one_of(
    words,
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    st.sampled_from(['"\\0"', '"\\e[2J"', "'\u202e'", '"\\x00"', "!!binary AAAA"]),
)
anchors = st.sampled_from(["a", "b", "c"])
tags = st.sampled_from(["!!python/object/apply:os.system", "!custom", "!!str", "!!map", "!"])


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(words, children), max_size=5).map(
            lambda kvs: "{" + ", ".join(f"{k}: {v}" for k, v in kvs) + "}"
        ),
        st.tuples(anchors, children).map(lambda av: f"&{av[0]} {av[1]}"),
        anchors.map(lambda a: f"*{a}"),
        st.tuples(tags, children).map(lambda tv: f"{tv[0]} {tv[1]}"),
        children.map(lambda v: "{<<: " + v + "}"),
    )


nodes = st.recursive(scalars, _wrap, max_leaves=40)
documents = st.one_of(
    st.lists(st.tuples(words, nodes), min_size=1, max_size=6).map(
        lambda kvs: "".join(f"{k}: {v}\n" for k, v in kvs)
    ),
    st.integers(1, 200_000).map(lambda n: "[" * n + "]" * (n % 3)),
    st.integers(1, 40).map(
        lambda n: (
            "a0: &a0 [lol, lol, lol]\n"
            + "".join(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}]\n" for i in range(1, n))
        )
    ),
    st.binary(max_size=512).map(lambda b: b.decode("latin-1")),
    nodes.map(lambda v: TEST_DATA.joinpath("mini_seed.yaml").read_text() + f"extra: {v}\n"),
)


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(documents)
def test_generated_yaml_gets_a_seed_or_a_seed_error_within_bounds(
    tmp_path: Path, document: str
) -> None:
    path = tmp_path / "generated.yaml"
    path.write_bytes(document.encode("utf-8", "surrogatepass"))
    tracemalloc.start()
    started = time.perf_counter()
    try:
        read_seed(path)
    except SeedError as error:
        assert error.path == str(path)
        assert "\n" not in error.message or all(
            line.startswith(str(path)) for line in error.message.splitlines()
        )
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < TIME_BOUND_S
    assert peak < MEMORY_BOUND
