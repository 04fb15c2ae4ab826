"""Production: a per-booking cache of report verification for the day view.

Revision ID: 0003_production
Revises: 0002_dashboard
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from precheck.office.models import UTCDateTime

revision = "0003_production"
down_revision = "0002_dashboard"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification_cache",
        sa.Column(
            "booking_id",
            sa.Integer(),
            sa.ForeignKey("booking.id", ondelete="CASCADE", name="fk_verification_booking"),
            primary_key=True,
        ),
        sa.Column("report_digest", sa.String(64), nullable=False),
        sa.Column("catalogue_digest", sa.String(64), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=False),
        sa.Column("recheck_after", UTCDateTime(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verification_cache")
