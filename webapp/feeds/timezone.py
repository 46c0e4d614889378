"""The VTIMEZONE block every feed carries, written by hand.

Generated zones get details wrong that clients rely on (icalendar's from_tzid() puts the March
change at 03:00), and Outlook ignores zones given as RDATE lists, so each supported zone is one
STANDARD and one DAYLIGHT block with a yearly RRULE. Tests compare it with zoneinfo hour by hour.
"""

# EU rules since 1996: summer time from the last Sunday in March, 02:00 local (01:00 UTC),
# to the last Sunday in October, 03:00 local (01:00 UTC).
_STOCKHOLM = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "X-LIC-LOCATION:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)

VTIMEZONES = {"Europe/Stockholm": _STOCKHOLM}


class UnsupportedTimezone(ValueError):
    """The municipality's timezone has no hand-written VTIMEZONE yet."""


def vtimezone_lines(tzid: str) -> tuple[str, ...]:
    """The content lines of the VTIMEZONE for `tzid`; raises UnsupportedTimezone for others."""
    try:
        return VTIMEZONES[tzid]
    except KeyError:
        raise UnsupportedTimezone(
            f"No VTIMEZONE is written for {tzid!r}; supported: {', '.join(VTIMEZONES)}. "
            "Add one to webapp/feeds/timezone.py (with the hour-by-hour test) first."
        ) from None
