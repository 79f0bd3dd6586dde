"""The library face: `Catalog.open()` and the questions other tools ask of the catalog."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from sqlalchemy import Engine

from catalog import arguments
from catalog.bootstrap import load_embedded, prepare_embedded, prepare_external
from catalog.check import MAX_BYTES
from catalog.core.convert import (
    architecture_info,
    model_info,
    provider_info,
    revision_entry,
    source_ref,
)
from catalog.core.deprecations import deprecation_of, version_deprecations
from catalog.core.lifecycle import RETIRES_SOON_DAYS, status_on
from catalog.core.listing import DATED, facet_positions, in_list_order, positions_matching
from catalog.core.lookup import find_model, find_written, suggest
from catalog.core.names import name_key
from catalog.core.records import KEPT_REVISIONS, ModelRec, OfferingRec
from catalog.core.snapshot import FREEZE_OVER, Snapshot
from catalog.errors import (
    DatabaseUnavailable,
    InvalidArgument,
    NotFound,
    NotLoaded,
    SchemaOutOfDate,
)
from catalog.schemas import (
    ArchitectureInfo,
    CatalogMeta,
    CheckReport,
    Deprecation,
    Health,
    LoadReport,
    ModelInfo,
    ModelListPage,
    ProviderInfo,
    Resolution,
    RevisionEntry,
    RevisionInfo,
    SchemaStatus,
)
from catalog.settings import Settings, load_settings
from catalog.store import db
from catalog.store.db import make_engine, reading, session_scope
from catalog.store.read import read_revision, read_revisions, read_snapshot
from catalog.store.resources import seed_path
from catalog.vocabulary import FailOn, OfferingStatus, ResolutionStatus, ServingMode, Task

STALL_SECONDS = 5.0  # a revision check running longer than this (or 3x the last) has stalled


class Catalog:
    """A handle on one catalog database, holding an in-memory snapshot of it.

    The snapshot is rebuilt when the catalog's revision changes; the revision is checked
    at most every `revision_check_seconds`, never per lookup.
    """

    def __init__(
        self, engine: Engine, settings: Settings, *, revision_check_seconds: float = 2.0
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.revision_check_seconds = revision_check_seconds
        self._snapshot: Snapshot | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()
        # Set while the database cannot be reached and the last snapshot is served instead.
        self.unreachable_since: float | None = None  # time.monotonic() of the first failure
        self.unreachable_problem: str | None = None
        self.reload_failures = 0  # revision checks or reads that failed, since opening
        # While a check runs: when it began (time.monotonic()); and how long the last took.
        self.checking_since: float | None = None
        self._last_check_seconds = 0.0
        # True while a background thread keeps the snapshot fresh (the API's refresher):
        # callers then never wait on the database once a snapshot is there.
        self.refreshed_in_background = False

    @classmethod
    def open(
        cls, url: str | None = None, *, revision_check_seconds: float = 2.0, prepare: bool = True
    ) -> Catalog:
        """Open `url`, else `MODEL_CATALOG_DATABASE_URL`, else the embedded SQLite catalog.

        The embedded catalog is migrated and seeded on first use; another database must be at
        head. `prepare=False` skips both, for the admin verbs (`load`, `health`, `meta`) that
        must work on a database not ready to read.
        """
        settings = load_settings(url)
        engine = make_engine(settings.database_url, settings.timeouts)
        if prepare and settings.embedded:
            prepare_embedded(engine)
        elif prepare:
            prepare_external(engine)
        return cls(engine, settings, revision_check_seconds=revision_check_seconds)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Catalog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the snapshot ------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The current snapshot; re-read only if the catalog's revision has moved on."""
        snapshot = self._snapshot
        if snapshot is not None and self.refreshed_in_background:
            return snapshot
        return self.refresh()

    def refresh(self) -> Snapshot:
        """The snapshot, after rechecking the revision if `revision_check_seconds` are up."""
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked_at < self.revision_check_seconds:
            return snapshot
        if snapshot is None:
            self._lock.acquire()
        elif not self._lock.acquire(blocking=False):
            # Another thread is checking (a slow or locked database): answer from what we
            # have rather than queue behind it.
            return snapshot
        self.checking_since = now
        try:
            return self._check()
        finally:
            self._last_check_seconds = time.monotonic() - now
            self.checking_since = None
            self._lock.release()

    def _check(self) -> Snapshot:
        """Read the revision, and the snapshot if it moved; under `_lock`."""
        try:
            # One read transaction (REPEATABLE READ, READ ONLY on PostgreSQL): every table is
            # read as of one revision, even while a load commits the next one.
            with session_scope(reading(self.engine)) as session:
                revision = read_revision(session)
                if (
                    self._snapshot is None
                    or revision is None
                    or (revision[0] != self._snapshot.revision)
                ):
                    self._snapshot = read_snapshot(session, freeze_over=self.freeze_over)
        except DatabaseUnavailable as error:
            # A catalog already read keeps answering from it (it is one consistent
            # revision); `stale` says so, and the next interval tries again.
            self.reload_failures += 1
            if self._snapshot is None:
                raise
            self.unreachable_since = self.unreachable_since or time.monotonic()
            self.unreachable_problem = error.message
            self._checked_at = time.monotonic()
            return self._snapshot
        self.unreachable_since = self.unreachable_problem = None
        self._checked_at = time.monotonic()
        return self._snapshot

    @property
    def freeze_over(self) -> int | None:
        """How many new objects make a snapshot large enough to leave the cyclic collector's
        scans (`catalog.core.snapshot.gc_paused`); None with MODEL_CATALOG_FREEZE_SNAPSHOTS=0."""
        return FREEZE_OVER if self.settings.freeze_snapshots else None

    @property
    def stale(self) -> bool:
        """True while the database is unreachable, or has not answered a check for a while
        (`stalled_for`), and the last snapshot is being served."""
        return self.unreachable_since is not None or self.stalled_for is not None

    @property
    def stalled_for(self) -> float | None:
        """Seconds the running check has waited, once that is well past what checks take.

        A database that hangs without closing its connections sends no error until the
        client-side deadline cuts the connection (statement timeout + 5 s); meanwhile answers
        from the last snapshot say they may be stale once the check has taken
        `STALL_SECONDS`, or three times the last check if that is longer (a large catalog's
        read).
        """
        since = self.checking_since
        if since is None:
            return None
        waited = time.monotonic() - since
        return waited if waited > max(STALL_SECONDS, 3 * self._last_check_seconds) else None

    @property
    def problem(self) -> str | None:
        """Why answers are stale, if they are."""
        if self.unreachable_problem is not None:
            return self.unreachable_problem
        stalled = self.stalled_for
        if stalled is not None:
            return f"the database has not answered the catalog's revision check for {stalled:.0f} s"
        return None

    def revision(self) -> RevisionInfo:
        snapshot = self.snapshot()
        return RevisionInfo(
            revision=snapshot.revision,
            loaded_at=snapshot.loaded_at,
            models=len(snapshot.models),
            offerings=snapshot.offering_count,
        )

    def revisions(self, *, limit: int = KEPT_REVISIONS) -> list[RevisionEntry]:
        """The catalog's revisions up to the snapshot's, newest first: what a change feed shows.

        The newest fifty come with the snapshot (no query); a longer history is read.
        """
        snapshot = self.snapshot()
        facts = snapshot.facts
        if limit <= len(facts.revisions) or len(facts.revisions) == facts.revision_count:
            return [revision_entry(r) for r in facts.revisions[:limit]]
        with session_scope(reading(self.engine)) as session:
            return read_revisions(session, limit, up_to=snapshot.revision)

    # -- listing -----------------------------------------------------------------------

    def models(
        self,
        *,
        provider: str | None = None,
        publisher: str | None = None,
        task: str | Task | None = None,
        serving_mode: str | ServingMode | None = None,
        status: str | OfferingStatus | None = None,
        as_of: str | dt.date | None = None,
        query: str | None = None,
    ) -> list[ModelInfo]:
        """Models with the offerings that pass every filter; a model with none is left out."""
        snapshot = self.snapshot()
        day, shown, _, _, _ = _model_filter(
            snapshot, provider, publisher, task, serving_mode, status, as_of, query
        )
        return [
            model_info(model, day, offerings)
            for model in snapshot.models
            if (offerings := shown(model))
        ]

    def models_page(
        self,
        *,
        provider: str | None = None,
        publisher: str | None = None,
        task: str | Task | None = None,
        serving_mode: str | ServingMode | None = None,
        status: str | OfferingStatus | None = None,
        as_of: str | dt.date | None = None,
        query: str | None = None,
        limit: int = 100,
        after: tuple[str, str] | None = None,
    ) -> ModelListPage:
        """One page of `models(...)` in list order (by name, case-insensitively), after `after`.

        The filters run over the snapshot's records and only the page's models are converted,
        so a page of a large catalog costs one pass over records, not a schema object per match.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise InvalidArgument(
                f"limit must be a whole number >= 1, not {limit!r}", field="limit"
            )
        if after is not None and not (
            isinstance(after, tuple) and len(after) == 2 and all(isinstance(x, str) for x in after)
        ):
            raise InvalidArgument(
                f"after must be the next_after of the previous page, not {after!r}", field="after"
            )
        snapshot = self.snapshot()
        chosen = _model_filter(
            snapshot, provider, publisher, task, serving_mode, status, as_of, query
        )
        ordered, keys = in_list_order(snapshot)
        matched = _matching_positions(snapshot, ordered, chosen)
        start = bisect.bisect_right(keys, after) if after is not None else 0
        first = bisect.bisect_left(matched, start)
        window = matched[first : first + limit]
        more = first + limit < len(matched)
        return ModelListPage(
            models=[
                model_info(ordered[i], chosen.day, chosen.offerings(ordered[i])) for i in window
            ],
            count=len(matched),
            next_after=keys[window[-1]] if more and window else None,
        )

    def model(self, name: str, *, as_of: str | dt.date | None = None) -> ModelInfo:
        """One model by any name people write for it: its name, an alias, an endpoint name, a
        provider form (`azure/gpt-4o`: only its offerings there) or a version of it."""
        name = arguments.parse_name(name)
        snapshot = self.snapshot()
        written = find_written(snapshot, name)
        day = arguments.parse_date(as_of)
        close: list[str] | None = None
        if written.model is None and written.read.outside is None:
            inferred, close = _resolved_model(snapshot, name, day)
            if inferred is not None:
                return model_info(inferred, day)
        if written.model is None:
            if written.read.outside is not None:
                raise NotFound(
                    f"{name!r} is written for {written.read.outside}, a provider the catalog "
                    "does not cover",
                    field="name",
                )
            if close is None:
                close = suggest(snapshot, written.read.name)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise NotFound(
                f"no model named {name!r} in the catalog{hint}", field="name", suggestions=close
            )
        provider = written.read.provider
        at_provider = tuple(o for o in written.model.offerings if o.provider == provider)
        return model_info(written.model, day, at_provider or None)

    def providers(self) -> list[ProviderInfo]:
        snapshot = self.snapshot()
        counts: dict[str, set[str]] = {slug: set() for slug in snapshot.providers}
        for model in snapshot.models:
            for offering in model.offerings:
                counts[offering.provider].add(model.name)
        own_api_of: dict[str, list[str]] = {}
        for publisher in snapshot.publishers.values():
            if publisher.own_provider is not None:
                own_api_of.setdefault(publisher.own_provider, []).append(publisher.slug)
        return [
            provider_info(
                p, len(counts[p.slug]), snapshot.name_forms, sorted(own_api_of.get(p.slug, []))
            )
            for p in snapshot.providers.values()
        ]

    def architectures(self) -> list[ArchitectureInfo]:
        return [architecture_info(a) for a in self.snapshot().architectures]

    # -- resolution --------------------------------------------------------------------

    def resolve(
        self,
        name: str,
        *,
        task: str | Task | None = None,
        serving_mode: str | ServingMode | None = None,
        provider: str | None = None,
        as_of: str | dt.date | None = None,
        within_days: int = RETIRES_SOON_DAYS,
        strict_provider: bool = False,
    ) -> Resolution:
        """What to use for `name` on `as_of` (default today): see `catalog.core.resolver`.

        An offering that retires within `within_days` of `as_of` carries a `retires_soon` warning.
        A name that several providers serve, given no provider, reads as the publisher's own API
        where the catalog names one; `strict_provider=True` keeps it `ambiguous`.
        """
        name = arguments.parse_name(name)
        return self.resolve_many(
            [name],
            task=task,
            serving_mode=serving_mode,
            provider=provider,
            as_of=as_of,
            within_days=within_days,
            strict_provider=strict_provider,
        )[0]

    def resolve_many(
        self,
        names: Iterable[str],
        *,
        task: str | Task | None = None,
        serving_mode: str | ServingMode | None = None,
        provider: str | None = None,
        as_of: str | dt.date | None = None,
        within_days: int = RETIRES_SOON_DAYS,
        strict_provider: bool = False,
    ) -> list[Resolution]:
        """Resolve many names against one snapshot, with the same options for all."""
        from catalog.core.resolver import resolve

        wanted = arguments.parse_names(names)
        snapshot = self.snapshot()
        parsed_task, parsed_mode = arguments.parse_task(task), arguments.parse_mode(serving_mode)
        parsed_provider = arguments.parse_provider(snapshot, provider)
        day = arguments.parse_date(as_of)
        window = arguments.parse_days(within_days)
        strict = arguments.parse_flag(strict_provider, field="strict_provider")
        return [
            resolve(
                snapshot,
                n,
                as_of=day,
                task=parsed_task,
                serving_mode=parsed_mode,
                provider=parsed_provider,
                within_days=window,
                strict_provider=strict,
            )
            for n in wanted
        ]

    # -- deprecations ------------------------------------------------------------------

    def deprecations(
        self,
        *,
        as_of: str | dt.date | None = None,
        within_days: int = RETIRES_SOON_DAYS,
        provider: str | None = None,
    ) -> list[Deprecation]:
        """Offerings retired on `as_of` or retiring within `within_days` after it, soonest first,
        each with the replacement in force when it goes."""
        snapshot = self.snapshot()
        day = arguments.parse_date(as_of)
        window = arguments.parse_days(within_days)
        wanted = arguments.parse_provider(snapshot, provider)
        found = [
            deprecation
            for model in snapshot.models
            for offering in model.offerings
            if wanted is None or offering.provider == wanted.slug
            if (deprecation := deprecation_of(snapshot, offering, day, window)) is not None
        ]
        for model in snapshot.models:
            if model.versions:
                slug = wanted.slug if wanted is not None else None
                found.extend(version_deprecations(snapshot, model, day, window, slug))
        return sorted(
            found,
            key=lambda d: (d.retired_from, d.model, d.version or "", d.provider, d.serving_mode),
        )

    # -- administration ----------------------------------------------------------------

    def load(self, path: str | Path | None = None, *, dry_run: bool = False) -> LoadReport:
        """Validate a seed file and sync the database to it in one transaction.

        The embedded catalog follows the shipped seed file only, and migrates itself first;
        another database is migrated by its owner (`model-catalog db upgrade`).
        """
        from catalog.seed.load import load_seed  # the loader only where a load happens

        shipped = seed_path()
        chosen = Path(path) if path is not None else shipped
        if self.settings.embedded:
            if chosen.resolve() != shipped.resolve():
                raise InvalidArgument(
                    "the embedded catalog follows the shipped seed file; load your own file into "
                    "a database of its own with --database-url or MODEL_CATALOG_DATABASE_URL",
                    field="path",
                )
            # Under the first-use lock, the schema built (or a broken file rebuilt) first.
            report = load_embedded(self.engine, chosen, dry_run=dry_run)
        else:
            report = load_seed(self.engine, chosen, dry_run=dry_run)
        self._checked_at = -math.inf  # the next read looks for the new revision at once
        return report.to_public()

    def upgrade(self, revision: str = "head") -> SchemaStatus:
        """Migrate the schema up to `revision`; the status after."""
        db.upgrade(self.engine, revision)
        return self.schema_status()

    def downgrade(self, revision: str) -> SchemaStatus:
        """Migrate the schema down to `revision` (`-1`, `base`, a revision id)."""
        db.downgrade(self.engine, revision)
        return self.schema_status()

    def schema_status(self) -> SchemaStatus:
        """The schema revision against the head; raises DatabaseUnavailable if unreachable."""
        current, head = db.current_revision(self.engine), db.head_revision()
        return SchemaStatus(current=current, head=head, up_to_date=current == head)

    def health(self) -> Health:
        """Whether the catalog can be read, and if not, what to do about it; never raises for
        an unreachable or unready database."""
        head = db.head_revision()
        try:
            current = db.current_revision(self.engine)
        except DatabaseUnavailable as error:
            return Health(
                reachable=False, schema_current=False, head_revision=head, problem=error.message
            )
        known = {"reachable": True, "schema_revision": current, "head_revision": head}
        try:
            db.require_current_schema(self.engine)
        except SchemaOutOfDate as error:
            return Health(**known, schema_current=False, problem=error.message)
        with session_scope(self.engine) as session:
            revision = read_revision(session)
        if revision is None:
            return Health(**known, schema_current=True, problem=NotLoaded.default_message)
        number, loaded_at = revision
        if loaded_at.tzinfo is None:  # SQLite keeps no zone: the loader writes UTC
            loaded_at = loaded_at.replace(tzinfo=dt.UTC)
        return Health(
            **known,
            schema_current=True,
            catalog_revision=number,
            loaded_at=loaded_at,
            age_seconds=(dt.datetime.now(dt.UTC) - loaded_at).total_seconds(),
        )

    def meta(self) -> CatalogMeta:
        """Which catalog this is: revisions, sources and sizes, all of the snapshot's revision.

        Everything comes from the snapshot, which read it in the same transaction as the
        catalog: no query, so the answer never mixes two revisions and never waits on the
        database.
        """
        snapshot = self.snapshot()
        facts = snapshot.facts
        modes = Counter(o.mode.value for m in snapshot.models for o in m.offerings)
        tasks = Counter(o.task.value for m in snapshot.models for o in m.offerings)
        return CatalogMeta(
            catalog_revision=snapshot.revision,
            loaded_at=snapshot.loaded_at,
            schema_revision=facts.schema_revision,
            sources=[source_ref(s) for s in facts.sources],
            counts=dict(facts.table_rows),
            offerings_by_serving_mode=dict(sorted(modes.items())),
            offerings_by_task=dict(sorted(tasks.items())),
        )

    # -- the deprecation check ------------------------------------------------------------

    def check_paths(
        self,
        paths: Sequence[str | PathLike[str]] = (".",),
        *,
        as_of: str | dt.date | None = None,
        warn_within: int = RETIRES_SOON_DAYS,
        fail_on: str | FailOn = FailOn.retired,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        show_ok: bool = False,
        deny: Sequence[tuple[str, str]] = (),
        fix: bool = False,
        dry_run: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
        strict_provider: bool = False,
        max_file_bytes: int = MAX_BYTES,
        fail_on_skipped: bool = False,
        unread: Sequence[str | PathLike[str]] = (),
    ) -> CheckReport:
        """References to models in the files under `paths` (`-` is stdin), classified on `as_of`.

        `deny` is (model, message) pairs; `fix` rewrites retired references to their replacement
        where that is safe (`dry_run`: only report the diff). `strict_provider`: a name that
        several providers serve, written with no provider, is read as all of them (the least
        serious decides) instead of as the publisher's own API. A file over `max_file_bytes`
        is not read but listed in `skipped`; `fail_on_skipped` makes that fail the check.
        `unread` files are never read wherever they are met: the report being written, whose
        text names every model it found.
        """
        from catalog.check.engine import Deny, Options, run
        from catalog.check.walk import Selection, identities

        options = Options(
            as_of=arguments.parse_date(as_of),
            warn_within=arguments.parse_days(warn_within, field="warn_within"),
            fail_on=arguments.parse_fail_on(fail_on),
            show_ok=show_ok,
            deny=tuple(Deny(model, message) for model, message in deny),
            selection=Selection(
                include=tuple(include),
                exclude=tuple(exclude),
                max_bytes=arguments.parse_byte_limit(max_file_bytes, field="max_file_bytes"),
                unread=identities(unread),
            ),
            fix=fix,
            dry_run=dry_run,
            strict_provider=arguments.parse_flag(strict_provider, field="strict_provider"),
            fail_on_skipped=arguments.parse_flag(fail_on_skipped, field="fail_on_skipped"),
        )
        return run([str(p) for p in paths], options, self.snapshot, on_progress=on_progress)


def _resolved_model(
    snapshot: Snapshot, name: str, day: dt.date
) -> tuple[ModelRec | None, list[str] | None]:
    """The model the resolver reads `name` as: the one asked for, not its replacement (a
    chain starts at the model that was named), else the one it matched. When it knows none,
    the close names it found instead (None if it did not look), so they are not looked for
    twice (a fifth of a millisecond at 100,000 models)."""
    from catalog.core.resolver import resolve

    resolution = resolve(snapshot, name, as_of=day)
    asked = resolution.chain[0].from_model if resolution.chain else resolution.model
    for candidate in (asked, resolution.matched):
        if candidate and (found := find_model(snapshot, candidate)) is not None:
            return found, None
    unknown = resolution.status is ResolutionStatus.unknown
    return None, list(resolution.suggestions) if unknown else None


# Filtered lists whose matches a snapshot keeps, so that the next pages of one list cost a
# bisection: every page needs the count, which needs every match.
KEPT_LISTS = 64


def _matching_positions(
    snapshot: Snapshot, ordered: Sequence[ModelRec], chosen: _ModelFilter
) -> list[int]:
    """The list-order positions of the models `chosen` keeps, found once per snapshot and list."""
    kept = snapshot.derived.list_matches
    found = kept.get(chosen.key)
    if found is None:
        candidates = chosen.pool()
        pool = range(len(ordered)) if candidates is None else candidates
        found = [i for i in pool if chosen.shown(ordered[i])]
        if len(kept) >= KEPT_LISTS:
            kept.clear()  # simple, and safe between threads: the next pages recompute
        kept[chosen.key] = found
    return found


def _model_filter(
    snapshot: Snapshot,
    provider: str | None,
    publisher: str | None,
    task: str | Task | None,
    serving_mode: str | ServingMode | None,
    status: str | OfferingStatus | None,
    as_of: str | dt.date | None,
    query: str | None,
) -> _ModelFilter:
    """The filters read: see `_ModelFilter`.

    Works on records only: the status filter reads each offering's lifecycle on the day.
    """
    wanted_provider = arguments.parse_provider(snapshot, provider)
    wanted_publisher = arguments.parse_publisher(snapshot, publisher)
    wanted_task = arguments.parse_task(task)
    wanted_mode = arguments.parse_mode(serving_mode)
    wanted_status = arguments.parse_status(status)
    day = arguments.parse_date(as_of)
    needle: str | None = None
    if query:
        written = find_written(snapshot, arguments.parse_name(query, field="query"))
        needle = name_key(written.model.name if written.model else written.read.name)
        if wanted_provider is None and written.read.provider is not None:
            wanted_provider = snapshot.providers[written.read.provider]
    provider_slug = None if wanted_provider is None else wanted_provider.slug
    publisher_slug = None if wanted_publisher is None else wanted_publisher.slug
    wanted_facets = [
        (facet, str(wanted))
        for facet, wanted in (
            ("provider", provider_slug),
            ("publisher", publisher_slug),
            ("task", wanted_task),
            ("mode", wanted_mode),
        )
        if wanted is not None
    ]
    if wanted_status in (OfferingStatus.retired, OfferingStatus.deprecated):
        wanted_facets.append(DATED)
    query_found: list[int] | None = None  # the query's models, searched for on first use
    query_ids: set[int] | None = None

    def query_positions() -> list[int]:
        nonlocal query_found
        if query_found is None:
            query_found = positions_matching(snapshot, needle or "")
        return query_found

    def query_hits() -> set[int]:
        nonlocal query_ids
        if query_ids is None:
            ordered, _ = in_list_order(snapshot)
            query_ids = {id(ordered[i]) for i in query_positions()}
        return query_ids

    def pool() -> Sequence[int] | None:
        facets = facet_positions(snapshot) if wanted_facets else {}
        # list-order positions that hold every model that can pass
        lists = [facets.get(facet, []) for facet in wanted_facets]
        if needle is not None:
            lists.append(query_positions())
        return min(lists, key=len) if lists else None

    def offerings(model: ModelRec) -> tuple[OfferingRec, ...]:
        return tuple(
            o
            for o in model.offerings
            if (provider_slug is None or o.provider == provider_slug)
            and (wanted_task is None or o.task is wanted_task)
            and (wanted_mode is None or o.mode is wanted_mode)
            and (wanted_status is None or status_on(o, day) is wanted_status)
        )

    def shown(model: ModelRec) -> tuple[OfferingRec, ...]:
        if publisher_slug is not None and model.publisher != publisher_slug:
            return ()
        if needle is not None and id(model) not in query_hits():
            return ()
        return offerings(model)

    key = (
        provider_slug,
        publisher_slug,
        wanted_task,
        wanted_mode,
        wanted_status,
        day if wanted_status is not None else None,  # only the status depends on the day
        needle,
    )
    return _ModelFilter(day, shown, offerings, pool, key)


class _ModelFilter(NamedTuple):
    """What `models` and `models_page` filter by, read once; the costly parts run on first use."""

    day: dt.date
    # a model's offerings that pass every filter (empty: the model is left out)
    shown: Callable[[ModelRec], tuple[OfferingRec, ...]]
    # the offerings that pass the offering filters, for a model known to pass the others
    offerings: Callable[[ModelRec], tuple[OfferingRec, ...]]
    # the list-order positions of the only models that can pass (those of the narrowest
    # filter: a query's matches, a provider's models...), or None for every model
    pool: Callable[[], Sequence[int] | None]
    # the filters as read, the same for every page of one list
    key: tuple[object, ...]
