"""where a moved presence slot was before its last move, so pages and feeds can say so

Revision ID: 0008
Revises: 0003
Create Date: 2026-12-01 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("presence_slot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moved_from_start", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("moved_from_end", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("moved_from_place_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_presence_slot_moved_from_place_id_place"),
            "place",
            ["moved_from_place_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_presence_slot_moved_from_start"), ["moved_from_start"], unique=False
        )


def downgrade():
    with op.batch_alter_table("presence_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presence_slot_moved_from_start"))
        batch_op.drop_constraint(
            batch_op.f("fk_presence_slot_moved_from_place_id_place"), type_="foreignkey"
        )
        batch_op.drop_column("moved_from_place_id")
        batch_op.drop_column("moved_from_end")
        batch_op.drop_column("moved_from_start")
