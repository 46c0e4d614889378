"""Feedback as CSV for Excel with Swedish settings: semicolons (the list separator there, as
decimals take the comma), UTF-8 with BOM, CRLF, formula-looking cells escaped.

Pure builders: rows in, bytes out. Staff exports carry the masked text and no contact
details; the archive written before a purge carries the record as received.
"""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from webapp.feedback.forms import MET_LABELS
from webapp.masking import public_comment

# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# The columns _common() fills, first in both files.
COMMON_COLUMNS = (
    "id",
    "received",
    "place",
    "poster",
    "language",
    "met_police",
    "safety",
    "reach_ease",
)
EXPORT_COLUMNS = (*COMMON_COLUMNS, "comment", "wants_contact", "read")
# Each column's heading in the file: Swedish (English on English pages), as Excel shows it.
HEADINGS = {
    "id": _l("Nummer"),
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
        _local(item.created_at, tz),
        item.place.slug,
        item.poster.code if item.poster else "",
        item.lang,
        str(MET_LABELS[item.met_police]) if item.met_police in MET_LABELS else "",
        item.safety,
        item.reach_ease,
    ]


def export_csv(items, tz: ZoneInfo) -> bytes:
    """What staff download: masked text, whether contact was asked for, but no contact details."""
    return build_csv(
        _headings(EXPORT_COLUMNS),
        (
            [*_common(item, tz), public_comment(item), item.wants_contact, item.read_at is not None]
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
            ]
            for item in items
        ),
    )
