"""feedback as cases: a state with who and when, an assignee, a theme, a receipt (its hash
only), a public reply and when it was published, and staff's internal notes in a table of
their own

Feedback already read becomes "read"; the rest "new".

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

STAFF_FKS = ("state_by_id", "assigned_to_id", "reply_by_id")


def upgrade():
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), server_default="new", nullable=False)
        )
        batch_op.add_column(sa.Column("state_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("state_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("theme", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("receipt_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("reply", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reply_translated", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("reply_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reply_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        for column in STAFF_FKS:
            batch_op.create_foreign_key(
                batch_op.f(f"fk_feedback_{column}_staff_user"), "staff_user", [column], ["id"]
            )
        batch_op.create_unique_constraint(batch_op.f("uq_feedback_receipt_hash"), ["receipt_hash"])
        batch_op.create_index(batch_op.f("ix_feedback_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_feedback_assigned_to_id"), ["assigned_to_id"], unique=False
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_feedback_state"),
            "state IN ('new', 'read', 'in_progress', 'handled', 'no_action')",
        )
    op.execute("UPDATE feedback SET state = 'read' WHERE read_at IS NOT NULL")
    op.create_table(
        "feedback_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_user.id"], name=op.f("fk_feedback_note_author_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_note_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_note")),
    )
    with op.batch_alter_table("feedback_note", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feedback_note_feedback_id"), ["feedback_id"], unique=False
        )


def downgrade():
    op.drop_table("feedback_note")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_feedback_state"), type_="check")
        batch_op.drop_index(batch_op.f("ix_feedback_assigned_to_id"))
        batch_op.drop_index(batch_op.f("ix_feedback_state"))
        batch_op.drop_constraint(batch_op.f("uq_feedback_receipt_hash"), type_="unique")
        for column in STAFF_FKS:
            batch_op.drop_constraint(
                batch_op.f(f"fk_feedback_{column}_staff_user"), type_="foreignkey"
            )
        for column in (
            "published_at",
            "reply_by_id",
            "reply_at",
            "reply_translated",
            "reply",
            "receipt_hash",
            "theme",
            "assigned_to_id",
            "handled_at",
            "state_by_id",
            "state_at",
            "state",
        ):
            batch_op.drop_column(column)
