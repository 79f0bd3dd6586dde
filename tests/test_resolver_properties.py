"""Property tests of the resolver on generated catalogs: random names, dates and replacement graphs.

The catalogs are built from records, without a database, so they may hold what the seed loader
refuses (replacement cycles, dead ends, self-loops): the resolver must still answer sensibly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st

from catalog.core.lifecycle import retired_from, status_on
from catalog.core.lookup import find_model
from catalog.core.names import name_key
from catalog.core.records import (
    ArchitectureRec,
    ModelRec,
    OfferingRec,
    ProviderRec,
    PublisherRec,
    ReplacementRec,
    SourceRec,
)
from catalog.core.resolver import resolve
from catalog.core.snapshot import Snapshot
from catalog.schemas import Resolution
from catalog.vocabulary import (
    AliasKind,
    DateMeaning,
    LifecycleBasis,
    OfferingStatus,
    ProviderRule,
    ResolutionStatus,
    Rule,
    ServingMode,
    Task,
)

RETIRED = OfferingStatus.retired
ONE_DAY = dt.timedelta(days=1)
WINDOW = (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
# No "explain" phase: it traces every line of the shrunk example and takes minutes on catalogs.
PHASES = tuple(phase for phase in Phase if phase is not Phase.explain)
PROPERTY = settings(max_examples=200, deadline=None, phases=PHASES)
TARGETED = settings(max_examples=100, deadline=None, phases=PHASES)  # narrower inputs
RESOLVE_TIME_LIMIT = 2.0  # seconds: a resolver that loops fails instead of hanging the run

VERIFIED = SourceRec(key="verified", title="Verified facts", verified=True)
RECALLED = SourceRec(key="recalled", title="Recalled facts", verified=False)
PUBLISHER = PublisherRec(slug="acme", name="Acme")

# Few tokens, so that generated names collide under name_key or nearly do
# (`gpt-3.5` / `gpt-35`, `Llama 3` / `llama-3`), and some end like dated variants.
TOKENS = ("gpt", "GPT", "llama", "Llama", "bge", "dbrx", "4o", "3", "3.5", "35", "70b")
TOKENS += ("instruct", "mini", "large", "en", "0613", "latest", "v1", "2024-08-06")
SEPARATORS = ("-", " ", "_", ".")
PROVIDER_SLUGS = ("openai", "amazon-bedrock", "databricks", "anthropic", "azure-openai")
ARCHITECTURE_NAMES = ("llama", "Llama 3", "bge", "mixtral")
SUFFIXES = ("-2024-01-01", "-20240101", "-08-2024", "@003", "-0613", "-002", "-v1:0", "-v2")
SUFFIXES += ("-latest", "-preview", "-030424", " 2", "x")
MANGLES: tuple[Callable[[str], str], ...] = (
    str.upper,
    str.swapcase,
    lambda s: s.replace("-", " "),
    lambda s: s.replace("-", "_").replace(" ", "."),
    lambda s: f"  {s} ",
    lambda s: s[:-1],
)
FOREIGN = ProviderRec(slug="nowhere", name="Nowhere", source=VERIFIED)
FOREIGN_CUSTOM = ProviderRec(
    slug="finetunes", name="Finetunes", source=VERIFIED, custom_tasks=(Task.chat, Task.embeddings)
)

# -- generating catalogs ----------------------------------------------------------------------

# Strategies are built once, here: building them inside the composites costs more than drawing.
window_dates = st.dates(min_value=WINDOW[0], max_value=WINDOW[1])
picks = st.integers(min_value=0, max_value=63)  # an index into a list only known while drawing
sources = st.sampled_from([VERIFIED, RECALLED])
modes = st.sampled_from(ServingMode)
tasks = st.sampled_from(Task)
task_sets = st.lists(tasks, min_size=1, unique=True).map(tuple)
model_names = st.builds(
    lambda tokens, separator: separator.join(tokens),
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=3),
    st.sampled_from(SEPARATORS),
)


def pick(draw: st.DrawFn, options: list[Any]) -> Any:
    return options[draw(picks) % len(options)]


@st.composite
def lifecycle_fields(draw: st.DrawFn) -> dict[str, Any]:
    """The lifecycle fields of one offering: a dated retirement, or a basis, or nothing."""
    kind = draw(st.sampled_from(["dated", "dated", "active", "unknown", "none"]))
    fields: dict[str, Any] = {}
    if kind == "dated":
        fields["retires_on"] = draw(window_dates)
        fields["retires_meaning"] = draw(st.sampled_from(DateMeaning))
        fields["retires_source"] = draw(sources)
    elif kind != "none":
        fields["lifecycle_basis"] = LifecycleBasis(kind)
    if draw(st.booleans()):
        fields["deprecated_on"] = draw(window_dates)
    return fields


lifecycles = lifecycle_fields()
offering_places = st.lists(st.tuples(picks, modes, tasks), min_size=1, max_size=3)
# The kinds the resolver treats specially (a Bedrock id, an endpoint name) come up more often.
alias_kinds = st.sampled_from([AliasKind.prefixed, AliasKind.endpoint]) | st.sampled_from(AliasKind)
alias_lists = st.lists(st.tuples(model_names, alias_kinds), max_size=1)
# Where a replacement link points: an offering that exists (the offering itself included), a
# listed model at a place where it may have no offering, or a name the catalog does not have.
target_kinds = st.sampled_from(["existing", "existing", "listed", "unlisted"])
link_counts = st.sampled_from([0, 1, 1, 2])
# Few distinct dates, so that links often take effect the same day and compete.
link_dates = st.none() | st.sampled_from([dt.date(2024, 7, 1), dt.date(2025, 7, 1)]) | window_dates


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    slugs = draw(st.lists(st.sampled_from(PROVIDER_SLUGS), min_size=1, max_size=3, unique=True))
    custom_at = draw(st.none() | st.sampled_from(PROVIDER_SLUGS))
    providers = [
        ProviderRec(
            slug=slug,
            name=slug.replace("-", " ").title(),
            source=VERIFIED,
            custom_tasks=draw(task_sets) if slug == custom_at else (),
        )
        for slug in slugs
    ]
    arch_names = draw(st.lists(st.sampled_from(ARCHITECTURE_NAMES), max_size=2, unique_by=name_key))
    architectures = [
        ArchitectureRec(
            name=arch,
            key=name_key(arch),
            publisher=PUBLISHER.slug,
            source=VERIFIED,
            tasks=draw(task_sets),
        )
        for arch in arch_names
    ]

    names = draw(st.lists(model_names, min_size=1, max_size=25, unique_by=name_key))
    alias_keys: set[str] = set()
    endpoint_keys: set[str] = set()
    drafts = []
    for name in names:
        aliases = []
        for alias, kind in draw(alias_lists):
            if name_key(alias) not in alias_keys:
                alias_keys.add(name_key(alias))
                aliases.append((alias, kind.value))
        places = {(slugs[i % len(slugs)], mode, task) for i, mode, task in draw(offering_places)}
        offerings = []
        for provider, mode, task in sorted(places):
            fields: dict[str, Any] = {
                "model": name,
                "provider": provider,
                "mode": mode,
                "task": task,
                "source": VERIFIED,
                **draw(lifecycles),
            }
            endpoint = f"databricks-{name_key(name)}"
            if (
                mode is ServingMode.pay_per_token
                and endpoint not in endpoint_keys
                and draw(st.booleans())
            ):
                endpoint_keys.add(endpoint)
                fields["endpoint_name"] = endpoint
            offerings.append(fields)
        architecture = pick(draw, [None, *arch_names])
        drafts.append((name, offerings, tuple(aliases), architecture))

    existing = [(o["model"], o["provider"], o["mode"]) for _, offs, _, _ in drafts for o in offs]
    models = []
    for name, offerings, aliases, architecture in drafts:
        records = []
        for fields in offerings:
            links: dict[tuple[str, str, ServingMode], ReplacementRec] = {}
            for _ in range(draw(link_counts)):
                kind = draw(target_kinds)
                if kind == "existing":
                    place = pick(draw, existing)
                else:
                    model = pick(draw, names) if kind == "listed" else draw(model_names)
                    place = (model, pick(draw, [*slugs, "nowhere"]), draw(modes))
                links[place] = ReplacementRec(
                    model=place[0],
                    provider=place[1],
                    mode=place[2],
                    source=draw(sources),
                    effective_on=draw(link_dates),
                )
            records.append(OfferingRec(**fields, replacements=tuple(links.values())))
        models.append(
            ModelRec(
                name=name,
                key=name_key(name),
                publisher=PUBLISHER.slug,
                source=VERIFIED,
                offerings=tuple(records),
                aliases=aliases,
                architecture=architecture,
            )
        )
    return Snapshot.build(
        revision=1,
        models=models,
        providers=providers,
        publishers=[PUBLISHER],
        architectures=architectures,
    )


def describe(snapshot: Snapshot) -> str:
    """A compact, readable catalog, for Hypothesis's falsifying examples."""
    lines = []
    for model in snapshot.models:
        aliases = f" aliases={dict(model.aliases)}" if model.aliases else ""
        arch = f" arch={model.architecture}" if model.architecture else ""
        lines.append(f"  {model.name!r}{aliases}{arch}")
        for o in model.offerings:
            life = []
            if o.retires_on:
                life.append(f"retires {o.retires_meaning} {o.retires_on}")
            if o.lifecycle_basis:
                life.append(f"basis {o.lifecycle_basis}")
            if o.deprecated_on:
                life.append(f"deprecated {o.deprecated_on}")
            edges = [
                f"{r.model!r}@{r.provider}/{r.mode} from {r.effective_on}" for r in o.replacements
            ]
            endpoint = f" endpoint={o.endpoint_name}" if o.endpoint_name else ""
            lines.append(
                f"    @{o.provider}/{o.mode}/{o.task}{endpoint} [{', '.join(life)}]"
                + (f" -> {edges}" if edges else "")
            )
    providers = [(p.slug, [t.value for t in p.custom_tasks]) for p in snapshot.providers.values()]
    archs = [(a.name, [t.value for t in a.tasks]) for a in snapshot.architectures]
    return f"providers={providers} architectures={archs}\n" + "\n".join(lines)


class Generated:
    """A generated catalog that Hypothesis shows compactly in a falsifying example."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot

    def __repr__(self) -> str:
        return f"catalog:\n{describe(self.snapshot)}"


@st.composite
def generated_catalogs(draw: st.DrawFn) -> Generated:
    return Generated(draw(snapshots()))


catalogs = generated_catalogs()


class Ask:
    """One call of `resolve`; shown compactly, with its catalog, in a falsifying example."""

    def __init__(
        self,
        snapshot: Snapshot,
        name: str,
        task: Task | None,
        mode: ServingMode | None,
        provider: ProviderRec | None,
        as_of: dt.date | None,
        offering: OfferingRec | None = None,
    ) -> None:
        self.snapshot, self.name, self.task, self.mode = snapshot, name, task, mode
        self.provider, self.as_of = provider, as_of
        self.offering = offering  # the offering asked for, when the ask names one exactly

    def __repr__(self) -> str:
        provider = self.provider.slug if self.provider else None
        return (
            f"Ask(name={self.name!r}, task={self.task}, mode={self.mode}, "
            f"provider={provider}, as_of={self.as_of})\n{describe(self.snapshot)}"
        )

    def resolve(self) -> Resolution:
        with time_limit(RESOLVE_TIME_LIMIT):
            return resolve(
                self.snapshot,
                self.name,
                task=self.task,
                serving_mode=self.mode,
                provider=self.provider,
                as_of=self.as_of or dt.date.today(),  # the core needs a date: faces supply today
            )


def known_names(snapshot: Snapshot) -> list[str]:
    return [*model_names_of(snapshot), *aliases_of(snapshot), *endpoints_of(snapshot)]


def model_names_of(snapshot: Snapshot) -> list[str]:
    return [m.name for m in snapshot.models]


def aliases_of(snapshot: Snapshot) -> list[str]:
    return [alias for m in snapshot.models for alias, _ in m.aliases]


def endpoints_of(snapshot: Snapshot) -> list[str]:
    return [o.endpoint_name for m in snapshot.models for o in m.offerings if o.endpoint_name]


name_kinds = st.sampled_from([model_names_of, aliases_of, endpoints_of])


def known_name(draw: st.DrawFn, snapshot: Snapshot) -> str:
    """A model name, alias or endpoint name, each kind as likely as the others when there is one."""
    names = draw(name_kinds)(snapshot) or model_names_of(snapshot)
    return str(pick(draw, names))


name_forms = st.sampled_from(["known", "mangled", "suffixed", "tokens", "text"])
mangles = st.sampled_from(MANGLES)
suffixes = st.sampled_from(SUFFIXES)
free_text = st.text(max_size=24)
optional_tasks = st.none() | tasks
optional_modes = st.none() | modes
any_dates = st.none() | window_dates | st.dates()
days_after = st.integers(min_value=0, max_value=400)
around_window = st.dates(min_value=WINDOW[0] - ONE_DAY, max_value=WINDOW[1] + ONE_DAY)


def requested_name(draw: st.DrawFn, snapshot: Snapshot) -> str:
    """A listed name or alias, as given or mangled, maybe with a version suffix; or any text."""
    form = draw(name_forms)
    if form == "tokens":
        return str(draw(model_names))
    if form == "text":
        return draw(free_text)
    name = known_name(draw, snapshot)
    if form == "mangled" or (form == "suffixed" and draw(st.booleans())):
        name = draw(mangles)(name)
    return name + draw(suffixes) if form == "suffixed" else name


@st.composite
def asks(draw: st.DrawFn) -> Ask:
    snapshot = draw(snapshots())
    return Ask(
        snapshot=snapshot,
        name=requested_name(draw, snapshot),
        task=draw(optional_tasks),
        mode=draw(optional_modes),
        provider=pick(draw, [None, *snapshot.providers.values(), FOREIGN, FOREIGN_CUSTOM]),
        as_of=draw(any_dates),
    )


@st.composite
def exact_asks(draw: st.DrawFn) -> Ask:
    """An ask naming one offering exactly: its model's name, provider, mode and task; half the
    time on a date the offering is retired, the case where replacement links are followed."""
    snapshot = draw(snapshots())
    offerings = [o for m in snapshot.models for o in m.offerings]
    ending = [o for o in offerings if retired_from(o) is not None]
    if ending and draw(st.booleans()):
        offering = pick(draw, ending)
        as_of = retired_from(offering) + dt.timedelta(days=draw(days_after))
    else:
        offering, as_of = pick(draw, offerings), draw(around_window)
    return Ask(
        snapshot=snapshot,
        name=offering.model,
        task=offering.task,
        mode=offering.mode,
        provider=snapshot.providers[offering.provider],
        as_of=as_of,
        offering=offering,
    )


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail a call that does not return in time (where the platform has interval timers)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"resolve did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# -- what a result must satisfy ---------------------------------------------------------------


def offering_at(
    snapshot: Snapshot,
    model: str | None,
    provider: str | None,
    mode: ServingMode | None,
    task: Task | None,
) -> OfferingRec | None:
    if model is None or provider is None or mode is None:
        return None
    return next((o for o in snapshot.offerings_at(model, provider, mode) if o.task is task), None)


def fits(offering: OfferingRec, result: Resolution) -> bool:
    request = result.request
    return (
        (request.task is None or offering.task is request.task)
        and (request.serving_mode is None or offering.mode is request.serving_mode)
        and (request.provider is None or offering.provider == request.provider)
    )


def in_force(offering: OfferingRec, as_of: dt.date) -> list[ReplacementRec]:
    return [r for r in offering.replacements if r.effective_on is None or r.effective_on <= as_of]


def follow_chain(snapshot: Snapshot, result: Resolution, asked: OfferingRec) -> list[OfferingRec]:
    """Check that every hop follows, from a retired offering, the latest link in force; return
    the offerings the chain passes through, `asked` first."""
    as_of = result.request.as_of
    path = [asked]
    for index, hop in enumerate(result.chain):
        current = path[-1]
        assert hop.from_model == current.model, f"hop {index} does not start where the last ended"
        assert status_on(current, as_of) is RETIRED, f"hop {index} leaves an offering in use"
        links = in_force(current, as_of)
        followed = [
            r
            for r in links
            if (r.model, r.provider, r.mode) == (hop.to_model, hop.provider, hop.serving_mode)
        ]
        assert followed, f"hop {index} follows no replacement link in force on {as_of}"
        latest = max(r.effective_on or dt.date.min for r in links)
        assert (followed[0].effective_on or dt.date.min) == latest, (
            f"hop {index} follows a link superseded by a later one"
        )
        target = offering_at(snapshot, hop.to_model, hop.provider, hop.serving_mode, hop.task)
        assert target is not None, f"hop {index} leads to an offering the catalog does not have"
        path.append(target)
    return path


def chain_starts(snapshot: Snapshot, result: Resolution) -> list[OfferingRec]:
    """The offerings of the matched model that fit the request and are retired on the date."""
    model = snapshot.by_exact_name.get(result.matched or "")
    assert model is not None, "the result matched no listed model"
    return [
        o
        for o in model.offerings
        if fits(o, result) and status_on(o, result.request.as_of) is RETIRED
    ]


def check_replaced(snapshot: Snapshot, result: Resolution, asked: OfferingRec) -> None:
    as_of = result.request.as_of
    assert result.chain, "a replacement with no chain"
    for before, after in zip(result.chain, result.chain[1:], strict=False):
        assert before.to_model == after.from_model
    path = follow_chain(snapshot, result, asked)
    final = path[-1]
    assert (result.model, result.provider, result.serving_mode, result.task) == final.identity
    assert status_on(final, as_of) is not RETIRED, "the replacement is itself retired"
    assert all(status_on(o, as_of) is RETIRED for o in path[:-1])
    assert len({o.identity for o in path}) == len(path), "the chain visits an offering twice"
    assert result.since == (retired_from(asked) or asked.retires_on)


def check_retired(snapshot: Snapshot, result: Resolution, asked: OfferingRec) -> None:
    as_of = result.request.as_of
    assert status_on(asked, as_of) is RETIRED
    path = follow_chain(snapshot, result, asked)
    assert all(status_on(o, as_of) is RETIRED for o in path)
    codes = {w.code for w in result.warnings}
    last = path[-1]
    if len({o.identity for o in path}) < len(path):
        assert "replacement_cycle" in codes
        assert last.identity in {o.identity for o in path[:-1]}
    elif "replacement_dead_end" in codes:
        links = in_force(last, as_of)
        latest = max(r.effective_on or dt.date.min for r in links)
        assert any(
            not snapshot.offerings_at(r.model, r.provider, r.mode)
            for r in links
            if (r.effective_on or dt.date.min) == latest
        )
    else:
        assert not in_force(last, as_of), "retired although a replacement is in force"


def check(snapshot: Snapshot, result: Resolution) -> None:
    """Every contract of a result that can be checked against the catalog it came from."""
    status, as_of = result.status, result.request.as_of
    assert len(result.chain) <= snapshot.offering_count
    if result.provider_rule is not None:
        check_publisher_api(snapshot, result)
    if status is ResolutionStatus.replaced:
        starts = chain_starts(snapshot, result)
        assert result.chain and result.chain[0].from_model == result.matched
        errors = []
        for asked in starts:  # the asked offering is one of these; its chain must check out
            try:
                check_replaced(snapshot, result, asked)
                break
            except AssertionError as error:
                errors.append(f"{asked.identity}: {error}")
        else:
            raise AssertionError(f"no fitting retired offering starts this chain: {errors}")
    elif status is ResolutionStatus.ok and result.rule in (Rule.listed, Rule.alias):
        offering = offering_at(
            snapshot, result.model, result.provider, result.serving_mode, result.task
        )
        assert offering is not None, "ok names an offering the catalog does not have"
        assert result.model == result.matched
        assert status_on(offering, as_of) is not RETIRED, "ok names a retired offering"
        assert fits(offering, result)
        assert not result.chain
    elif status is ResolutionStatus.ok and result.rule is Rule.inferred:
        offering = offering_at(
            snapshot, result.matched, result.provider, result.serving_mode, result.task
        )
        assert offering is not None and offering.mode is ServingMode.external
        assert status_on(offering, as_of) is not RETIRED
    elif status is ResolutionStatus.retired:
        asked = offering_at(
            snapshot, result.model, result.provider, result.serving_mode, result.task
        )
        assert asked is not None, "retired names an offering the catalog does not have"
        assert asked.model == result.matched
        assert fits(asked, result)
        check_retired(snapshot, result, asked)
    elif status is ResolutionStatus.ambiguous:
        assert len(result.candidates) >= 2
        decided = [c.decided_by for c in result.candidates]
        assert all(decided), "a candidate with nothing to choose it by"
        assert all(a != b for i, a in enumerate(decided) for b in decided[i + 1 :]), (
            "two candidates chosen by the same values"
        )
    elif status is ResolutionStatus.unsupported:
        assert result.candidates
        request = result.request
        assert request.task or request.serving_mode or request.provider, (
            "unsupported, although the request leaves task, mode and provider open"
        )
        if result.rule is Rule.listed:
            model = snapshot.by_exact_name[result.matched or ""]
            assert not any(fits(o, result) for o in model.offerings)
    elif status is ResolutionStatus.unknown:
        assert result.rule is None
        assert len(result.suggestions) <= 5


def check_publisher_api(snapshot: Snapshot, result: Resolution) -> None:
    """The publisher's own API decided: only with no provider asked or written, never in strict
    mode, at the publisher's provider, with the other providers' offerings as candidates."""
    request = result.request
    assert result.provider_rule is ProviderRule.publisher_api
    assert request.provider is None and result.name_form is None and not request.strict_provider
    assert result.status is not ResolutionStatus.ambiguous
    model = snapshot.by_exact_name[result.matched or ""]
    own = snapshot.publishers[model.publisher].own_provider
    asked = result.chain[0] if result.chain else None
    if result.status is not ResolutionStatus.replaced:
        assert result.provider == own
    assert asked is None or any(o.provider == own for o in chain_starts(snapshot, result))
    assert result.candidates and all(c.provider != own for c in result.candidates)
    assert all(c.decided_by.get("provider") == c.provider for c in result.candidates)
    assert "publisher_api" in codes(result)


def codes(result: Resolution) -> set[str]:
    return {w.code for w in result.warnings}


def outcome(result: Resolution) -> tuple[Any, ...]:
    """What a caller acts on, leaving out the wording."""
    return (
        result.status,
        result.model,
        result.provider,
        result.serving_mode,
        result.task,
        result.chain,
        result.candidates,
    )


def what_to_use(result: Resolution) -> tuple[Any, ...]:
    return (result.status, result.model, result.provider, result.serving_mode, result.task)


def with_links_reversed(snapshot: Snapshot) -> Snapshot:
    models = [
        model._replace(
            offerings=tuple(o._replace(replacements=o.replacements[::-1]) for o in model.offerings),
        )
        for model in snapshot.models
    ]
    return Snapshot.build(
        revision=snapshot.revision,
        models=models,
        providers=snapshot.providers.values(),
        publishers=snapshot.publishers.values(),
        architectures=snapshot.architectures,
    )


# -- the properties ---------------------------------------------------------------------------


@PROPERTY
@given(asks())
def test_resolve_always_answers_and_terminates(ask: Ask) -> None:
    result = ask.resolve()
    assert isinstance(result, Resolution)
    assert len(result.chain) <= ask.snapshot.offering_count
    assert result.request.as_of == (ask.as_of or dt.date.today())


@PROPERTY
@given(asks())
def test_every_result_keeps_the_contract_of_its_status(ask: Ask) -> None:
    result = ask.resolve()
    event(f"{result.status.value} by {result.rule.value if result.rule else None}")
    check(ask.snapshot, result)


@PROPERTY
@given(exact_asks())
def test_an_exact_ask_is_usable_replaced_or_retired_as_its_dates_say(ask: Ask) -> None:
    offering = ask.offering
    assert offering is not None
    result = ask.resolve()
    event(f"{result.status.value}, chain of {len(result.chain)}")
    check(ask.snapshot, result)
    assert result.rule is Rule.listed
    if status_on(offering, result.request.as_of) is not RETIRED:
        assert result.status is ResolutionStatus.ok
        assert (result.model, result.provider, result.serving_mode, result.task) == (
            offering.identity
        )
    elif result.status is ResolutionStatus.replaced:
        check_replaced(ask.snapshot, result, offering)
    else:
        assert result.status is ResolutionStatus.retired
        assert (result.model, result.provider, result.serving_mode, result.task) == (
            offering.identity
        )


@TARGETED
@given(catalogs, window_dates)
def test_a_model_name_alone_is_ambiguous_between_its_offerings(
    catalog: Generated, as_of: dt.date
) -> None:
    snapshot = catalog.snapshot
    for model in snapshot.models:
        result = resolve(snapshot, model.name, as_of=as_of)
        check(snapshot, result)
        if len(model.offerings) == 1:
            assert result.status is not ResolutionStatus.ambiguous, model.name
        else:
            assert result.status is ResolutionStatus.ambiguous, model.name
            assert len(result.candidates) == len(model.offerings), model.name


@TARGETED
@given(catalogs, window_dates, st.sampled_from(PROVIDER_SLUGS))
def test_a_model_name_alone_reads_as_the_publishers_own_api_only_where_that_decides(
    catalog: Generated, as_of: dt.date, own: str
) -> None:
    """With the publisher naming `own` as its API, a model whose offerings span several
    providers, exactly one of them at `own`, resolves there and lists the others; every other
    answer, and every answer in strict mode, is the one a catalog without it gives."""
    plain = catalog.snapshot
    publisher = dataclasses.replace(PUBLISHER, own_provider=own)
    snapshot = dataclasses.replace(plain, publishers={PUBLISHER.slug: publisher})
    for model in snapshot.models:
        result = resolve(snapshot, model.name, as_of=as_of)
        check(snapshot, result)
        before = resolve(plain, model.name, as_of=as_of).model_dump(exclude={"request"})
        strict = resolve(snapshot, model.name, as_of=as_of, strict_provider=True)
        assert strict.model_dump(exclude={"request"}) == before, model.name
        at_own = [o for o in model.offerings if o.provider == own]
        decides = len(at_own) == 1 and len({o.provider for o in model.offerings}) > 1
        if decides and len(model.offerings) > 1:
            assert result.provider_rule is ProviderRule.publisher_api, model.name
            assert len(result.candidates) == len(model.offerings) - 1, model.name
        elif not decides:
            assert result.model_dump(exclude={"request"}) == before, model.name


@TARGETED
@given(catalogs, window_dates)
def test_a_listed_name_or_alias_alone_finds_its_model(catalog: Generated, as_of: dt.date) -> None:
    """With no task, mode or provider to exclude an offering, a known name is never unsupported."""
    snapshot = catalog.snapshot
    for name in known_names(snapshot):
        result = resolve(snapshot, name, as_of=as_of)
        check(snapshot, result)
        assert result.rule in (Rule.listed, Rule.alias), name
        assert result.status not in (ResolutionStatus.unsupported, ResolutionStatus.unknown), name


@TARGETED
@given(catalogs)
def test_the_order_of_replacement_links_does_not_change_what_to_use(catalog: Generated) -> None:
    """Links come from the database in no particular order; the answer must not depend on it.

    Each offering is asked for exactly, after every date is past and on each of its links' dates.
    """
    snapshot = catalog.snapshot
    reordered = with_links_reversed(snapshot)
    for model in snapshot.models:
        for o in model.offerings:
            dates = {WINDOW[1] + ONE_DAY, *(r.effective_on for r in o.replacements)} - {None}
            for as_of in sorted(dates):
                ask = {
                    "task": o.task,
                    "serving_mode": o.mode,
                    "provider": snapshot.providers[o.provider],
                    "as_of": as_of,
                }
                assert what_to_use(resolve(reordered, o.model, **ask)) == what_to_use(
                    resolve(snapshot, o.model, **ask)
                ), (o.identity, as_of)


@PROPERTY
@given(catalogs, window_dates)
def test_a_response_id_resolves_like_its_name_in_pay_per_token(
    catalog: Generated, as_of: dt.date
) -> None:
    """`<name>-030424` is what a pay-per-token endpoint's responses call the model `<name>`."""
    snapshot = catalog.snapshot
    for name in known_names(snapshot):
        model = find_model(snapshot, name)
        if model is None or not any(o.mode is ServingMode.pay_per_token for o in model.offerings):
            continue
        response = resolve(snapshot, f"{name}-030424", as_of=as_of)
        check(snapshot, response)
        direct = resolve(snapshot, name, serving_mode=ServingMode.pay_per_token, as_of=as_of)
        if direct.status is ResolutionStatus.unsupported:
            continue  # `name` does not name a pay-per-token offering (a Bedrock id, say)
        assert outcome(response) == outcome(direct), name
        assert "response_id" in codes(response), name


@TARGETED
@given(asks())
def test_results_round_trip_through_json(ask: Ask) -> None:
    result = ask.resolve()
    assert Resolution.model_validate_json(result.model_dump_json()) == result


# -- hand-built graphs ------------------------------------------------------------------------

AT = ("openai", ServingMode.external)
OPENAI = ProviderRec(slug="openai", name="OpenAI", source=VERIFIED)


def offering(
    model: str, *, task: Task = Task.chat, mode: ServingMode = ServingMode.external, **fields: Any
) -> OfferingRec:
    return OfferingRec(
        model=model, provider="openai", mode=mode, task=task, source=VERIFIED, **fields
    )


def gone(
    model: str, on: dt.date, *targets: str, effective_on: dt.date | None = None, **fields: Any
) -> OfferingRec:
    """An offering gone from `on`, replaced by each of `targets` at the same place."""
    links = tuple(
        ReplacementRec(
            model=t, provider=AT[0], mode=AT[1], source=VERIFIED, effective_on=effective_on
        )
        for t in targets
    )
    return offering(
        model, retires_on=on, retires_meaning=DateMeaning.gone, replacements=links, **fields
    )


def snapshot_of(*offerings: OfferingRec) -> Snapshot:
    by_model: dict[str, list[OfferingRec]] = {}
    for o in offerings:
        by_model.setdefault(o.model, []).append(o)
    models = [
        ModelRec(
            name=name,
            key=name_key(name),
            publisher=PUBLISHER.slug,
            source=VERIFIED,
            offerings=tuple(offs),
        )
        for name, offs in by_model.items()
    ]
    return Snapshot.build(revision=1, models=models, providers=[OPENAI], publishers=[PUBLISHER])


JAN = dt.date(2025, 1, 1)
LATER = dt.date(2025, 6, 1)


def test_a_cycle_of_retired_offerings_is_retired_with_a_cycle_warning() -> None:
    snapshot = snapshot_of(gone("A", JAN, "B"), gone("B", JAN, "A"))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.retired
    assert "replacement_cycle" in codes(result)
    assert [(h.from_model, h.to_model) for h in result.chain] == [("A", "B"), ("B", "A")]
    check(snapshot, result)


def test_a_retired_offering_replaced_by_itself_is_retired_with_a_cycle_warning() -> None:
    snapshot = snapshot_of(gone("A", JAN, "A"))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.retired
    assert "replacement_cycle" in codes(result)
    assert len(result.chain) == 1


def test_a_cycle_with_a_way_out_is_replaced_by_the_offering_in_use() -> None:
    snapshot = snapshot_of(gone("A", JAN, "B"), gone("B", JAN, "C"), offering("C"))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.replaced
    assert (result.model, [h.to_model for h in result.chain]) == ("C", ["B", "C"])
    check(snapshot, result)


def test_a_replacement_the_catalog_does_not_have_is_a_dead_end() -> None:
    snapshot = snapshot_of(gone("A", JAN, "Ghost"))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.retired
    assert "replacement_dead_end" in codes(result)
    assert result.chain == []
    check(snapshot, result)


def test_a_replacement_not_offered_at_that_provider_and_mode_is_a_dead_end() -> None:
    snapshot = snapshot_of(gone("A", JAN, "B"), offering("B", mode=ServingMode.pay_per_token))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.retired
    assert "replacement_dead_end" in codes(result)
    check(snapshot, result)


def test_a_dead_end_after_a_hop_keeps_the_hop() -> None:
    snapshot = snapshot_of(gone("A", JAN, "B"), gone("B", JAN, "Ghost"))
    result = resolve(snapshot, "A", as_of=LATER)
    assert result.status is ResolutionStatus.retired
    assert "replacement_dead_end" in codes(result)
    assert [h.to_model for h in result.chain] == ["B"]
    check(snapshot, result)


def test_links_taking_effect_the_same_day_give_one_answer_whatever_their_order() -> None:
    links = [ReplacementRec(model=m, provider=AT[0], mode=AT[1], source=VERIFIED) for m in "BC"]
    answers = set()
    for order in (links, links[::-1]):
        a = offering(
            "A", retires_on=JAN, retires_meaning=DateMeaning.gone, replacements=tuple(order)
        )
        snapshot = snapshot_of(a, gone("B", JAN), offering("C"))
        answers.add(what_to_use(resolve(snapshot, "A", as_of=LATER)))
    assert len(answers) == 1


def test_an_alias_of_kind_endpoint_that_no_offering_carries_still_finds_the_model() -> None:
    model = ModelRec(
        name="A",
        key="a",
        publisher=PUBLISHER.slug,
        source=VERIFIED,
        offerings=(offering("A", lifecycle_basis=LifecycleBasis.active),),
        aliases=(("old-a", AliasKind.endpoint.value),),
    )
    snapshot = Snapshot.build(revision=1, models=[model], providers=[OPENAI])
    result = resolve(snapshot, "old-a", as_of=LATER)
    assert (result.status, result.model) == (ResolutionStatus.ok, "A")


def test_a_response_id_of_an_endpoint_name_resolves_to_that_endpoint() -> None:
    a = offering(
        "A",
        mode=ServingMode.pay_per_token,
        endpoint_name="databricks-a",
        lifecycle_basis=LifecycleBasis.active,
    )
    result = resolve(snapshot_of(a), "databricks-a-030424", as_of=LATER)
    assert (result.status, result.endpoint_name) == (ResolutionStatus.ok, "databricks-a")
    assert "response_id" in codes(result)


def test_a_response_id_of_a_bedrock_id_is_never_unsupported_when_nothing_is_excluded() -> None:
    """The pay-per-token offering is at another provider than the Bedrock id's offering."""
    model = ModelRec(
        name="A",
        key="a",
        publisher=PUBLISHER.slug,
        source=VERIFIED,
        offerings=(
            offering("A", lifecycle_basis=LifecycleBasis.active, mode=ServingMode.pay_per_token),
            OfferingRec(
                model="A",
                provider="amazon-bedrock",
                mode=ServingMode.external,
                task=Task.chat,
                source=VERIFIED,
                bedrock_provider="acme",
                lifecycle_basis=LifecycleBasis.active,
            ),
        ),
        aliases=(("acme.a", AliasKind.prefixed.value),),
    )
    bedrock = ProviderRec(slug="amazon-bedrock", name="Amazon Bedrock", source=VERIFIED)
    snapshot = Snapshot.build(revision=1, models=[model], providers=[OPENAI, bedrock])
    result = resolve(snapshot, "acme.a-030424", as_of=LATER)
    assert result.status is not ResolutionStatus.unsupported, result.message


def test_a_replacement_is_followed_only_from_its_effective_date() -> None:
    snapshot = snapshot_of(gone("A", JAN, "B", effective_on=LATER), offering("B"))
    before = resolve(snapshot, "A", as_of=LATER - ONE_DAY)
    after = resolve(snapshot, "A", as_of=LATER)
    assert before.status is ResolutionStatus.retired and before.chain == []
    assert after.status is ResolutionStatus.replaced and after.model == "B"


# -- dates ------------------------------------------------------------------------------------


@TARGETED
@given(window_dates, st.sampled_from([DateMeaning.last, DateMeaning.gone, DateMeaning.by]))
def test_an_offering_is_usable_until_its_date_says_and_retired_after(
    day: dt.date, meaning: DateMeaning
) -> None:
    snapshot = snapshot_of(offering("A", retires_on=day, retires_meaning=meaning))
    last_day = day if meaning is DateMeaning.last else day - ONE_DAY
    assert resolve(snapshot, "A", as_of=last_day).status is ResolutionStatus.ok
    assert resolve(snapshot, "A", as_of=last_day + ONE_DAY).status is ResolutionStatus.retired


@TARGETED
@given(window_dates, st.integers(min_value=0, max_value=5000))
def test_a_not_before_date_never_retires(day: dt.date, days_after: int) -> None:
    snapshot = snapshot_of(offering("A", retires_on=day, retires_meaning=DateMeaning.not_before))
    result = resolve(snapshot, "A", as_of=day + dt.timedelta(days=days_after))
    assert result.status is ResolutionStatus.ok
