"""staff accounts signed in through an organisation's OpenID Provider: (issuer, subject)

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-07 14:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("oidc_issuer", sa.String(255)))
        batch.add_column(sa.Column("oidc_subject", sa.String(255)))
        batch.create_unique_constraint("uq_staff_user_oidc", ["oidc_issuer", "oidc_subject"])


def downgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint("uq_staff_user_oidc", type_="unique")
        batch.drop_column("oidc_subject")
        batch.drop_column("oidc_issuer")
