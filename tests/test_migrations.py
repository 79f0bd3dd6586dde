"""The four standard migration tests (as pytest-alembic runs them), on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from catalog.store import db
from catalog.store.models import ANY_READ_APART, Base


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


def test_upgrading_to_0002_keeps_the_data_of_a_loaded_0001_catalog(empty_db_url: str) -> None:
    """0002 adds tables and two nullable columns; the rows a 0001 catalog holds survive it."""
    from sqlalchemy import text

    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO sources (id, key, title, verified) VALUES (1, 's', 'A source', true)")
        )
        connection.execute(
            text(
                "INSERT INTO task_types (id, slug, name, endpoint_type) VALUES (1, 'chat', 'Chat', 'llm/v1/chat')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO providers (id, slug, name, source_id) VALUES (1, 'openai', 'OpenAI', 1)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO custom_model_rules (id, provider_id, task_type_id, source_id, note) "
                "VALUES (1, 1, 1, 1, 'kept')"
            )
        )
    db.upgrade(engine, "0002")
    with engine.connect() as connection:
        rule = connection.execute(
            text("SELECT provider_id, note, naming, pattern FROM custom_model_rules")
        ).one()
        assert tuple(rule) == (1, "kept", None, None)
        assert connection.execute(text("SELECT count(*) FROM name_forms")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM model_versions")).scalar() == 0
    db.downgrade(engine, "0001")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT note FROM custom_model_rules")).scalar() == "kept"


def test_upgrading_to_0003_keeps_the_publishers_of_a_loaded_0002_catalog(empty_db_url: str) -> None:
    """0003 adds one nullable column, a publisher's own API; the rows a 0002 catalog holds
    survive it, and going back down drops only that column."""
    from sqlalchemy import text

    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0002")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO sources (id, key, title, verified) VALUES (1, 's', 'A source', true)")
        )
        connection.execute(
            text(
                "INSERT INTO providers (id, slug, name, source_id) VALUES (1, 'openai', 'OpenAI', 1)"
            )
        )
        connection.execute(
            text("INSERT INTO publishers (id, slug, name) VALUES (1, 'openai', 'OpenAI')")
        )
    db.upgrade(engine, "0003")
    with engine.begin() as connection:
        row = connection.execute(text("SELECT slug, name, own_provider_id FROM publishers")).one()
        assert tuple(row) == ("openai", "OpenAI", None)
        connection.execute(text("UPDATE publishers SET own_provider_id = 1"))
    db.downgrade(engine, "0002")
    with engine.connect() as connection:
        assert tuple(connection.execute(text("SELECT slug, name FROM publishers")).one()) == (
            "openai",
            "OpenAI",
        )
    db.upgrade(engine, "0003")
    assert db.current_revision(engine) == "0003"


def test_a_publishers_own_provider_must_exist(migrated_url: str) -> None:
    """The column is a real foreign key: a publisher cannot name a provider that is not there."""
    import pytest
    from sqlalchemy import exc, text

    engine = db.make_engine(migrated_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO publishers (id, slug, name) VALUES (1, 'p', 'P')"))
    with pytest.raises(exc.IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE publishers SET own_provider_id = 99"))


def test_a_0001_catalog_loads_the_new_seed_after_upgrading(empty_db_url: str) -> None:
    """Upgrading a database that holds the old catalog, then loading, fills the new tables."""
    from sqlalchemy import text

    from catalog.seed.load import load_seed
    from catalog.store.resources import seed_path

    engine = db.make_engine(empty_db_url)
    db.upgrade(engine)
    load_seed(engine, seed_path())
    db.downgrade(engine, "0001")  # a catalog as 0001 held it: every old row stays
    with engine.connect() as connection:
        models = connection.execute(text("SELECT count(*) FROM models")).scalar()
    db.upgrade(engine)
    load_seed(engine, seed_path())
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM models")).scalar() == models
        assert connection.execute(text("SELECT count(*) FROM name_forms")).scalar() > 0
        versions = connection.execute(
            text("SELECT name FROM model_versions WHERE name = 'gpt-35-turbo-0613'")
        ).all()
        assert len(versions) == 1
        own = connection.execute(
            text(
                "SELECT providers.slug FROM publishers JOIN providers "
                "ON providers.id = publishers.own_provider_id WHERE publishers.slug = 'openai'"
            )
        ).scalar()
        assert own == "openai"


def test_0004_indexes_the_offerings_a_loaded_0003_catalog_holds(empty_db_url: str) -> None:
    """0004 adds one partial index over the offerings whose rarely set columns are set: the
    rows survive it both ways, and the index holds exactly those rows."""
    from sqlalchemy import inspect, text

    engine = db.make_engine(empty_db_url)
    db.upgrade(engine, "0003")
    with engine.begin() as connection:
        for statement in (
            "INSERT INTO sources (id, key, title, verified) VALUES (1, 's', 'A source', true)",
            "INSERT INTO providers (id, slug, name, source_id) VALUES (1, 'p', 'P', 1)",
            "INSERT INTO publishers (id, slug, name) VALUES (1, 'p', 'P')",
            "INSERT INTO serving_modes (id, slug, name) VALUES (1, 'pay_per_token', 'PPT')",
            "INSERT INTO task_types (id, slug, name, endpoint_type) VALUES (1, 'chat', 'Chat', 'c')",
            "INSERT INTO task_types (id, slug, name, endpoint_type) VALUES (2, 'embeddings', 'E', 'e')",
            "INSERT INTO models (id, name, name_key, publisher_id, source_id)"
            " VALUES (1, 'm', 'm', 1, 1)",
            "INSERT INTO offerings (id, model_id, provider_id, serving_mode_id, task_type_id,"
            " source_id, lifecycle_basis) VALUES (1, 1, 1, 1, 1, 1, 'active')",
            "INSERT INTO offerings (id, model_id, provider_id, serving_mode_id, task_type_id,"
            " source_id, lifecycle_basis, notes) VALUES (2, 1, 1, 1, 2, 1, 'active', 'a note')",
        ):
            connection.execute(text(statement))
    db.upgrade(engine, "0004")
    assert "ix_offerings_read_apart" in {
        i["name"] for i in inspect(engine).get_indexes("offerings")
    }
    with engine.connect() as connection:
        apart = text(f"SELECT id FROM offerings WHERE {ANY_READ_APART}")
        assert connection.execute(apart).scalars().all() == [2]
        assert connection.execute(text("SELECT count(*) FROM offerings")).scalar() == 2
    db.downgrade(engine, "0003")
    assert "ix_offerings_read_apart" not in {
        i["name"] for i in inspect(engine).get_indexes("offerings")
    }
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM offerings")).scalar() == 2
