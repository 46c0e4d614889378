"""What a poster says, from current data: presence at the place and the office's hours.

Runs in a request (texts are translated, dates formatted in the page's language); the PDF
itself is drawn by the pure poster_pdf.build_poster_pdf. The weekly pattern and the site's
address outlast the dates; the line per offered language comes from poster_languages.
"""

from datetime import datetime, timedelta

from babel.lists import format_list
from flask import url_for
from flask_babel import gettext as _

from webapp import i18n, site
from webapp.feedback.poster_languages import language_lines
from webapp.feedback.poster_pdf import PosterContent, PosterSection
from webapp.public.formatting import clock, long_date, time_range, upper_first, weekday_name
from webapp.public.summary import weekly_hours
from webapp.schedule import store
from webapp.schedule.office import OfficeDay, changed_days, holiday_names
from webapp.schedule.presence import WeeklyPattern, days_without_presence, weekly_patterns_on
from webapp.site import site_url

WEEKS = 4  # a poster stays up for a while; it points to the web page for later times


def poster_url(code: str) -> str:
    """The short URL in a poster's QR code."""
    return f"{site_url()}/q/{code}"


def printed_url(url: str) -> str:
    """A URL as people type it: without https://."""
    return url.removeprefix("https://")


def _weekdays_plural() -> tuple[str, ...]:
    """ "måndagar" … "söndagar" (CLDR has no plural weekday names), Monday first."""
    return (
        _("måndagar"),
        _("tisdagar"),
        _("onsdagar"),
        _("torsdagar"),
        _("fredagar"),
        _("lördagar"),
        _("söndagar"),
    )


def pattern_row(pattern: WeeklyPattern) -> tuple[str, str]:
    """("Fredagar", "13:00–14:30"), ("Onsdagar varannan vecka", "10:00–11:30")."""
    names = _weekdays_plural()
    days = format_list([names[day] for day in pattern.weekdays], locale=site.lang())
    if pattern.interval_weeks == 2:
        days = _("%(days)s varannan vecka", days=days)
    elif pattern.interval_weeks > 2:
        days = _("%(days)s var %(weeks)s:e vecka", days=days, weeks=pattern.interval_weeks)
    return upper_first(days), time_range(pattern.starts, pattern.ends)


def _presence_section(session, place, municipality, now: datetime, tz) -> PosterSection:
    until = now + timedelta(weeks=WEEKS)
    slots = store.slots_between(session, now, until, place=place)
    rows = tuple(
        (upper_first(long_date(slot.starts_at)), time_range(slot.starts_at, slot.ends_at))
        for slot in slots
        if not slot.cancelled
    )
    today = now.astimezone(tz).date()
    series = store.presence_series(session, place)
    patterns = weekly_patterns_on(series, today)
    in_force = [s for s in series if s.first_day <= today <= s.last_day]
    missing = days_without_presence(in_force, slots, today, until.astimezone(tz).date(), tz)
    note = _("Tiderna kan ändras. De senaste tiderna finns på webbplatsen.")
    if missing:
        note = _lines(_("Ingen polis här:"), _missing_lines(missing, slots, municipality, tz), note)
    return PosterSection(
        _("Polisen på plats här"),
        rows,
        empty=_("Inga tider är bestämda de närmaste veckorna. Se webbplatsen."),
        note=note,
        pattern=tuple(pattern_row(p) for p in patterns),
        rows_heading=_("De närmaste tiderna:") if patterns else "",
        note_more=_more(),
    )


def _missing_lines(days, slots, municipality, tz) -> list[str]:
    """ "Fredag 25 december (Juldagen)": the holiday, or the cancelled time's reason."""
    holidays = holiday_names(
        days[0], days[-1], locale=site.lang(), **store.holiday_settings(municipality)
    )
    reasons = {
        s.starts_at.astimezone(tz).date(): s.text("note", site.lang()) for s in slots if s.cancelled
    }
    lines = []
    for day in days:
        reason = holidays.get(day) or reasons.get(day) or ""
        lines.append(upper_first(long_date(day)) + (f" ({reason})" if reason else ""))
    return lines


def _lines(heading: str, lines: list[str], after: str = "") -> str:
    """A heading and its lines (the PDF shortens them if they don't fit, see note_more)."""
    return "\n".join([heading, *lines, *([after] if after else [])])


def _more() -> str:
    return _("Fler ändringar: %(site)s", site=printed_url(site_url()))


def _exception_texts(days: list[OfficeDay]) -> list[str]:
    """ "Torsdag 24 december: stängt (Julafton)"; a run of days alike in one line
    ("Tisdag 29 december – onsdag 30 december: 09:00–11:00 (…)")."""
    runs = []
    for day in days:
        reason = day.reason(site.lang())
        hours = ", ".join(time_range(a, b) for a, b in day.intervals) or _("stängt")
        last = runs[-1] if runs else None
        if last and last[2:] == (hours, reason) and (day.day - last[1].day).days == 1:
            runs[-1] = (last[0], day, hours, reason)
        else:
            runs.append((day, day, hours, reason))
    texts = []
    for first, last, hours, reason in runs:
        when = upper_first(long_date(first.day))
        if last is not first:
            when = f"{when} – {long_date(last.day)}"
        texts.append(f"{when}: {hours}" + (f" ({reason})" if reason else ""))
    return texts


def _office_section(session, office, municipality, now: datetime, tz) -> PosterSection:
    today = now.astimezone(tz).date()
    rows = []
    for week_day in weekly_hours(store.live_hours(session, office), today):
        for index, (opens, closes) in enumerate(week_day.intervals):
            label = weekday_name(week_day.weekday) if index == 0 else ""
            rows.append((label, f"{clock(opens)}–{clock(closes)}"))
    days = store.office_days_between(
        session, today, today + timedelta(weeks=WEEKS), tz, site.lang(), municipality=municipality
    )
    exceptions = _exception_texts(changed_days(days))
    return PosterSection(
        _("Poliskontoret har öppet"),
        tuple(rows),
        empty=_("Öppettiderna finns på webbplatsen."),
        note=_lines(_("Ändrade tider:"), exceptions) if exceptions else "",
        note_more=_more(),
    )


def poster_content(session, poster, *, now: datetime, municipality) -> PosterContent:
    """Everything printed on `poster` of `municipality`, in the current language."""
    tz = site.timezone()
    place, town = poster.place, municipality
    lang = site.lang()
    office = store.get_office(session)
    sections = []
    if not place.is_office:
        sections.append(_presence_section(session, place, municipality, now, tz))
    if office is not None:
        sections.append(_office_section(session, office, municipality, now, tz))
    feed = (
        url_for("feeds.place", slug=place.slug)
        if not place.is_office
        else url_for("feeds.calendar", name="office")
    )
    url = poster_url(poster.code)
    return PosterContent(
        kicker=_("%(town)s och Polisen", town=town.text("name", lang)) if town else _("Polisen"),
        title=_("Träffa polisen här"),
        place_name=place.text("name", lang),
        address=place.address or "",
        notice=_("Exempeldata: tiderna är ännu inte bekräftade av polisen och kommunen.")
        if town is not None and town.example_data
        else "",
        sections=tuple(sections),
        call_to_action=_("Vad tycker du? Skanna koden och svara på tre korta frågor."),
        qr_url=url,
        short_url=printed_url(url),
        subscribe_label=_("Tiderna i din kalender:"),
        subscribe_url=site_url() + feed + ("" if lang == "sv" else f"?lang={lang}"),
        emergency=_(
            "Anmäl inte brott här. Vid nödläge: ring 112. "
            "Annars: ring 114 14 eller gå till polisen.se."
        ),
        footer=_(
            "Affischkod %(code)s · skapad %(day)s",
            code=poster.code,
            day=poster.created_at.astimezone(tz).date().isoformat(),
        ),
        created_at=poster.created_at,
        site_line=_("Alla tider och ändringar: %(site)s", site=printed_url(site_url())),
        languages=language_lines(i18n.supported()),
        lang=lang,
    )
