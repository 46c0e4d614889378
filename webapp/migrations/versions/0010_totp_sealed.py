"""two-step secrets encrypted at rest: staff_user.totp_secret (base32 in plain text) becomes
totp_secret_sealed (Fernet under a key derived from SECRET_KEY, see webapp/accounts/sealing.py)

A new column rather than a wider one: on SQLite, changing a column's type copies staff_user,
which would cascade-delete the rows that refer to it. Upgrading seals with the app's
SECRET_KEY; downgrading opens with it (or SECRET_KEY_FALLBACKS) and stops when none fits.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:20:00

"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from webapp.accounts.sealing import SecretSealer, Unreadable, keys_of

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

USERS = sa.table(
    "staff_user",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
    sa.column("totp_secret_sealed", sa.String),
)


def _sealer() -> SecretSealer:
    return SecretSealer(keys_of(current_app.config), "totp")


def upgrade():
    op.add_column("staff_user", sa.Column("totp_secret_sealed", sa.String(255), nullable=True))
    connection, sealer = op.get_bind(), _sealer()
    rows = connection.execute(
        sa.select(USERS.c.id, USERS.c.totp_secret).where(USERS.c.totp_secret.is_not(None))
    ).all()
    for user_id, secret in rows:
        connection.execute(
            USERS.update()
            .where(USERS.c.id == user_id)
            .values(totp_secret_sealed=sealer.seal(secret))
        )
    op.drop_column("staff_user", "totp_secret")


def downgrade():
    op.add_column("staff_user", sa.Column("totp_secret", sa.String(64), nullable=True))
    connection, sealer = op.get_bind(), _sealer()
    rows = connection.execute(
        sa.select(USERS.c.id, USERS.c.totp_secret_sealed).where(
            USERS.c.totp_secret_sealed.is_not(None)
        )
    ).all()
    for user_id, sealed in rows:
        try:
            secret, _stale = sealer.open(sealed)
        except Unreadable:
            raise RuntimeError(
                f"staff_user {user_id}: its two-step secret cannot be opened with SECRET_KEY or "
                "SECRET_KEY_FALLBACKS; set the key it was sealed with and downgrade again"
            ) from None
        connection.execute(USERS.update().where(USERS.c.id == user_id).values(totp_secret=secret))
    op.drop_column("staff_user", "totp_secret_sealed")
