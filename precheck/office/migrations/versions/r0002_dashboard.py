"""Dashboard: counselor accounts, their sessions, failed sign-ins, audit log, booking status.

Revision ID: 0002_dashboard
Revises: 0001_intake
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from precheck.office.models import UTCDateTime

revision = "0002_dashboard"
down_revision = "0001_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counselor",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_counselor_name"),
    )
    op.create_table(
        "counselor_session",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column(
            "counselor_id",
            sa.Integer(),
            sa.ForeignKey("counselor.id", ondelete="CASCADE", name="fk_session_counselor"),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_counselor_session_counselor_id", "counselor_session", ["counselor_id"])
    op.create_table(
        "login_failure",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_booking_id", "audit_log", ["booking_id"])
    op.create_table(
        "booking_status",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "booking_id",
            sa.Integer(),
            sa.ForeignKey("booking.id", ondelete="CASCADE", name="fk_booking_status_booking"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("slot", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_booking_status_booking_id", "booking_status", ["booking_id"])


def downgrade() -> None:
    op.drop_table("booking_status")
    op.drop_table("audit_log")
    op.drop_table("login_failure")
    op.drop_table("counselor_session")
    op.drop_table("counselor")
