"""every place, presence pattern and slot, poster, feedback and promise entry belongs to a
municipality; police areas; promises signed by one or several municipalities; a staff
account may belong to one municipality (none: the whole installation, as every account does);
an audit entry names the municipality it happened in

Existing rows are given to the installation's one municipality. A database with rows but no
municipality stops the upgrade (load the data file first); a downgrade stops while more than
one municipality is stored, since the old schema can only hold one.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 13:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OWNED = ("place", "presence_series", "presence_slot", "poster", "feedback", "promise_entry")
# Unique per municipality from now on: (old constraint, column).
PER_MUNICIPALITY = {"place": ("uq_place_slug", "slug"),
                    "presence_series": ("uq_presence_series_file_key", "file_key")}  # fmt: skip


def _the_municipality(connection):
    ids = connection.execute(sa.text("SELECT id FROM municipality ORDER BY id")).scalars().all()
    return ids[0] if ids else None


def upgrade():
    op.create_table(
        "police_area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("default_slug", sa.String(length=64), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_police_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_police_area_slug")),
    )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("police_area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hosts", sa.JSON(), server_default="[]", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_municipality_police_area_id_police_area"),
            "police_area",
            ["police_area_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_municipality_police_area_id"), ["police_area_id"], unique=False
        )

    connection = op.get_bind()
    town = _the_municipality(connection)
    for table in (*OWNED, "promise"):
        op.add_column(table, sa.Column("municipality_id", sa.Integer(), nullable=True))
        if town is not None:
            connection.execute(sa.text(f"UPDATE {table} SET municipality_id = :id"), {"id": town})  # noqa: S608 - fixed names
        elif connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first():  # noqa: S608
            raise RuntimeError(
                f"{table} has rows but no municipality is stored: run `flask load-calendars` "
                "with the old version first"
            )
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_municipality_id_municipality"),
                "municipality",
                ["municipality_id"],
                ["id"],
            )
            batch_op.create_index(
                batch_op.f(f"ix_{table}_municipality_id"), ["municipality_id"], unique=False
            )
            if table in PER_MUNICIPALITY:
                old, column = PER_MUNICIPALITY[table]
                batch_op.drop_constraint(old, type_="unique")
                batch_op.create_unique_constraint(
                    batch_op.f(f"uq_{table}_municipality_id"), ["municipality_id", column]
                )
    with op.batch_alter_table("promise", schema=None) as batch_op:
        batch_op.add_column(sa.Column("police_area_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_promise_key", type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_promise_municipality_id"), ["municipality_id", "key"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_promise_police_area_id"), ["police_area_id", "key"]
        )
        for column, table in (
            ("municipality_id", "municipality"),
            ("police_area_id", "police_area"),
        ):
            batch_op.create_foreign_key(
                batch_op.f(f"fk_promise_{column}_{table}"), table, [column], ["id"]
            )
            batch_op.create_index(batch_op.f(f"ix_promise_{column}"), [column], unique=False)
    op.create_table(
        "promise_municipality",
        sa.Column("promise_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_promise_municipality_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["promise_id"],
            ["promise.id"],
            name=op.f("fk_promise_municipality_promise_id_promise"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "promise_id", "municipality_id", name=op.f("pk_promise_municipality")
        ),
    )
    with op.batch_alter_table("promise_municipality", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_promise_municipality_municipality_id"), ["municipality_id"], unique=False
        )
    for table in ("staff_user", "audit_event"):
        _add_optional_municipality(table)
    connection.execute(
        sa.text(
            "INSERT INTO promise_municipality (promise_id, municipality_id)"
            " SELECT id, municipality_id FROM promise WHERE municipality_id IS NOT NULL"
        )
    )


def _add_optional_municipality(table):
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f(f"fk_{table}_municipality_id_municipality"),
            "municipality",
            ["municipality_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f(f"ix_{table}_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade():
    connection = op.get_bind()
    if connection.execute(sa.text("SELECT COUNT(*) FROM municipality")).scalar() > 1:
        raise RuntimeError(
            "more than one municipality is stored; the schema before 0011 holds one only"
        )
    op.drop_table("promise_municipality")
    for table in ("audit_event", "staff_user"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_municipality_id"))
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_municipality_id_municipality"), type_="foreignkey"
            )
            batch_op.drop_column("municipality_id")
    with op.batch_alter_table("promise", schema=None) as batch_op:
        for column in ("police_area_id", "municipality_id"):
            batch_op.drop_index(batch_op.f(f"ix_promise_{column}"))
        batch_op.drop_constraint(batch_op.f("uq_promise_police_area_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("uq_promise_municipality_id"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_promise_police_area_id_police_area"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_promise_municipality_id_municipality"), type_="foreignkey"
        )
        batch_op.drop_column("police_area_id")
        batch_op.drop_column("municipality_id")
        batch_op.create_unique_constraint("uq_promise_key", ["key"])
    for table in reversed(OWNED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            if table in PER_MUNICIPALITY:
                old, column = PER_MUNICIPALITY[table]
                batch_op.drop_constraint(batch_op.f(f"uq_{table}_municipality_id"), type_="unique")
                batch_op.create_unique_constraint(old, [column])
            batch_op.drop_index(batch_op.f(f"ix_{table}_municipality_id"))
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_municipality_id_municipality"), type_="foreignkey"
            )
            batch_op.drop_column("municipality_id")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_police_area_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_municipality_police_area_id_police_area"), type_="foreignkey"
        )
        batch_op.drop_column("hosts")
        batch_op.drop_column("police_area_id")
    op.drop_table("police_area")
