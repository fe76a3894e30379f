"""Handoffs to hotline operators and what happened to them.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("handoff_id", sa.Integer))
        batch.add_column(sa.Column("flow", sa.JSON))
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ticket", sa.String(16), nullable=False, unique=True),
        sa.Column(
            "conversation_id",
            sa.String(80),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False),
        sa.Column("topic", sa.String(32)),
        sa.Column("intent", sa.String(64)),
        sa.Column("entities", sa.JSON),
        sa.Column("district", sa.String(32)),
        sa.Column("description", sa.Text),
        sa.Column("contact", sa.String(64)),
        sa.Column("thread_id", sa.Integer),
        sa.Column("requested_at", _WHEN, nullable=False),
        sa.Column("claimed_at", _WHEN),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("operator_label", sa.String(64)),
        sa.Column("first_reply_at", _WHEN),
        sa.Column("last_citizen_at", _WHEN),
        sa.Column("last_operator_at", _WHEN),
        sa.Column("reminded_at", _WHEN),
        sa.Column("escalated_at", _WHEN),
        sa.Column("flagged_at", _WHEN),
        sa.Column("closed_at", _WHEN),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("close_code", sa.String(32)),
        sa.Column("rating", sa.Integer),
        sa.Column("comment", sa.Text),
        sa.Column("rated_at", _WHEN),
    )
    op.create_index("ix_handoffs_status", "handoffs", ["status"])
    op.create_index("ix_handoffs_conversation", "handoffs", ["conversation_id"])
    op.create_index("ix_handoffs_thread", "handoffs", ["thread_id"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "handoff_id",
            sa.Integer,
            sa.ForeignKey("handoffs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("actor", sa.String(64)),
        sa.Column("external_id", sa.String(64), unique=True),
        sa.Column("body", sa.Text),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_handoff_events_handoff", "handoff_events", ["handoff_id", "id"])


def downgrade() -> None:
    op.drop_table("handoff_events")
    op.drop_table("handoffs")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("flow")
        batch.drop_column("handoff_id")
