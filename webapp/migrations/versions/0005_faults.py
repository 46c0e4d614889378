"""spent feedback form tokens, so one token sends one submission

A new table only: the SHA-256 of each token used for a stored submission and when it
expires. Nothing about the person.

Revision ID: 0005
Revises: 0008
Create Date: 2026-12-01 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "spent_feedback_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_spent_feedback_token")),
    )
    with op.batch_alter_table("spent_feedback_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spent_feedback_token_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("spent_feedback_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spent_feedback_token_expires_at"))
    op.drop_table("spent_feedback_token")
