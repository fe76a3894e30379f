"""Messages in and out, and who holds a conversation.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("channel", sa.String(16)))
        batch.add_column(sa.Column("human", sa.String(64)))
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "conversation_id",
            sa.String(80),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("external_id", sa.String(64)),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("data", sa.JSON),
        sa.Column("status", sa.String(16)),
        sa.Column("replies", sa.JSON),
        sa.Column("reply_to", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE")),
        sa.Column("sent_ref", sa.String(64)),
        sa.Column("intent", sa.String(64)),
        sa.Column("topic", sa.String(32)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("channel", "external_id"),
    )
    op.create_index("ix_messages_conversation", "messages", ["conversation_id", "id"])
    op.create_index("ix_messages_status", "messages", ["status"])


def downgrade() -> None:
    op.drop_table("messages")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("human")
        batch.drop_column("channel")
