"""Was the promise kept? Presence, office hours, feedback and poster scans for a period.

Pure: takes the session, the period, the timezone, the municipality and `now`; reads no
clock or request.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from webapp.masking import suggest_mask
from webapp.models import MET_POLICE, Feedback, Place, Poster, PosterScan, PresenceSlot
from webapp.promise.signatories import place_key
from webapp.schedule import store
from webapp.schedule.slots import UNREPORTED

SCALE = (1, 2, 3, 4, 5)


def _minutes(spans) -> int:
    return sum(int((end - start).total_seconds()) // 60 for start, end in spans)


@dataclass
class PresenceFigures:
    """Slots that start in the period. Planned counts cancelled ones too."""

    planned: int = 0
    cancelled: int = 0
    cancel_reasons: Counter = field(default_factory=Counter)
    held: int = 0
    not_held: int = 0
    not_held_reasons: Counter = field(default_factory=Counter)
    unreported: int = 0  # passed, not cancelled, no outcome recorded
    upcoming: int = 0  # not passed yet, not cancelled
    planned_minutes: int = 0  # of the slots not cancelled
    held_minutes: int = 0
    people_met: int = 0

    def add(self, slot: PresenceSlot, now: datetime) -> None:
        self.planned += 1
        if slot.cancelled:
            self.cancelled += 1
            self.cancel_reasons[suggest_mask(slot.note).strip()] += 1  # as published
            return
        minutes = _minutes([(slot.starts_at, slot.ends_at)])
        self.planned_minutes += minutes
        if slot.held:
            self.held += 1
            self.held_minutes += minutes
            self.people_met += slot.people_met or 0
        elif slot.held is False:
            self.not_held += 1
            self.not_held_reasons[suggest_mask(slot.outcome_reason or "").strip()] += 1
        elif UNREPORTED.holds(slot, now):
            self.unreported += 1
        else:
            self.upcoming += 1

    @property
    def held_reported(self) -> int | None:
        """Slots held, or None while past slots wait for an outcome and none has one yet:
        nothing reported is not zero held."""
        return None if self.unreported and not (self.held or self.not_held) else self.held

    def merge(self, other: "PresenceFigures") -> None:
        for name in ("cancel_reasons", "not_held_reasons"):
            getattr(self, name).update(getattr(other, name))
        for name in (
            "planned", "cancelled", "held", "not_held", "unreported", "upcoming",
            "planned_minutes", "held_minutes", "people_met",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class ScaleFigures:
    """Answers on a 1–5 scale: how many gave each value."""

    counts: dict = field(default_factory=lambda: dict.fromkeys(SCALE, 0))

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        if not self.answers:
            return None
        return sum(value * n for value, n in self.counts.items()) / self.answers


@dataclass
class FeedbackFigures:
    responses: int = 0
    met_police: dict = field(default_factory=lambda: dict.fromkeys(MET_POLICE, 0))
    safety: ScaleFigures = field(default_factory=ScaleFigures)
    reach_ease: ScaleFigures = field(default_factory=ScaleFigures)

    def add(self, met_police, safety, reach_ease, count=1) -> None:
        self.responses += count
        if met_police in self.met_police:
            self.met_police[met_police] += count
        if safety in SCALE:
            self.safety.counts[safety] += count
        if reach_ease in SCALE:
            self.reach_ease.counts[reach_ease] += count


@dataclass
class OfficeFigures:
    """The office's opening in the period: as planned, after holidays and closures."""

    usual_minutes: int = 0  # the weekly hours alone
    planned_minutes: int = 0  # after holidays and closures
    days_open: int = 0
    holidays: list = field(default_factory=list)  # (date, name): usual opening day, closed
    closed_days: list = field(default_factory=list)  # (date, note): closed by a closure
    changed_days: list = field(default_factory=list)  # (date, note): other hours by a closure

    @property
    def exceptions(self) -> list:
        """(date, kind, text) in date order; kind is "holiday", "closed" or "changed"."""
        return sorted(
            [(d, "holiday", name) for d, name in self.holidays]
            + [(d, "closed", note) for d, note in self.closed_days]
            + [(d, "changed", note) for d, note in self.changed_days]
        )

    @property
    def closure_notes(self) -> Counter:
        """Days per (kind, note), kind "closed" or "changed"."""
        return Counter(
            [("closed", note) for _day, note in self.closed_days]
            + [("changed", note) for _day, note in self.changed_days]
        )


@dataclass
class FollowupReport:
    first_day: date
    last_day: date
    generated_at: datetime
    presence_places: list  # Place rows, in the file's order
    presence: dict  # place_key -> PresenceFigures
    presence_total: PresenceFigures
    office: OfficeFigures
    feedback_places: list  # the office, then the presence places (and any other with answers)
    feedback: dict  # place_key -> FeedbackFigures
    feedback_total: FeedbackFigures
    scans: dict  # place_key -> scans
    scans_total: int

    def presence_at(self, place) -> PresenceFigures:
        return self.presence[place_key(place)]

    def feedback_at(self, place) -> FeedbackFigures:
        return self.feedback[place_key(place)]

    def scans_at(self, place) -> int:
        return self.scans[place_key(place)]


def period_bounds(first_day: date, last_day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The period as [start, end) aware datetimes."""
    return store.local_day_bounds(first_day, tz)[0], store.local_day_bounds(last_day, tz)[1]


def presence_figures(session, places, start, end, now) -> tuple[dict, PresenceFigures]:
    """Per place_key (every place of `places`, and any other with a slot), and in total."""
    per_place = {place_key(p): PresenceFigures() for p in places}
    slots = session.scalars(
        select(PresenceSlot)
        .options(joinedload(PresenceSlot.place))
        .where(PresenceSlot.starts_at >= start, PresenceSlot.starts_at < end)
        .order_by(PresenceSlot.starts_at, PresenceSlot.id)
    )
    for slot in slots:
        per_place.setdefault(place_key(slot.place), PresenceFigures()).add(slot, now)
    total = PresenceFigures()
    for figures in per_place.values():
        total.merge(figures)
    return per_place, total


def office_figures(session, first_day, last_day, tz, locale="sv", *, municipality) -> OfficeFigures:
    figures = OfficeFigures()
    days = store.office_days_between(
        session, first_day, last_day, tz, locale, municipality=municipality
    )
    for entry in days:
        figures.usual_minutes += _minutes(entry.usual)
        figures.planned_minutes += _minutes(entry.intervals)
        figures.days_open += entry.is_open
        if entry.closure is not None:
            note = entry.reason(locale)
            if entry.usual and not entry.intervals:
                figures.closed_days.append((entry.day, note))
            elif entry.intervals != entry.usual:
                figures.changed_days.append((entry.day, note))
        elif entry.holiday and entry.usual:
            figures.holidays.append((entry.day, entry.holiday))
    return figures


def feedback_figures(session, places, start, end) -> tuple[dict, FeedbackFigures]:
    """Per place_key (every place of `places`, and any other with answers), and in total."""
    per_place = {place_key(p): FeedbackFigures() for p in places}
    rows = session.execute(
        select(Place.municipality_id, Place.slug, Feedback.met_police, Feedback.safety,
               Feedback.reach_ease, func.count())
        .join(Place, Feedback.place_id == Place.id)
        .where(Feedback.created_at >= start, Feedback.created_at < end)
        .group_by(Place.municipality_id, Place.slug, Feedback.met_police, Feedback.safety,
                  Feedback.reach_ease)
    )  # fmt: skip
    total = FeedbackFigures()
    for town_id, slug, met, safety, reach, count in rows:
        per_place.setdefault((town_id, slug), FeedbackFigures()).add(met, safety, reach, count)
        total.add(met, safety, reach, count)
    return per_place, total


def scan_counts(session, places, first_day, last_day) -> dict:
    counts = {place_key(p): 0 for p in places}
    rows = session.execute(
        select(Place.municipality_id, Place.slug, func.sum(PosterScan.scans))
        .join(Poster, PosterScan.poster_id == Poster.id)
        .join(Place, Poster.place_id == Place.id)
        .where(PosterScan.day >= first_day, PosterScan.day <= last_day)
        .group_by(Place.municipality_id, Place.slug)
    )
    for town_id, slug, scans in rows:
        counts[(town_id, slug)] = int(scans or 0)
    return counts


def followup_report(session, first_day: date, last_day: date, tz: ZoneInfo, now: datetime,
                    locale: str = "sv", *, municipality) -> FollowupReport:  # fmt: skip
    """Every figure of the follow-up for the days first_day..last_day (inclusive), with the
    holidays `municipality` keeps."""
    start, end = period_bounds(first_day, last_day, tz)
    places = store.presence_places(session)
    office = store.get_office(session)
    all_places = [*([office] if office else []), *places]
    presence, presence_total = presence_figures(session, places, start, end, now)
    feedback, feedback_total = feedback_figures(session, all_places, start, end)
    scans = scan_counts(session, all_places, first_day, last_day)
    known = {place_key(p) for p in all_places}
    unknown = {*feedback, *scans, *presence} - known
    extra = sorted(
        (p for p in session.scalars(select(Place)) if place_key(p) in unknown), key=place_key
    )
    return FollowupReport(
        first_day=first_day,
        last_day=last_day,
        generated_at=now,
        presence_places=[*places, *(p for p in extra if place_key(p) in presence)],
        presence=presence,
        presence_total=presence_total,
        office=office_figures(session, first_day, last_day, tz, locale, municipality=municipality),
        feedback_places=[
            *all_places,
            *(p for p in extra if place_key(p) in feedback or place_key(p) in scans),
        ],
        feedback=feedback,
        feedback_total=feedback_total,
        scans=scans,
        scans_total=sum(scans.values()),
    )
