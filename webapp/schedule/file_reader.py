"""Reading a data file: the error that names file, line and field, translatable text, and
the reader that walks the parsed TOML with line numbers. Shared by the schedule's and the
promises' parts of the file."""

import re
from dataclasses import dataclass, field
from datetime import date, time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
INTERVAL = re.compile(r"^(\d{2}:\d{2})-(\d{2}:\d{2})$")
HEADER = re.compile(r"^\s*\[\[?[^\[\]]+\]\]?\s*(?:#.*)?$")


class CalendarFileError(ValueError):
    """The data file is malformed; the message says where and what."""

    def __init__(self, path, line, where, message):
        self.path, self.line, self.where = str(path), line, where
        place = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{place}, {where}: {message}")


@dataclass(frozen=True)
class Text:
    """Swedish text with optional translations per locale."""

    sv: str
    other: dict = field(default_factory=dict)


class Reader:
    """Walks the parsed TOML and raises CalendarFileError with a line number."""

    def __init__(self, path, text):
        self.path, self.lines = path, text.splitlines()

    def fail(self, where, message, key=None):
        raise CalendarFileError(self.path, self.locate(where, key), where, message)

    def locate(self, where, key=None):
        """Best line for `where` (e.g. "office.hours[1].fri"): the field's own line in its
        table, else that table's header, else the nearest enclosing header found."""
        path = re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", where)
        if key is not None:
            path.append((key, ""))
        if not path:
            return None
        line, names = 0, []
        for name, index in path[:-1]:
            names.append(name)
            hits = self._headers(names)
            if hits:
                line = hits[min(int(index or 0), len(hits) - 1)]
        name, index = path[-1]
        own = self._field(name, line + 1)
        if own:
            return own
        # The thing itself may be a table ("[extra]", "[[places]]", "[office.hours.x]").
        hits = self._headers([*names, name], sub_tables=True)
        if hits:
            return hits[min(int(index or 0), len(hits) - 1)]
        return line or None

    def _headers(self, names, sub_tables=False):
        """Line numbers of the table headers [a.b] or [[a.b]] for the dotted path `names`."""
        dotted = r"\s*\.\s*".join(rf"[\"']?{re.escape(n)}[\"']?" for n in names)
        tail = r"(?:\s*\.[^\]]*)?" if sub_tables else ""
        header = re.compile(rf"^\s*\[\[?\s*{dotted}{tail}\s*\]\]?\s*(?:#.*)?$")
        return [n for n, text in enumerate(self.lines, 1) if header.match(text)]

    def _field(self, name, first):
        """The line of `name = ...` from line `first` up to the next table header."""
        assignment = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=")
        for n in range(first, len(self.lines) + 1):
            text = self.lines[n - 1]
            if HEADER.match(text):
                return None
            if assignment.match(text):
                return n
        return None

    def table(self, data, key, where, required=True):
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            self.fail(f"{where}{key}", "a table is required here")
        return value

    def string(self, data, key, where, required=True):
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{where}.{key}", "text is required here")
        return value.strip()

    def text(self, data, key, where, required=True):
        sv = self.string(data, key, where, required)
        others = {
            locale: table[key]
            for locale, table in data.items()
            if isinstance(table, dict) and isinstance(table.get(key), str | list)
        }
        return None if sv is None else Text(sv, others)

    def day(self, data, key, where, required=True):
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.fail(f"{where}.{key}", "a date like 2026-01-31 is required here")
        return value

    def number(self, data, key, where, low, high, required=False):
        value = data.get(key)
        if value is None and not required:
            return None
        in_range = isinstance(value, int | float) and low <= value <= high
        if isinstance(value, bool) or not in_range:
            self.fail(f"{where}.{key}", f"a number from {low} to {high} is required here")
        return float(value)

    def interval(self, value, where):
        match = INTERVAL.match(value) if isinstance(value, str) else None
        try:
            start, end = (time.fromisoformat(match[1]), time.fromisoformat(match[2]))
        except (TypeError, ValueError):
            self.fail(where, f'{value!r} is not a time interval like "10:00-12:00"')
        if end <= start:
            self.fail(where, f"{value!r} ends before it starts")
        return start, end
