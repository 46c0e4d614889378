"""a session signed in through an OpenID Provider keeps the provider's session id (`sid`), so
a back-channel logout token that names only the sid ends that session

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-07 16:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_session") as batch:
        batch.add_column(sa.Column("oidc_sid", sa.String(255)))
        batch.create_index("ix_user_session_oidc_sid", ["oidc_sid"])


def downgrade():
    with op.batch_alter_table("user_session") as batch:
        batch.drop_index("ix_user_session_oidc_sid")
        batch.drop_column("oidc_sid")
