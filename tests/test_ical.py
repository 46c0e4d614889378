"""The pure builders: VTIMEZONE correctness, folding, escaping, window, order, revisions."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from webapp.feeds import ical
from webapp.feeds.timezone import UnsupportedTimezone, vtimezone_lines
from webapp.models import Closure, OfficeHours
from webapp.schedule.office import OfficeDay

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CHANGED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def event(uid="e-1@narvaro.example", starts=datetime(2026, 12, 2, 14, 0, tzinfo=UTC), **extra):
    values = {"summary": "Polisen på plats: Torget", "changed": CHANGED, "sequence": 0}
    values.update(extra)
    return ical.Event(uid=uid, starts=starts, ends=starts + timedelta(hours=1), **values)


def parsed(events=(), **kwargs):
    return icalendar.Calendar.from_ical(
        ical.build_calendar(events, tzid="Europe/Stockholm", **kwargs)
    )


def vtimezone():
    return parsed().walk("VTIMEZONE")[0]


def hours_between(first: datetime, last: datetime):
    moment = first
    while moment < last:
        yield moment
        moment += timedelta(hours=1)


def transitions_from_rrules(component, until: datetime):
    """(UTC moment, offset after it) for each STANDARD/DAYLIGHT rule, expanded with dateutil."""
    changes = []
    for block in component.subcomponents:
        rule = rrulestr(block["RRULE"].to_ical().decode(), dtstart=block["DTSTART"].dt)
        before, after = block["TZOFFSETFROM"].td, block["TZOFFSETTO"].td
        for local in rule.between(datetime(2020, 1, 1), until):
            changes.append(((local - before).replace(tzinfo=UTC), after))
    return sorted(changes)


def test_vtimezone_offsets_match_zoneinfo_every_hour_2026_to_2035_by_rrule():
    changes = transitions_from_rrules(vtimezone(), datetime(2037, 1, 1))
    mismatches = []
    for moment in hours_between(datetime(2026, 1, 1, tzinfo=UTC), datetime(2036, 1, 1, tzinfo=UTC)):
        offset = [after for at, after in changes if at <= moment][-1]
        if offset != moment.astimezone(STOCKHOLM).utcoffset():
            mismatches.append(moment)
    assert mismatches == []
    assert len(changes) >= 20


def test_vtimezone_offsets_match_zoneinfo_every_hour_2026_to_2035_by_icalendar():
    own = vtimezone().to_tz(lookup_tzid=False)  # built from our block, not the zone database
    mismatches = [
        moment
        for moment in hours_between(
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2036, 1, 1, tzinfo=UTC)
        )
        if moment.astimezone(own).utcoffset() != moment.astimezone(STOCKHOLM).utcoffset()
    ]
    assert mismatches == []


def test_vtimezone_changes_at_0200_in_march_and_0300_in_october():
    blocks = {block.name: block for block in vtimezone().subcomponents}

    assert blocks["DAYLIGHT"]["DTSTART"].dt.time() == time(2, 0)
    assert blocks["STANDARD"]["DTSTART"].dt.time() == time(3, 0)
    assert dict(blocks["DAYLIGHT"]["RRULE"]) == {
        "FREQ": ["YEARLY"],
        "BYMONTH": [3],
        "BYDAY": ["-1SU"],
    }
    assert dict(blocks["STANDARD"]["RRULE"]) == {
        "FREQ": ["YEARLY"],
        "BYMONTH": [10],
        "BYDAY": ["-1SU"],
    }
    assert [b.name for b in vtimezone().subcomponents] == ["DAYLIGHT", "STANDARD"]


def test_vtimezone_transitions_2027_are_at_0100_utc():
    changes = transitions_from_rrules(vtimezone(), datetime(2028, 1, 1))
    in_2027 = [(at, after) for at, after in changes if at.year == 2027]

    assert in_2027 == [
        (datetime(2027, 3, 28, 1, 0, tzinfo=UTC), timedelta(hours=2)),
        (datetime(2027, 10, 31, 1, 0, tzinfo=UTC), timedelta(hours=1)),
    ]


def test_unsupported_timezone_raises_clearly():
    with pytest.raises(UnsupportedTimezone, match="Europe/Helsinki"):
        vtimezone_lines("Europe/Helsinki")
    with pytest.raises(UnsupportedTimezone):
        ical.build_calendar([], tzid="Europe/Helsinki", name="x")


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    summary = "Polisen på plats: Östra Järnvägsgatan vid åkerfältet " * 4 + "🚓 åäö" * 10
    body = ical.build_calendar([event(summary=summary)], tzid="Europe/Stockholm", name="Ö" * 60)

    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert [line.decode() for line in lines]  # every physical line is whole UTF-8
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert not body.startswith(b"\xef\xbb\xbf")
    assert str(icalendar.Calendar.from_ical(body).walk("VEVENT")[0]["SUMMARY"]) == summary


def test_text_is_escaped_and_round_trips():
    description = "Inställt, tyvärr; se\nhttps://narvaro.example/sv/places/torget \\ mer"
    body = ical.build_calendar(
        [event(description=description, location="Torget, Sävsjö")], tzid="Europe/Stockholm"
    )

    parsed_event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(parsed_event["DESCRIPTION"]) == description
    assert str(parsed_event["LOCATION"]) == "Torget, Sävsjö"
    assert b"LOCATION:Torget\\, S\xc3\xa4vsj\xc3\xb6\r\n" in body


def test_control_characters_are_dropped():
    body = ical.build_calendar([event(summary="Torget\x00\x07 idag")], tzid="Europe/Stockholm")

    assert b"SUMMARY:Torget idag\r\n" in body


def test_events_are_ordered_by_start_then_uid_whatever_the_input_order():
    late = event("b@h", datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    early_b = event("b@h", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    early_a = event("a@h", datetime(2026, 12, 2, 9, 0, tzinfo=UTC))

    forward = ical.build_calendar([late, early_b, early_a], tzid="Europe/Stockholm")
    backward = ical.build_calendar([early_a, early_b, late], tzid="Europe/Stockholm")

    assert forward == backward
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(forward).walk("VEVENT")]
    assert uids == ["a@h", "b@h", "b@h"]


def test_event_times_carry_tzid_and_stamps_are_utc():
    body = ical.build_calendar([event(sequence=3)], tzid="Europe/Stockholm")
    lines = body.decode().split("\r\n")

    assert "DTSTART;TZID=Europe/Stockholm:20261202T150000" in lines
    assert "DTEND;TZID=Europe/Stockholm:20261202T160000" in lines
    assert "DTSTAMP:20261101T080000Z" in lines
    assert "LAST-MODIFIED:20261101T080000Z" in lines
    assert "SEQUENCE:3" in lines
    assert "TRANSP:TRANSPARENT" in lines
    assert "STATUS:CONFIRMED" in lines


def test_import_file_has_no_name_or_refresh_hints():
    lines = ical.build_calendar([event()], tzid="Europe/Stockholm").decode().split("\r\n")

    assert not [line for line in lines if line.startswith(("NAME", "X-WR", "REFRESH", "X-PUB"))]
    assert lines[:4] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Närvaro//Närvaro//SV",
        "CALSCALE:GREGORIAN",
    ]


@pytest.mark.parametrize(
    ("now", "start", "end"),
    [
        # Tuesday 10:30 local
        (datetime(2026, 11, 24, 9, 30, tzinfo=UTC), date(2026, 10, 26), date(2027, 5, 24)),
        # Sunday 23:30 local is still the same week
        (datetime(2026, 11, 29, 22, 30, tzinfo=UTC), date(2026, 10, 26), date(2027, 5, 24)),
        # Monday 00:30 local (still Sunday in UTC) starts the next week
        (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), date(2026, 11, 2), date(2027, 5, 31)),
    ],
)
def test_feed_window_runs_from_four_weeks_before_this_monday_to_26_weeks_after(now, start, end):
    first, last = ical.feed_window(now, STOCKHOLM)

    assert first == datetime.combine(start, time(0), tzinfo=STOCKHOLM)
    assert last == datetime.combine(end, time(0), tzinfo=STOCKHOLM)


def hours_row(weekday=1, created=CHANGED, deleted=None, **extra):
    values = {
        "weekday": weekday,
        "opens": time(10),
        "closes": time(12),
        "valid_from": date(2025, 1, 1),
        "valid_until": None,
    }
    values.update(extra)
    return OfficeHours(created_at=created, deleted_at=deleted, **values)


def closure_row(day=date(2026, 12, 1), created=CHANGED, deleted=None):
    return Closure(first_day=day, last_day=day, created_at=created, deleted_at=deleted)


def test_day_revisions_count_rows_and_deletions_touching_each_day():
    tuesday, wednesday = date(2026, 12, 1), date(2026, 12, 2)
    later, latest = CHANGED + timedelta(days=3), CHANGED + timedelta(days=5)
    rows = [
        hours_row(weekday=1, deleted=later),  # old Tuesday hours, replaced
        hours_row(weekday=1, created=later, opens=time(9)),
        hours_row(weekday=4),  # Fridays only: touches neither day
        closure_row(tuesday, created=later, deleted=latest),
    ]
    days = [OfficeDay(tuesday), OfficeDay(wednesday)]

    revisions = ical.day_revisions(days, rows)

    assert revisions == {tuesday: ical.Revision(latest, 3 + 2)}


def test_day_revisions_rise_when_a_closure_is_added_then_removed():
    tuesday = date(2026, 12, 1)
    days = [OfficeDay(tuesday)]
    hours = [hours_row()]
    added = closure_row(created=CHANGED + timedelta(days=1))
    removed = closure_row(created=added.created_at, deleted=CHANGED + timedelta(days=2))

    before = ical.day_revisions(days, hours)[tuesday]
    with_closure = ical.day_revisions(days, [*hours, added])[tuesday]
    after_removal = ical.day_revisions(days, [*hours, removed])[tuesday]

    assert before.sequence < with_closure.sequence < after_removal.sequence
    assert before.changed < with_closure.changed < after_removal.changed
