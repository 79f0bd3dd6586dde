"""The four standard migration tests (as pytest-alembic runs them), on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from catalog.store import db
from catalog.store.models import Base


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(db.alembic_config())


def test_there_is_a_single_head() -> None:
    assert len(_script().get_heads()) == 1


def test_the_package_knows_the_head_without_reading_the_scripts() -> None:
    assert _script().get_current_head() == db.SCHEMA_HEAD


def test_upgrade_from_base_reaches_head(empty_db_url: str) -> None:
    engine = db.make_engine(empty_db_url)
    assert db.current_revision(engine) is None
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert db.schema_is_current(engine)


def test_every_step_goes_down_and_up_again(empty_db_url: str) -> None:
    engine = db.make_engine(empty_db_url)
    revisions = list(reversed(list(_script().walk_revisions())))
    for revision in revisions:
        db.upgrade(engine, revision.revision)
        db.downgrade(engine, revision.down_revision or "base")  # type: ignore[arg-type]
        assert db.current_revision(engine) == revision.down_revision
        db.upgrade(engine, revision.revision)
        assert db.current_revision(engine) == revision.revision


def test_models_and_migrations_agree(migrated_url: str) -> None:
    engine = db.make_engine(migrated_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_a_schema_behind_head_names_the_command_to_run(empty_db_url: str) -> None:
    import pytest

    from catalog import Catalog, SchemaOutOfDate

    with pytest.raises(SchemaOutOfDate, match="model-catalog db upgrade"):
        Catalog.open(empty_db_url)


def test_a_caller_can_migrate_over_a_connection_it_already_holds(empty_db_url: str) -> None:
    from alembic import command

    engine = db.make_engine(empty_db_url)
    config = db.alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert db.current_revision(engine) == db.SCHEMA_HEAD
