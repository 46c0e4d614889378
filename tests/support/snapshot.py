"""A PostgreSQL database's rows and sequences, taken once and put back before each test."""

from dataclasses import dataclass

from sqlalchemy import Table, text


@dataclass(frozen=True)
class DatabaseSnapshot:
    tables: list[Table]  # parents before children (MetaData.sorted_tables)
    rows: dict[str, list[dict]]
    sequences: list[tuple[str, int | None]]  # (name, last_value); None: never used

    @classmethod
    def take(cls, conn, tables) -> "DatabaseSnapshot":
        rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in tables}
        sequences = conn.execute(
            text(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value"
                " FROM pg_sequences WHERE schemaname = current_schema()"
            )
        ).all()
        return cls(list(tables), rows, [tuple(s) for s in sequences])

    def restore(self, conn) -> None:
        """Every table back to the snapshot's rows, every sequence to where it stood."""
        for table in reversed(self.tables):
            conn.execute(table.delete())
        for table in self.tables:
            if self.rows[table.name]:
                conn.execute(table.insert(), self.rows[table.name])
        for name, last_value in self.sequences:
            conn.execute(
                text("SELECT setval(:name, :value, :called)"),
                {"name": name, "value": last_value or 1, "called": last_value is not None},
            )
