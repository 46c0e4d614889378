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
from webapp.schedule.office import OfficeDay, changed_days
from webapp.schedule.presence import WeeklyPattern, weekly_patterns_on
from webapp.site import site_url

WEEKS = 4  # a poster stays up for a while; it points to the web page for later times
MAX_EXCEPTIONS = 4


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


def _presence_section(session, place, now: datetime, tz) -> PosterSection:
    slots = store.slots_between(session, now, now + timedelta(weeks=WEEKS), place=place)
    rows = tuple(
        (upper_first(long_date(slot.starts_at)), time_range(slot.starts_at, slot.ends_at))
        for slot in slots
        if not slot.cancelled
    )
    today = now.astimezone(tz).date()
    patterns = weekly_patterns_on(store.presence_series(session, place), today)
    return PosterSection(
        _("Polisen på plats här"),
        rows,
        empty=_("Inga tider är bestämda de närmaste veckorna. Se webbplatsen."),
        note=_("Tiderna kan ändras. De senaste tiderna finns på webbplatsen."),
        pattern=tuple(pattern_row(p) for p in patterns),
        rows_heading=_("De närmaste tiderna:") if patterns else "",
    )


def _exception_text(day: OfficeDay) -> str:
    when = long_date(day.day)
    reason = day.reason(site.lang())
    hours = ", ".join(time_range(a, b) for a, b in day.intervals) or _("stängt")
    return f"{upper_first(when)}: {hours}" + (f" ({reason})" if reason else "")


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
    exceptions = changed_days(days)
    note = "\n".join(_exception_text(d) for d in exceptions[:MAX_EXCEPTIONS])
    return PosterSection(
        _("Poliskontoret har öppet"),
        tuple(rows),
        empty=_("Öppettiderna finns på webbplatsen."),
        note=(_("Ändrade tider:") + "\n" + note) if note else "",
    )


def poster_content(session, poster, *, now: datetime, municipality) -> PosterContent:
    """Everything printed on `poster` of `municipality`, in the current language."""
    tz = site.timezone()
    place, town = poster.place, municipality
    lang = site.lang()
    office = store.get_office(session)
    sections = []
    if not place.is_office:
        sections.append(_presence_section(session, place, now, tz))
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
