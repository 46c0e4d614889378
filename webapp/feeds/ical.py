"""Pure iCalendar builders: schedule rows in, bytes out. No Flask, no clock.

The content lines are written here rather than through icalendar's Calendar/Event, whose
new() invents UIDs and DTSTAMPs and whose serialisation of REFRESH-INTERVAL and
X-PUBLISHED-TTL is not what clients need (see shared INTEROP.md). Tests parse the output
back with icalendar and recurring_ical_events.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.feeds.timezone import vtimezone_lines

PRODID = "-//Närvaro//Närvaro//SV"
REFRESH = ("REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H")
WEEKS_BEFORE, WEEKS_AFTER = 4, 26
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Wording:
    """The localized words around the data; the view fills these in with gettext."""

    presence: Callable[[str], str]  # place name -> "Polisen på plats: Torget"
    office_open: Callable[[str], str]  # office name -> "Öppet: Poliskontoret"
    closed: Callable[[str], str]  # reason, may be "" -> "Stängt: Juldagen"
    cancelled: Callable[[str], str]  # title -> "Inställt: Polisen på plats: Torget"
    moved_from: Callable[[object], str]  # slot -> "Flyttad från onsdag 9 december 16:00, …"


@dataclass(frozen=True)
class Event:
    """One VEVENT. `changed` is both DTSTAMP and LAST-MODIFIED: the event's last change."""

    uid: str
    starts: datetime
    ends: datetime
    summary: str
    changed: datetime
    sequence: int
    description: str = ""
    location: str = ""
    geo: tuple[float, float] | None = None
    url: str = ""
    cancelled: bool = False


@dataclass(frozen=True)
class Revision:
    """When an office day last changed and how often (for LAST-MODIFIED and SEQUENCE)."""

    changed: datetime
    sequence: int


def feed_window(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a feed: Monday of this local week minus 4 weeks, to plus 26 weeks.

    It moves once a week, so unchanged data renders byte-identical all week.
    """
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday - timedelta(weeks=WEEKS_BEFORE), time(0), tzinfo=tz)
    return start, datetime.combine(monday + timedelta(weeks=WEEKS_AFTER), time(0), tzinfo=tz)


def window_moves_at(window: tuple[datetime, datetime]) -> datetime:
    """When a feed with this window next moves: the start of next local week."""
    return window[0] + timedelta(weeks=WEEKS_BEFORE + 1)


def _paragraphs(*parts: str) -> str:
    return "\n\n".join(part.strip() for part in parts if part and part.strip())


def location(place, lang: str) -> str:
    """Where, written once: the place's name and its address, without the name twice
    ("Torget (the square), Sävsjö" where the address is "Torget, Sävsjö")."""
    name, address = place.text("name", lang), place.text("address", lang)
    if address and place.name and address.startswith(place.name):
        return name + address[len(place.name) :]
    return ", ".join(p for p in (name, address) if p)


def presence_event(slot, *, host: str, lang: str, wording: Wording, url: str = "") -> Event:
    """A presence slot as an event; a cancelled one keeps its UID and says why."""
    place = slot.place
    title = wording.presence(place.text("name", lang))
    description = _paragraphs(place.text("description", lang), url)
    if slot.cancelled:
        title = wording.cancelled(title)
        description = _paragraphs(slot.text("note", lang), description)
    elif slot.text("note", lang):
        description = _paragraphs(slot.text("note", lang), description)
    if slot.was_moved:
        description = _paragraphs(wording.moved_from(slot), description)
    return Event(
        uid=f"slot-{slot.id}@{host}",
        starts=slot.starts_at,
        ends=slot.ends_at,
        summary=title,
        changed=slot.updated_at,
        sequence=slot.sequence or 0,
        description=description,
        location=location(place, lang),
        geo=_geo(place),
        url=url,
        cancelled=slot.cancelled,
    )


def _geo(place) -> tuple[float, float] | None:
    if place.latitude is None or place.longitude is None:
        return None
    return place.latitude, place.longitude


def day_revisions(days, rows) -> dict[date, Revision]:
    """Revision per day from every OfficeHours and Closure row touching it, deleted ones too.

    The rows are immutable (a change soft-deletes and adds), so counting rows plus deletions
    gives a SEQUENCE that only rises, and the latest created/deleted time a LAST-MODIFIED.
    """
    revisions = {}
    for entry in days:
        touching = [row for row in rows if _touches(row, entry.day)]
        if not touching:
            continue
        moments = [m for row in touching for m in (row.created_at, row.deleted_at) if m]
        deleted = sum(row.deleted_at is not None for row in touching)
        revisions[entry.day] = Revision(max(moments), len(touching) + deleted)
    return revisions


def _touches(row, day: date) -> bool:
    weekday = getattr(row, "weekday", None)  # OfficeHours rows only touch their weekday
    return row.covers(day) and (weekday is None or weekday == day.weekday())


def office_events(
    days,
    office,
    revisions: dict[date, Revision],
    *,
    host: str,
    lang: str,
    wording: Wording,
    url: str = "",
) -> list[Event]:
    """One event per opening interval per day; closed days keep their usual UIDs, cancelled."""
    name = office.text("name", lang)
    common = {
        "location": location(office, lang),
        "geo": _geo(office),
        "url": url,
    }
    about = _paragraphs(office.text("description", lang), url)
    events = []
    for entry in days:
        if not entry.intervals and not entry.usual:
            continue
        revision = revisions[entry.day]
        reason = entry.reason(lang) if entry.is_exception else ""
        # The day's intervals, then usual ones beyond them as cancelled; interval n keeps UID n.
        held = [(starts, ends, False) for starts, ends in entry.intervals]
        dropped = [(starts, ends, True) for starts, ends in entry.usual[len(entry.intervals) :]]
        for n, (starts, ends, cancelled) in enumerate(held + dropped):
            events.append(
                Event(
                    uid=_office_uid(entry.day, n, host),
                    starts=starts,
                    ends=ends,
                    summary=wording.closed(reason) if cancelled else wording.office_open(name),
                    changed=revision.changed,
                    sequence=revision.sequence,
                    description=_paragraphs(reason, about),
                    cancelled=cancelled,
                    **common,
                )
            )
    return events


def _office_uid(day: date, n: int, host: str) -> str:
    return f"office-{day:%Y%m%d}-{n}@{host}"


def build_calendar(
    events: Iterable[Event], *, tzid: str, name: str | None = None, description: str = ""
) -> bytes:
    """A whole VCALENDAR. With a name it is a subscription feed (name and refresh hints);
    without one it is a plain file to import, e.g. one event to download."""
    tz = ZoneInfo(tzid)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if name is not None:
        lines += [f"NAME:{_text(name)}", f"X-WR-CALNAME:{_text(name)}"]
        if description:
            lines += [f"DESCRIPTION:{_text(description)}", f"X-WR-CALDESC:{_text(description)}"]
        lines += REFRESH
    lines += vtimezone_lines(tzid)
    for event in sorted(events, key=lambda e: (e.starts.astimezone(UTC), e.uid)):
        lines += _event_lines(event, tz, tzid)
    lines.append("END:VCALENDAR")
    return b"".join(_fold(line) for line in lines)


def _event_lines(event: Event, tz: ZoneInfo, tzid: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(event.uid)}",
        f"DTSTAMP:{_utc(event.changed)}",
        f"DTSTART;TZID={tzid}:{_local(event.starts, tz)}",
        f"DTEND;TZID={tzid}:{_local(event.ends, tz)}",
        f"SUMMARY:{_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{_text(event.location)}")
    if event.geo:
        lines.append(f"GEO:{event.geo[0]:.6f};{event.geo[1]:.6f}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines += [
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:TRANSPARENT",
        f"SEQUENCE:{event.sequence}",
        f"LAST-MODIFIED:{_utc(event.changed)}",
        "END:VEVENT",
    ]
    return lines


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")


def _text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 §3.3.11); control characters are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    for plain, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(plain, escaped)
    return value


def _fold(line: str) -> bytes:
    """One content line with CRLF, folded at 75 octets without splitting a UTF-8 character."""
    if len(line.encode()) <= 75:
        return line.encode() + b"\r\n"
    pieces, piece, size, limit = [], [], 0, 75
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            pieces.append("".join(piece))
            piece, size, limit = [], 0, 74  # continuation lines start with a space
        piece.append(char)
        size += width
    pieces.append("".join(piece))
    return "\r\n ".join(pieces).encode() + b"\r\n"
