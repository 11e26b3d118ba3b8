"""accounts, users, memberships and the change feed

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from charter.storage.tables import UTCDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sid", sa.String(length=34), nullable=False),
        sa.Column("owner_account_sid", sa.String(length=34), nullable=False),
        sa.Column("friendly_name", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("auth_token_enc", sa.Text(), nullable=False),
        sa.Column("secondary_auth_token_enc", sa.Text(), nullable=True),
        sa.Column("secondary_auth_token_created", UTCDateTime(), nullable=True),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.Column("date_updated", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_accounts")),
        sa.UniqueConstraint("sid", name=op.f("uq_accounts_sid")),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_accounts_owner_account_sid"), ["owner_account_sid"], unique=False
        )

    op.create_table(
        "change_feed",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_feed")),
    )
    with op.batch_alter_table("change_feed", schema=None) as batch_op:
        batch_op.create_index("ix_change_feed_created_at", ["created_at"], unique=False)

    op.create_table(
        "users",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sid", sa.String(length=34), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("date_created", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("sid", name=op.f("uq_users_sid")),
    )
    op.create_table(
        "memberships",
        sa.Column("user_sid", sa.String(length=34), nullable=False),
        sa.Column("account_sid", sa.String(length=34), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_sid"],
            ["accounts.sid"],
            name=op.f("fk_memberships_account_sid_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_sid"],
            ["users.sid"],
            name=op.f("fk_memberships_user_sid_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_sid", "account_sid", name=op.f("pk_memberships")),
    )


def downgrade() -> None:
    op.drop_table("memberships")
    op.drop_table("users")
    with op.batch_alter_table("change_feed", schema=None) as batch_op:
        batch_op.drop_index("ix_change_feed_created_at")

    op.drop_table("change_feed")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_owner_account_sid"))

    op.drop_table("accounts")
