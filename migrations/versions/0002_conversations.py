"""Conversation state.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(32)),
        sa.Column("form", sa.String(32)),
        sa.Column("form_state", sa.JSON, nullable=False),
        sa.Column("district", sa.String(32)),
    )


def downgrade() -> None:
    op.drop_table("conversations")
