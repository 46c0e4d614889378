"""The follow-up report as CSV: one figure a row (section, place, measure, detail, value).

Reuses the feedback export's builder, so it is UTF-8 with BOM, semicolons, CRLF and
formula-safe. Decimals use the page's locale (a decimal comma in Swedish), so a spreadsheet
reads them as numbers; sections, measures and answers are written in the page's language
(report_rows keeps the codes, words() names them).
"""

from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask_babel import gettext as _

from webapp.feedback.export import build_csv
from webapp.feedback.forms import MET_LABELS
from webapp.promise.figures import SCALE, FeedbackFigures, FollowupReport, PresenceFigures

HEADER = ("section", "place", "measure", "detail", "value")
TOTAL = "total"
PRESENCE_COUNTS = ("planned", "cancelled", "held", "not_held", "unreported", "upcoming")


def decimal(value, locale: str) -> str:
    return "" if value is None else format_decimal(value, "0.##", locale=locale)


def _hours(minutes: int, locale: str) -> str:
    return decimal(minutes / 60, locale)


def _presence_rows(place: str, figures: PresenceFigures, locale: str):
    for name in PRESENCE_COUNTS:
        yield ("presence", place, name, "", getattr(figures, name))
    yield ("presence", place, "planned_hours", "", _hours(figures.planned_minutes, locale))
    yield ("presence", place, "held_hours", "", _hours(figures.held_minutes, locale))
    yield ("presence", place, "people_met", "", figures.people_met)
    for reason, count in sorted(figures.cancel_reasons.items()):
        yield ("presence", place, "cancel_reason", reason, count)
    for reason, count in sorted(figures.not_held_reasons.items()):
        yield ("presence", place, "not_held_reason", reason, count)


def _office_rows(report: FollowupReport, locale: str):
    office = report.office
    yield ("office", "", "usual_hours", "", _hours(office.usual_minutes, locale))
    yield ("office", "", "planned_hours", "", _hours(office.planned_minutes, locale))
    yield ("office", "", "days_open", "", office.days_open)
    yield ("office", "", "days_closed_holiday", "", len(office.holidays))
    yield ("office", "", "days_closed_closure", "", len(office.closed_days))
    yield ("office", "", "days_changed_closure", "", len(office.changed_days))
    for day, name in office.holidays:
        yield ("office", "", "holiday", name, day.isoformat())
    for day, note in office.closed_days:
        yield ("office", "", "closed_day", note, day.isoformat())
    for day, note in office.changed_days:
        yield ("office", "", "changed_day", note, day.isoformat())


def _feedback_rows(place: str, figures: FeedbackFigures, locale: str):
    yield ("feedback", place, "responses", "", figures.responses)
    for answer, count in figures.met_police.items():
        yield ("feedback", place, "met_police", answer, count)
    for name in ("safety", "reach_ease"):
        scale = getattr(figures, name)
        yield ("feedback", place, f"{name}_answers", "", scale.answers)
        yield ("feedback", place, f"{name}_mean", "", decimal(scale.mean, locale))
        for value in SCALE:
            yield ("feedback", place, name, value, scale.counts[value])


def report_rows(report: FollowupReport, tz: ZoneInfo, locale: str):
    """Every figure the page shows, in the page's order."""
    yield ("period", "", "first_day", "", report.first_day.isoformat())
    yield ("period", "", "last_day", "", report.last_day.isoformat())
    generated = report.generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    yield ("period", "", "generated_at", "", generated)
    for place in report.presence_places:
        yield from _presence_rows(place.slug, report.presence_at(place), locale)
    yield from _presence_rows(TOTAL, report.presence_total, locale)
    yield from _office_rows(report, locale)
    for place in report.feedback_places:
        yield from _feedback_rows(place.slug, report.feedback_at(place), locale)
    yield from _feedback_rows(TOTAL, report.feedback_total, locale)
    for place in report.feedback_places:
        yield ("scans", place.slug, "scans", "", report.scans_at(place))
    yield ("scans", TOTAL, "scans", "", report.scans_total)


def words() -> dict:
    """The codes of report_rows in the page's language."""
    return {
        "section": _("Del"), "place": _("Plats"), "measure": _("Mått"), "detail": _("Detalj"),
        "value": _("Värde"), TOTAL: _("Totalt"),
        "period": _("Period"), "presence": _("Polisens närvaro"), "office": _("Poliskontoret"),
        "feedback": _("Synpunkter"), "scans": _("Skanningar"),
        "first_day": _("Från och med"), "last_day": _("Till och med"),
        "generated_at": _("Sammanställd"),
        "planned": _("Planerade"), "cancelled": _("Inställda"), "held": _("Blev av"),
        "not_held": _("Blev inte av"), "unreported": _("Har varit, ej rapporterade"),
        "upcoming": _("Kommande"), "planned_hours": _("Planerade timmar"),
        "held_hours": _("Timmar som blev av"), "people_met": _("Samtal"),
        "cancel_reason": _("Orsak till inställt"),
        "not_held_reason": _("Orsak till att det inte blev av"),
        "usual_hours": _("Ordinarie öppettimmar"), "days_open": _("Dagar med öppet"),
        "days_closed_holiday": _("Dagar stängt för helgdag"),
        "days_closed_closure": _("Dagar stängt av annat skäl"),
        "days_changed_closure": _("Dagar med ändrade tider"), "holiday": _("Helgdag"),
        "closed_day": _("Stängd dag"), "changed_day": _("Ändrade tider"),
        "responses": _("Svar"), "met_police": _("Träffade polisen"),
        "safety_answers": _("Svar om trygghet"), "safety_mean": _("Trygghet, medel (1–5)"),
        "safety": _("Trygghet"), "reach_ease_answers": _("Svar om att nå polisen"),
        "reach_ease_mean": _("Lätt att nå polisen, medel (1–5)"),
        "reach_ease": _("Lätt att nå polisen"),
    }  # fmt: skip


def _worded(rows, named: dict):
    answers = {code: str(label) for code, label in MET_LABELS.items()}
    for section, place, measure, detail, value in rows:
        if measure == "met_police":
            detail = answers.get(detail, detail)
        yield (named[section], named[TOTAL] if place == TOTAL else place, named[measure], detail,
               value)  # fmt: skip


def report_csv(report: FollowupReport, tz: ZoneInfo, locale: str) -> bytes:
    named = words()
    return build_csv([named[h] for h in HEADER], _worded(report_rows(report, tz, locale), named))
