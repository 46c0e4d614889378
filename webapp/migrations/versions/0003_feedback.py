"""posters with their own codes, scan counts per poster and day, residents' feedback

New tables only, so nothing existing is copied on SQLite. Feedback has no column for an IP
address, a user agent or a session id, by design.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 12:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "poster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_poster_created_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["place_id"], ["place.id"], name=op.f("fk_poster_place_id_place")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster")),
        sa.UniqueConstraint("code", name=op.f("uq_poster_code")),
    )
    with op.batch_alter_table("poster", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_poster_place_id"), ["place_id"], unique=False)

    op.create_table(
        "poster_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poster_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poster_id"],
            ["poster.id"],
            name=op.f("fk_poster_scan_poster_id_poster"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_scan")),
        sa.UniqueConstraint("poster_id", "day", name=op.f("uq_poster_scan_poster_id")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("poster_id", sa.Integer(), nullable=True),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("met_police", sa.String(length=8), nullable=True),
        sa.Column("safety", sa.SmallInteger(), nullable=True),
        sa.Column("reach_ease", sa.SmallInteger(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("comment_masked", sa.Text(), nullable=True),
        sa.Column("masked_at", sa.DateTime(), nullable=True),
        sa.Column("masked_by_id", sa.Integer(), nullable=True),
        sa.Column("wants_contact", sa.Boolean(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_details", sa.String(length=254), nullable=True),
        sa.Column("contact_consent", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("read_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "met_police IN ('met', 'saw', 'no')", name=op.f("ck_feedback_met_police")
        ),
        sa.CheckConstraint("safety BETWEEN 1 AND 5", name=op.f("ck_feedback_safety")),
        sa.CheckConstraint("reach_ease BETWEEN 1 AND 5", name=op.f("ck_feedback_reach_ease")),
        sa.ForeignKeyConstraint(
            ["masked_by_id"], ["staff_user.id"], name=op.f("fk_feedback_masked_by_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["place.id"], name=op.f("fk_feedback_place_id_place")
        ),
        sa.ForeignKeyConstraint(
            ["poster_id"], ["poster.id"], name=op.f("fk_feedback_poster_id_poster")
        ),
        sa.ForeignKeyConstraint(
            ["read_by_id"], ["staff_user.id"], name=op.f("fk_feedback_read_by_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_place_id"), ["place_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_feedback_poster_id"), ["poster_id"], unique=False)


def downgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_poster_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_place_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_created_at"))

    op.drop_table("feedback")
    op.drop_table("poster_scan")
    with op.batch_alter_table("poster", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_poster_place_id"))

    op.drop_table("poster")
