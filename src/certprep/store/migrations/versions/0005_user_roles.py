"""User roles: "author" (item statistics, calibration) or "learner"; the first account is the author.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="learner"))
    # An existing server keeps its first account as the one who can read every learner's answers.
    users = sa.table("users", sa.column("id", sa.String), sa.column("role", sa.String),
                     sa.column("created_at", sa.DateTime))
    first = sa.select(users.c.id).order_by(users.c.created_at, users.c.id).limit(1).scalar_subquery()
    op.execute(users.update().where(users.c.id == first).values(role="author"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("role")
