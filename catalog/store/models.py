"""The relational schema: SQLAlchemy 2 typed ORM classes.

The schema lives here and in `migrations/` only; a test proves the two agree.
ORM objects never leave the store: the snapshot reads rows into plain records.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from catalog.vocabulary import (
    NAME_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    AliasKind,
    DateMeaning,
    LifecycleBasis,
    ServingMode,
    Task,
    VersionShape,
    sql_choices,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

IntPk = Annotated[int, mapped_column(Integer, primary_key=True)]
SlugColumn = Annotated[str, mapped_column(String(SLUG_MAX_LENGTH))]
NameColumn = Annotated[str, mapped_column(String(NAME_MAX_LENGTH))]
OptionalText = Annotated[str | None, mapped_column(Text)]

MEANINGS = sql_choices(DateMeaning)

# Offering columns that are NULL in most rows. The snapshot reads them apart, from the rows
# where one of them is set, found through a partial index on that condition: a few thousand
# rows out of 300,000, without scanning the table a second time.
OFFERING_COLUMNS_READ_APART = (
    "endpoint_name",
    "notes",
    "lifecycle_note",
    "deprecated_on",
    "deprecated_source_id",
    "deprecated_note",
    "retires_on",
    "retires_meaning",
    "retires_source_id",
    "retires_note",
)
ANY_READ_APART = " OR ".join(f"{name} IS NOT NULL" for name in OFFERING_COLUMNS_READ_APART)


def _fk(target: str, *, nullable: bool = False, index: bool = True) -> Mapped[int]:
    """A foreign key column; RESTRICT so that a parent with children is never dropped silently."""
    return mapped_column(
        Integer, ForeignKey(target, ondelete="RESTRICT"), nullable=nullable, index=index
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CatalogRevision(Base):
    """One row per load that changed something; the newest row is the catalog's revision."""

    __tablename__ = "catalog_revisions"

    id: Mapped[IntPk]
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seed_sha256: Mapped[str] = mapped_column(String(64))
    summary: Mapped[OptionalText]


class Source(Base):
    """Where a fact comes from, and whether it was checked against the vendor's own text."""

    __tablename__ = "sources"

    id: Mapped[IntPk]
    key: Mapped[SlugColumn] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[OptionalText]
    verified: Mapped[bool] = mapped_column(Boolean)
    read_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[OptionalText]


class Publisher(Base):
    """Who made models; `own_provider_id` is the provider that is its own first-party API,
    which a model name written with no provider reads as."""

    __tablename__ = "publishers"

    id: Mapped[IntPk]
    slug: Mapped[SlugColumn] = mapped_column(unique=True)
    name: Mapped[NameColumn]
    # NO ACTION rather than RESTRICT (either refuses to drop a provider a publisher names):
    # SQLite adds this column in place, and reads back no ON DELETE of a column's own key.
    own_provider_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("providers.id"), index=True
    )


class TaskType(Base):
    __tablename__ = "task_types"
    __table_args__ = (CheckConstraint(f"slug IN {sql_choices(Task)}", name="known_task"),)

    id: Mapped[IntPk]
    slug: Mapped[SlugColumn] = mapped_column(unique=True)
    name: Mapped[NameColumn]
    endpoint_type: Mapped[str] = mapped_column(String(SLUG_MAX_LENGTH), unique=True)


class ServingModeRow(Base):
    __tablename__ = "serving_modes"
    __table_args__ = (CheckConstraint(f"slug IN {sql_choices(ServingMode)}", name="known_mode"),)

    id: Mapped[IntPk]
    slug: Mapped[SlugColumn] = mapped_column(unique=True)
    name: Mapped[NameColumn]
    note: Mapped[OptionalText]


class Provider(Base):
    """Who serves models; `config_provider` is the slug used in external-model endpoint configs."""

    __tablename__ = "providers"

    id: Mapped[IntPk]
    slug: Mapped[SlugColumn] = mapped_column(unique=True)
    name: Mapped[NameColumn]
    config_provider: Mapped[str | None] = mapped_column(String(SLUG_MAX_LENGTH))
    openai_api_type: Mapped[str | None] = mapped_column(String(SLUG_MAX_LENGTH))
    source_id: Mapped[int] = _fk("sources.id")
    note: Mapped[OptionalText]


class CustomModelRule(Base):
    """A provider that accepts fine-tuned model names for one task."""

    __tablename__ = "custom_model_rules"
    __table_args__ = (UniqueConstraint("provider_id", "task_type_id"),)

    id: Mapped[IntPk]
    provider_id: Mapped[int] = _fk("providers.id", index=False)
    task_type_id: Mapped[int] = _fk("task_types.id")
    source_id: Mapped[int] = _fk("sources.id")
    note: Mapped[OptionalText]
    naming: Mapped[OptionalText]
    pattern: Mapped[OptionalText]


class Architecture(Base):
    """A model family that provisioned throughput can deploy."""

    __tablename__ = "architectures"

    id: Mapped[IntPk]
    name: Mapped[NameColumn] = mapped_column(unique=True)
    name_key: Mapped[NameColumn] = mapped_column(unique=True)
    publisher_id: Mapped[int] = _fk("publishers.id")
    license: Mapped[OptionalText]
    embeddings_normalized: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[OptionalText]
    source_id: Mapped[int] = _fk("sources.id")


class ArchitectureTask(Base):
    __tablename__ = "architecture_tasks"
    __table_args__ = (UniqueConstraint("architecture_id", "task_type_id"),)

    id: Mapped[IntPk]
    architecture_id: Mapped[int] = _fk("architectures.id", index=False)
    task_type_id: Mapped[int] = _fk("task_types.id")


class ArchitectureAlias(Base):
    """Another name of an architecture; also a prefix that Hugging Face style ids match."""

    __tablename__ = "architecture_aliases"

    id: Mapped[IntPk]
    architecture_id: Mapped[int] = _fk("architectures.id")
    alias: Mapped[NameColumn]
    alias_key: Mapped[NameColumn] = mapped_column(unique=True)


class Model(Base):
    """One named model, identified by its provider's real identifier."""

    __tablename__ = "models"

    id: Mapped[IntPk]
    name: Mapped[NameColumn] = mapped_column(unique=True)
    name_key: Mapped[NameColumn] = mapped_column(unique=True)
    display_name: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    publisher_id: Mapped[int] = _fk("publishers.id")
    family: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH))
    architecture_id: Mapped[int | None] = _fk("architectures.id", nullable=True)
    license: Mapped[OptionalText]
    embeddings_normalized: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[OptionalText]
    source_id: Mapped[int] = _fk("sources.id")


class Alias(Base):
    """Another name for a model: display or translated names, prefixed ids, `-latest` pointers."""

    __tablename__ = "aliases"
    __table_args__ = (
        CheckConstraint(
            f"kind IN {sql_choices(AliasKind)}",
            name="known_kind",
        ),
    )

    id: Mapped[IntPk]
    model_id: Mapped[int] = _fk("models.id")
    alias: Mapped[NameColumn]
    alias_key: Mapped[NameColumn] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(16))


class Offering(Base):
    """A model served by a provider in a serving mode for one task, with its lifecycle dates."""

    __tablename__ = "offerings"
    __table_args__ = (
        UniqueConstraint("model_id", "provider_id", "serving_mode_id", "task_type_id"),
        CheckConstraint(f"retires_meaning IN {MEANINGS}", name="retires_meaning"),
        CheckConstraint(
            "(retires_on IS NULL) = (retires_meaning IS NULL)", name="retires_date_has_meaning"
        ),
        CheckConstraint(
            "(retires_on IS NULL) = (retires_source_id IS NULL)", name="retires_date_has_source"
        ),
        CheckConstraint(
            "(deprecated_on IS NULL) = (deprecated_source_id IS NULL)",
            name="deprecated_date_has_source",
        ),
        CheckConstraint(
            f"lifecycle_basis IS NULL OR lifecycle_basis IN {sql_choices(LifecycleBasis)}",
            name="lifecycle_basis",
        ),
        CheckConstraint(
            "retires_on IS NOT NULL OR lifecycle_basis IS NOT NULL", name="lifecycle_stated"
        ),
        Index("ix_offerings_provider_id_serving_mode_id", "provider_id", "serving_mode_id"),
        Index(
            "ix_offerings_read_apart",
            "id",
            postgresql_where=text(ANY_READ_APART),
            sqlite_where=text(ANY_READ_APART),
        ),
    )

    id: Mapped[IntPk]
    model_id: Mapped[int] = _fk("models.id", index=False)
    provider_id: Mapped[int] = _fk("providers.id", index=False)
    serving_mode_id: Mapped[int] = _fk("serving_modes.id")
    task_type_id: Mapped[int] = _fk("task_types.id")
    endpoint_name: Mapped[str | None] = mapped_column(String(NAME_MAX_LENGTH), unique=True)
    bedrock_provider: Mapped[str | None] = mapped_column(String(SLUG_MAX_LENGTH))
    notes: Mapped[OptionalText]
    source_id: Mapped[int] = _fk("sources.id")
    lifecycle_basis: Mapped[str | None] = mapped_column(String(16))
    lifecycle_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    lifecycle_note: Mapped[OptionalText]
    deprecated_on: Mapped[dt.date | None] = mapped_column(Date)
    deprecated_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    deprecated_note: Mapped[OptionalText]
    retires_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    retires_meaning: Mapped[str | None] = mapped_column(String(16))
    retires_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    retires_note: Mapped[OptionalText]


class LifecycleReport(Base):
    """A second, disagreeing or regional retirement date for an offering, kept beside the primary."""

    __tablename__ = "lifecycle_reports"
    __table_args__ = (
        UniqueConstraint("offering_id", "on_date", "meaning", "source_id"),
        CheckConstraint(f"meaning IN {MEANINGS}", name="meaning"),
    )

    id: Mapped[IntPk]
    offering_id: Mapped[int] = _fk("offerings.id", index=False)
    on_date: Mapped[dt.date] = mapped_column(Date)
    meaning: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = _fk("sources.id")
    note: Mapped[OptionalText]


class Replacement(Base):
    """What takes over from a retired offering: a model, at a provider, in a serving mode."""

    __tablename__ = "replacements"
    __table_args__ = (
        UniqueConstraint("offering_id", "replacement_model_id", "provider_id", "serving_mode_id"),
    )

    id: Mapped[IntPk]
    offering_id: Mapped[int] = _fk("offerings.id", index=False)
    replacement_model_id: Mapped[int] = _fk("models.id")
    provider_id: Mapped[int] = _fk("providers.id")
    serving_mode_id: Mapped[int] = _fk("serving_modes.id")
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[OptionalText]
    source_id: Mapped[int] = _fk("sources.id")


SHAPES = sql_choices(VersionShape)


class NameForm(Base):
    """A way code and tools write a provider's model names: a prefix, or a pattern with a
    group `name`. A form of a provider the catalog does not cover names it in `outside`."""

    __tablename__ = "name_forms"
    __table_args__ = (
        UniqueConstraint("kind", "form"),
        CheckConstraint("kind IN ('prefix', 'pattern')", name="known_kind"),
        CheckConstraint("(provider_id IS NULL) <> (outside IS NULL)", name="provider_or_outside"),
    )

    id: Mapped[IntPk]
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(Text)
    provider_id: Mapped[int | None] = _fk("providers.id", nullable=True)
    outside: Mapped[str | None] = mapped_column(String(200))
    tool: Mapped[NameColumn]
    serving_mode_id: Mapped[int | None] = _fk("serving_modes.id", nullable=True)
    source_id: Mapped[int] = _fk("sources.id")
    note: Mapped[OptionalText]


class ModelVersionShape(Base):
    """A version shape a model's family uses: only these suffixes are read as its versions."""

    __tablename__ = "model_version_shapes"
    __table_args__ = (
        UniqueConstraint("model_id", "shape"),
        CheckConstraint(f"shape IN {SHAPES}", name="known_shape"),
    )

    id: Mapped[IntPk]
    model_id: Mapped[int] = _fk("models.id", index=False)
    shape: Mapped[str] = mapped_column(String(16))


class ModelVersion(Base):
    """A provider's version of a model, with its own lifecycle where a source gives one."""

    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "provider_id", "version"),
        CheckConstraint(f"shape IN {SHAPES}", name="known_shape"),
        CheckConstraint(f"retires_meaning IN {MEANINGS}", name="retires_meaning"),
        CheckConstraint(
            "(retires_on IS NULL) = (retires_meaning IS NULL)", name="retires_date_has_meaning"
        ),
        CheckConstraint(
            "(retires_on IS NULL) = (retires_source_id IS NULL)", name="retires_date_has_source"
        ),
        CheckConstraint(
            "(deprecated_on IS NULL) = (deprecated_source_id IS NULL)",
            name="deprecated_date_has_source",
        ),
        CheckConstraint(
            "lifecycle_basis IS NULL OR lifecycle_basis IN ('active', 'unknown')",
            name="lifecycle_basis",
        ),
        Index("ix_model_versions_name_key", "name_key"),
    )

    id: Mapped[IntPk]
    model_id: Mapped[int] = _fk("models.id", index=False)
    provider_id: Mapped[int] = _fk("providers.id")
    version: Mapped[str] = mapped_column(String(32))
    shape: Mapped[str] = mapped_column(String(16))
    name: Mapped[NameColumn]
    name_key: Mapped[NameColumn]
    source_id: Mapped[int] = _fk("sources.id")
    note: Mapped[OptionalText]
    own_lifecycle: Mapped[bool] = mapped_column(Boolean)
    lifecycle_basis: Mapped[str | None] = mapped_column(String(16))
    lifecycle_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    lifecycle_note: Mapped[OptionalText]
    deprecated_on: Mapped[dt.date | None] = mapped_column(Date)
    deprecated_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    deprecated_note: Mapped[OptionalText]
    retires_on: Mapped[dt.date | None] = mapped_column(Date)
    retires_meaning: Mapped[str | None] = mapped_column(String(16))
    retires_source_id: Mapped[int | None] = _fk("sources.id", nullable=True)
    retires_note: Mapped[OptionalText]
