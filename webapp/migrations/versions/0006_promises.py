"""promises from the data file (commitments, activities) and what staff recorded was done

New tables only. Municipality.promise_* stay (unused from now on) so a downgrade loses nothing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "promise",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("example_data", sa.Boolean(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise")),
        sa.UniqueConstraint("key", name=op.f("uq_promise_key")),
    )
    op.create_table(
        "promise_commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_commitment_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_commitment")),
        sa.UniqueConstraint(
            "promise_id", "position", name=op.f("uq_promise_commitment_promise_id")
        ),
    )
    op.create_table(
        "promise_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=20), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("publish", sa.String(length=20), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("target_per", sa.String(length=10), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["promise_commitment.id"],
            name=op.f("fk_promise_activity_commitment_id_promise_commitment"),
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_activity_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_activity")),
        sa.UniqueConstraint("promise_id", "key", name=op.f("uq_promise_activity_promise_id")),
    )
    with op.batch_alter_table("promise_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promise_activity_commitment_id"), ["commitment_id"], unique=False
        )
    op.create_table(
        "promise_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["promise_activity.id"],
            name=op.f("fk_promise_entry_activity_id_promise_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["staff_user.id"],
            name=op.f("fk_promise_entry_created_by_id_staff_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_entry")),
    )
    with op.batch_alter_table("promise_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promise_entry_activity_id"), ["activity_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("promise_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_entry_activity_id"))
    op.drop_table("promise_entry")
    with op.batch_alter_table("promise_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_promise_activity_commitment_id"))
    op.drop_table("promise_activity")
    op.drop_table("promise_commitment")
    op.drop_table("promise")
