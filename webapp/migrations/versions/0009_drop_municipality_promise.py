"""drop municipality.promise_*: promises are rows of their own since 0006 and nothing reads these

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-01 18:30:00

A downgrade adds the columns back empty; the data file's promises (table promise) are the
source, and `flask load-calendars` fills what older code reads.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("promise_title", sa.String(length=300)),
    ("promise_summary", sa.Text()),
    ("promise_url", sa.String(length=500)),
    ("promise_period", sa.String(length=50)),
)


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        for name, _type in reversed(COLUMNS):
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
