"""Exam-UI extras: intro screens seen, options struck through, answers shown in practice.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("intro_seen", sa.Integer(), nullable=False, server_default="-1"))
    with op.batch_alter_table("attempt_questions") as batch:
        batch.add_column(sa.Column("struck", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("revealed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("attempt_questions") as batch:
        batch.drop_column("revealed")
        batch.drop_column("struck")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("intro_seen")
