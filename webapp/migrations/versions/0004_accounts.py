"""staff accounts a municipality can run: password links, two-step login, recovery codes,
login history

staff_user and user_session only gain columns (ALTER TABLE ADD/DROP COLUMN on both
databases): copying staff_user on SQLite would cascade-delete the rows that refer to it.

Revision ID: 0004
Revises: 0006
Create Date: 2026-12-01 15:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None

USER_COLUMNS = (
    "must_set_password",
    "totp_secret",
    "totp_enabled_at",
    "totp_last_step",
    "language",
)


def upgrade():
    op.add_column(
        "staff_user",
        sa.Column("must_set_password", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("staff_user", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("staff_user", sa.Column("totp_enabled_at", sa.DateTime(), nullable=True))
    op.add_column("staff_user", sa.Column("totp_last_step", sa.Integer(), nullable=True))
    op.add_column("staff_user", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column(
        "user_session",
        sa.Column("complete", sa.Boolean(), server_default=sa.true(), nullable=False),
    )
    op.create_table(
        "password_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("password_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_password_token_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_token_token_hash")),
    )
    op.create_index(op.f("ix_password_token_user_id"), "password_token", ["user_id"], unique=False)
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_recovery_code_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_user_id"), "recovery_code", ["user_id"], unique=False)
    op.create_table(
        "login_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_login_record_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_record")),
    )
    op.create_index(op.f("ix_login_record_user_id"), "login_record", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_login_record_user_id"), table_name="login_record")
    op.drop_table("login_record")
    op.drop_index(op.f("ix_recovery_code_user_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    op.drop_index(op.f("ix_password_token_user_id"), table_name="password_token")
    op.drop_table("password_token")
    # Plain DROP COLUMN (SQLite >= 3.35, PostgreSQL): no table copy, nothing cascades.
    op.execute("ALTER TABLE user_session DROP COLUMN complete")
    for column in USER_COLUMNS:
        op.execute(f"ALTER TABLE staff_user DROP COLUMN {column}")
