"""Feedback as CSV for Excel with Swedish settings: semicolons (the list separator there, as
decimals take the comma), UTF-8 with BOM, CRLF, formula-looking cells escaped.

Pure builders: rows in, bytes out. Staff exports carry the masked text, the case's state,
theme and reply, and no contact details; the archive written before a purge carries the record
as received, with the case's state, replies and internal notes.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from webapp.feedback.cases import STATE_LABELS
from webapp.feedback.forms import MET_LABELS
from webapp.masking import public_comment, suggest_mask

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The columns _common() fills, first in both files.
COMMON_COLUMNS = (
    "id",
    "municipality",
    "received",
    "place",
    "poster",
    "language",
    "met_police",
    "safety",
    "reach_ease",
)
# The case's columns, after the answers in both files.
CASE_COLUMNS = (
    "state",
    "state_at",
    "theme",
    "assigned_to",
    "handled_at",
    "reply",
    "reply_translated",
    "reply_at",
)
EXPORT_COLUMNS = (*COMMON_COLUMNS, "comment", "wants_contact", "read", *CASE_COLUMNS)
# Each column's heading in the file: Swedish (English on English pages), as Excel shows it.
HEADINGS = {
    "id": _l("Nummer"),
    "municipality": _l("Kommun"),
    "received": _l("Mottagen"),
    "place": _l("Plats"),
    "poster": _l("Affischkod"),
    "language": _l("Språk"),
    "met_police": _l("Träffade polisen"),
    "safety": _l("Trygghet (1–5)"),
    "reach_ease": _l("Lätt att nå polisen (1–5)"),
    "comment": _l("Kommentar"),
    "comment_masked": _l("Kommentar, maskerad"),
    "wants_contact": _l("Vill bli kontaktad"),
    "contact_name": _l("Namn"),
    "contact_details": _l("Kontaktuppgifter"),
    "contact_consent": _l("Samtycke till kontakt"),
    "read": _l("Läst"),
    "read_at": _l("Läst, tid"),
    "state": _l("Läge"),
    "state_at": _l("Läget ändrat"),
    "theme": _l("Tema"),
    "assigned_to": _l("Ansvarig"),
    "handled_at": _l("Hanterad, tid"),
    "reply": _l("Svar"),
    "reply_translated": _l("Svar på synpunktens språk"),
    "reply_at": _l("Svar, tid"),
    "notes": _l("Interna anteckningar"),
}
YES, NO = _l("ja"), _l("nej")
ARCHIVE_COLUMNS = (
    *COMMON_COLUMNS,
    "comment",
    "comment_masked",
    "wants_contact",
    "contact_name",
    "contact_details",
    "contact_consent",
    "read_at",
    *CASE_COLUMNS,
    "notes",
)


def safe_cell(value) -> str:
    """A cell's text; one that a spreadsheet would read as a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(YES if value else NO)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


DELIMITER = ";"  # Excel in Sweden splits on its list separator, the semicolon


def build_csv(header, rows) -> bytes:
    """UTF-8 with BOM (Excel then reads å ä ö right), semicolons, CRLF line ends, every cell
    escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _headings(columns) -> list[str]:
    return [str(HEADINGS[c]) for c in columns]


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else ""


def _common(item, tz):
    return [
        item.id,
        item.municipality.name if item.municipality else "",
        _local(item.created_at, tz),
        item.place.slug,
        item.poster.code if item.poster else "",
        item.lang,
        str(MET_LABELS[item.met_police]) if item.met_police in MET_LABELS else "",
        item.safety,
        item.reach_ease,
    ]


def _case(item, tz, themes: dict, reply) -> list:
    """The case's state, theme, who has it, when it was handled, and the reply as `reply`
    gives it (masked in the staff export, as written in the archive)."""
    return [
        str(_l(STATE_LABELS[item.state])) if item.state in STATE_LABELS else item.state,
        _local(item.state_at, tz),
        themes.get(item.theme, item.theme or ""),
        item.assigned_to.email if item.assigned_to else "",
        _local(item.handled_at, tz),
        reply(item.reply or ""),
        reply(item.reply_translated or ""),
        _local(item.reply_at, tz),
    ]


def export_csv(items, tz: ZoneInfo, themes: dict | None = None) -> bytes:
    """What staff download: masked text, whether contact was asked for, but no contact details;
    the case's state, theme and reply. `themes`: each theme key's name in the file's language."""
    themes = themes or {}
    return build_csv(
        _headings(EXPORT_COLUMNS),
        (
            [
                *_common(item, tz),
                public_comment(item),
                item.wants_contact,
                item.read_at is not None,
                *_case(item, tz, themes, suggest_mask),
            ]
            for item in items
        ),
    )


def archive_csv(items, tz: ZoneInfo) -> bytes:
    """The records as received, for the archive before they are purged from the service."""
    return build_csv(
        _headings(ARCHIVE_COLUMNS),
        (
            [
                *_common(item, tz),
                item.comment,
                item.comment_masked,
                item.wants_contact,
                item.contact_name,
                item.contact_details,
                item.contact_consent,
                _local(item.read_at, tz),
                *_case(item, tz, {}, str),
                _notes(item, tz),
            ]
            for item in items
        ),
    )


def _notes(item, tz: ZoneInfo) -> str:
    """The case's internal notes, each with its time and author, for the archive."""
    return "\n\n".join(
        f"{_local(note.created_at, tz)} {note.author.email if note.author else ''}: {note.text}"
        for note in item.notes
    )
