"""a partial index on the offerings whose rarely set columns are set

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 06:40:00.000000

The snapshot reads ten rarely set offering columns apart, from the rows where one of them is
set; this index finds those rows without a second scan of the table (25 ms -> 3 ms at 300,000
offerings on PostgreSQL). The predicate is written out here, as migrations keep the shapes
they were written with.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREDICATE = (
    "endpoint_name IS NOT NULL OR notes IS NOT NULL OR lifecycle_note IS NOT NULL"
    " OR deprecated_on IS NOT NULL OR deprecated_source_id IS NOT NULL"
    " OR deprecated_note IS NOT NULL OR retires_on IS NOT NULL OR retires_meaning IS NOT NULL"
    " OR retires_source_id IS NOT NULL OR retires_note IS NOT NULL"
)


def upgrade() -> None:
    op.create_index(
        "ix_offerings_read_apart",
        "offerings",
        ["id"],
        unique=False,
        postgresql_where=sa.text(PREDICATE),
        sqlite_where=sa.text(PREDICATE),
    )


def downgrade() -> None:
    op.drop_index("ix_offerings_read_apart", table_name="offerings")
