"""a schedule stamp per municipality: an edit in one municipality moves its own stamp, so no
other municipality's cached pages and feeds are dropped; the row without a municipality
(the one there was) moves for changes that are no one municipality's (areas, municipalities,
promises)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("schedule_stamp", schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_schedule_stamp_municipality_id_municipality"),
            "municipality",
            ["municipality_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_schedule_stamp_municipality_id"), ["municipality_id"]
        )


def downgrade():
    # The one stamp left must not move backwards: it takes the newest of them all.
    connection = op.get_bind()
    newest = connection.execute(sa.text("SELECT max(changed_at) FROM schedule_stamp")).scalar()
    connection.execute(sa.text("DELETE FROM schedule_stamp"))
    if newest is not None:
        connection.execute(
            sa.text("INSERT INTO schedule_stamp (id, changed_at) VALUES (1, :newest)"),
            {"newest": newest},
        )
    with op.batch_alter_table("schedule_stamp", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_schedule_stamp_municipality_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_schedule_stamp_municipality_id_municipality"), type_="foreignkey"
        )
        batch_op.drop_column("municipality_id")
