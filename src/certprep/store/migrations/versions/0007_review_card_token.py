"""Review cards get an opaque token, so the review page never posts a question key (an item id).

Revision ID: 0007
Revises: 0006
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_cards") as batch:
        batch.add_column(sa.Column("token", sa.String(24), nullable=True))
    cards = sa.table("review_cards", sa.column("user_id"), sa.column("key"), sa.column("token"))
    conn = op.get_bind()
    for user_id, key in conn.execute(sa.select(cards.c.user_id, cards.c.key)).all():
        conn.execute(cards.update().where(cards.c.user_id == user_id, cards.c.key == key)
                     .values(token=secrets.token_urlsafe(12)))
    with op.batch_alter_table("review_cards") as batch:
        batch.alter_column("token", existing_type=sa.String(24), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("review_cards") as batch:
        batch.drop_column("token")
