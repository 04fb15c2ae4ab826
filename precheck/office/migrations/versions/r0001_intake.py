"""Intake: the booking table.

Revision ID: 0001_intake
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from precheck.office.models import UTCDateTime

revision = "0001_intake"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("job_seeker_number", sa.String(16), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("topic", sa.Text(), nullable=True),
        sa.Column("interpreter", sa.Text(), nullable=True),
        sa.Column("private_room", sa.Boolean(), nullable=False),
        sa.Column("consent_at", UTCDateTime(), nullable=False),
        sa.Column("terms_url", sa.Text(), nullable=False),
        sa.Column("office", sa.String(64), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("session_at", UTCDateTime(), nullable=False),
        sa.Column("session_end", UTCDateTime(), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=True),
        sa.Column("verification_state", sa.String(32), nullable=False),
        sa.Column("verification_valid", sa.Boolean(), nullable=False),
        sa.Column("verification_reasons", sa.JSON(), nullable=False),
        sa.Column("report_overall", sa.String(32), nullable=True),
        sa.Column("key_fingerprint", sa.String(128), nullable=True),
        sa.Column("verified_at", UTCDateTime(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("reference", name="uq_booking_reference"),
        sa.UniqueConstraint("idempotency_key", name="uq_booking_idempotency_key"),
    )
    op.create_index("ix_booking_job_seeker_number", "booking", ["job_seeker_number"])
    op.create_index("ix_booking_session_at", "booking", ["session_at"])
    op.create_index("ix_booking_session_end", "booking", ["session_end"])
    op.create_index("ix_booking_purged_at", "booking", ["purged_at"])


def downgrade() -> None:
    op.drop_table("booking")
