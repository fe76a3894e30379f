"""Indexes for the statistics of a period.

Every figure of the dashboard reads the inbound messages of a time range and groups
them by a few columns; this index holds all of those columns, so a period's figures
are read from the index alone instead of from every message ever stored.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PERIOD_COLUMNS = ["direction", "created_at", "kind", "topic", "intent", "channel",
                  "conversation_id"]  # fmt: skip


def upgrade() -> None:
    op.create_index("ix_messages_period", "messages", PERIOD_COLUMNS)
    op.create_index("ix_handoffs_requested", "handoffs", ["requested_at"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_requested", "handoffs")
    op.drop_index("ix_messages_period", "messages")
