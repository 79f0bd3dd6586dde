"""a publisher's own API: publishers.own_provider_id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 04:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "fk_publishers_own_provider_id_providers"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its foreign key in place. Batch mode would copy the table
        # and drop the old one, which models and architectures reference: refused while
        # foreign keys are enforced, as they are over a connection the caller holds.
        op.execute(
            "ALTER TABLE publishers ADD COLUMN own_provider_id INTEGER "
            f"CONSTRAINT {FK_NAME} REFERENCES providers (id)"
        )
    else:
        op.add_column("publishers", sa.Column("own_provider_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f(FK_NAME),
            "publishers",
            "providers",
            ["own_provider_id"],
            ["id"],
        )
    op.create_index(
        op.f("ix_publishers_own_provider_id"), "publishers", ["own_provider_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_publishers_own_provider_id"), table_name="publishers")
    # Dropping the column drops its foreign key too (on SQLite by copying the table: see
    # migrations/env.py for why foreign keys are paused meanwhile).
    with op.batch_alter_table("publishers", schema=None) as batch_op:
        batch_op.drop_column("own_provider_id")
