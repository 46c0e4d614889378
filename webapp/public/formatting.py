"""Dates and times as people read them, in the page's language and the municipality's zone."""

from datetime import date, datetime, time

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from webapp.i18n import direction
from webapp.site import data_text, lang, swedish, timezone
from webapp.site import now as site_now


def local(moment: datetime) -> datetime:
    return moment.astimezone(timezone())


def local_today() -> date:
    return local(site_now()).date()


def clock(moment: datetime | time) -> str:
    """ "16:00" in every language (24-hour, Latin digits, as in Sweden); local time."""
    if isinstance(moment, datetime):
        moment = local(moment)
    return format_time(moment, "HH:mm", rebase=False)


def time_range(start: datetime | time, end: datetime | time) -> str:
    """ "10:00–12:00"; isolated left-to-right on right-to-left pages, or it reads "12:00–10:00"."""
    text = f"{clock(start)}–{clock(end)}"
    return f"\u2066{text}\u2069" if direction(lang()) == "rtl" else text


def long_date(day: date) -> str:
    """ "måndag 28 december", with the year when it is not this year."""
    if isinstance(day, datetime):
        day = local(day).date()
    pattern = "EEEE d MMMM" if day.year == local_today().year else "EEEE d MMMM y"
    return format_date(day, pattern, rebase=False)


def day_name(day: date) -> str:
    """ "idag", "i morgon", or the weekday and date."""
    if isinstance(day, datetime):
        day = local(day).date()
    distance = (day - local_today()).days
    if distance == 0:
        return _("idag")
    if distance == 1:
        return _("i morgon")
    return long_date(day)


def upper_first(text: str) -> str:
    """Capitalise the first letter only ("måndag 28 december" -> "Måndag 28 december")."""
    return text[:1].upper() + text[1:]


def day_heading(day: date) -> str:
    """ "Idag – tisdag 24 november", "I morgon – ...", or "Fredag 27 november"."""
    named, full = day_name(day), long_date(day)
    return upper_first(full if named == full else f"{named} – {full}")


def weekday_name(weekday: int) -> str:
    """The weekday's name, capitalised as a table heading ("Måndag")."""
    monday = date(2024, 1, 1)  # a Monday; only its weekday matters
    return format_date(monday.replace(day=1 + weekday), "EEEE", rebase=False).capitalize()


def place_name(place) -> str:
    return place.text("name", lang())


def change_reason(day) -> str:
    """Why an office day differs from the weekly hours, in the page's language."""
    return day.reason(lang())


def moved_to(slot) -> str:
    """On the old time of a moved slot: "Flyttad till torsdag 10 december 17:00, Torget"."""
    return _(
        "Flyttad till %(when)s, %(place)s",
        when=f"{long_date(slot.starts_at)} {clock(slot.starts_at)}",
        place=place_name(slot.place),
    )


def moved_from(slot) -> str:
    """On the new time of a moved slot: "Flyttad från onsdag 9 december 16:00, Resecentrum"."""
    return _(
        "Flyttad från %(when)s, %(place)s",
        when=f"{long_date(slot.moved_from_start)} {clock(slot.moved_from_start)}",
        place=place_name(slot.moved_from_place),
    )


def change_reason_marked(day):
    """change_reason for the page: a closure note with no text in this language is lang="sv"."""
    if day.closure is not None and day.closure.note:
        return data_text(day.closure, "note")
    return holiday_marked(day)


def holiday_marked(day):
    """The holiday's name; where no translation exists, the Swedish, marked lang="sv"."""
    if day.holiday and getattr(day.holiday, "lang", lang()) != lang():
        return swedish(day.holiday)
    return day.holiday or ""


def helpers() -> dict:
    """Template globals for the public pages."""
    return {
        "clock": clock,
        "time_range": time_range,
        "long_date": long_date,
        "day_name": day_name,
        "weekday_name": weekday_name,
        "upper_first": upper_first,
        "day_heading": day_heading,
        "place_name": place_name,
        "change_reason": change_reason_marked,
        "holiday_name": holiday_marked,
        "moved_to": moved_to,
        "moved_from": moved_from,
    }
