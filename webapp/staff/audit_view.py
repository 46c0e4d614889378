"""The audit log as people read it: one sentence per entry in the staff's language, local
time, and what changed (old → new). The log itself stays codes and JSON (webapp.audit)."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from webapp.forms import BaseForm, choices
from webapp.models import SlotStatus
from webapp.staff.case_forms import STATE_LABELS
from webapp.staff.forms import ROLE_LABELS
from webapp.staff.inbox import ANY
from webapp.staff.inbox import _one_of_the_options as one_of_the_options

# One sentence per action; %(who)s did it, %(what)s is the object it was done to.
SENTENCES = {
    "login": _l("%(who)s loggade in"),
    "logout": _l("%(who)s loggade ut"),
    "login.failed": _l("Misslyckad inloggning som %(who)s"),
    "login.password": _l("%(who)s skrev rätt lösenord, koden återstod"),
    "login.code_failed": _l("%(who)s skrev fel kod vid inloggningen"),
    "login.oidc": _l("%(who)s loggade in med organisationens konto"),
    "login.oidc_failed": _l("Inloggning med organisationens konto misslyckades"),
    "login.oidc_refused": _l("%(who)s fick inte logga in: organisationens konto gav ingen roll"),
    "logout.backchannel": _l("Organisationens inloggning loggade ut %(who)s"),
    "login.unthrottle": _l("%(who)s lät %(what)s försöka logga in igen"),
    "sessions.end": _l("%(who)s avslutade inloggningarna för %(what)s"),
    "password.change": _l("%(who)s bytte lösenord"),
    "password.link": _l("%(who)s skapade en länk för nytt lösenord till %(what)s"),
    "password.set": _l("%(who)s satte ett nytt lösenord med en länk"),
    "two_step.enable": _l("%(who)s slog på tvåstegsinloggning"),
    "two_step.disable": _l("%(who)s stängde av tvåstegsinloggning"),
    "two_step.remove": _l("%(who)s tog bort tvåstegsinloggningen för %(what)s"),
    "two_step.new_codes": _l("%(who)s skapade nya reservkoder"),
    "two_step.recovery_code": _l("%(who)s loggade in med en reservkod"),
    "two_step.confirm_failed": _l("%(who)s skrev fel kod för att bekräfta"),
    "user.create": _l("%(who)s lade till kontot %(what)s"),
    "user.invite": _l("%(who)s bjöd in %(what)s att logga in med organisationens konto"),
    "user.bind": _l("%(what)s loggade in med organisationens konto första gången"),
    "user.role": _l("%(who)s ändrade rollen för %(what)s"),
    "user.role_from_provider": _l("Rollen för %(what)s följde organisationens inloggning"),
    "user.municipality": _l("%(who)s flyttade kontot %(what)s till en annan kommun"),
    "user.disable": _l("%(who)s stängde av kontot %(what)s"),
    "user.enable": _l("%(who)s slog på kontot %(what)s igen"),
    "slot.create": _l("%(who)s lade till %(what)s"),
    "slot.update": _l("%(who)s ändrade %(what)s"),
    "slot.cancel": _l("%(who)s ställde in %(what)s"),
    "slot.restore": _l("%(who)s återställde %(what)s"),
    "slot.outcome": _l("%(who)s rapporterade resultatet för %(what)s"),
    "series.create": _l("%(who)s lade till en serie tillfällen"),
    "series.end": _l("%(who)s avslutade en serie tillfällen"),
    "hours.set": _l("%(who)s ändrade öppettiderna"),
    "closure.add": _l("%(who)s lade till en stängning eller ändrade tider"),
    "closure.update": _l("%(who)s ändrade en stängning"),
    "closure.remove": _l("%(who)s tog bort en stängning"),
    "calendar.load": _l("Datafilen lästes in"),
    "poster.create": _l("%(who)s skapade en affisch"),
    "feedback.view": _l("%(who)s läste en synpunkt"),
    "feedback.list": _l("%(who)s läste listan med synpunkter"),
    "feedback.export": _l("%(who)s exporterade synpunkter"),
    "feedback.mask": _l("%(who)s maskerade personuppgifter i en synpunkt"),
    "feedback.state": _l("%(who)s ändrade läget för en synpunkt"),
    "feedback.assign": _l("%(who)s ändrade vem som har en synpunkt"),
    "feedback.theme": _l("%(who)s ändrade temat för en synpunkt"),
    "feedback.note": _l("%(who)s skrev en intern anteckning till en synpunkt"),
    "feedback.reply": _l("%(who)s skrev ett svar på en synpunkt"),
    "feedback.purge": _l("%(who)s rensade gamla synpunkter"),
    "promise_entry.add": _l("%(who)s rapporterade en insats"),
    "promise_entry.edit": _l("%(who)s ändrade en rapporterad insats"),
    "promise_entry.remove": _l("%(who)s tog bort en rapporterad insats"),
    "report.view": _l("%(who)s läste rapporten"),
    "report.export": _l("%(who)s laddade ner rapporten"),
    "promise_report.export": _l("%(who)s laddade ner rapporten till kommunstyrelsen"),
}
UNKNOWN = _l("%(who)s: %(action)s")
HIDDEN = frozenset({"sequence", "via"})  # bookkeeping, not a change people made

SLOT_STATUS_LABELS = {
    SlotStatus.SCHEDULED.value: _l("Planerat"),
    SlotStatus.CANCELLED.value: _l("Inställt"),
}
YES_NO = {True: _l("Ja"), False: _l("Nej")}
PLACES = object()  # the value is a place's id: its name, in the reader's language
# The value is a municipality's id (None: the whole police area), or in entries written
# before ids were logged, its slug: its name, in the reader's language.
TOWNS = object()
# The fields of the logged states (audit.slot_state, user_state, closures, series, cases):
# what the staff pages call each and, for a coded value, their words for each code. The log
# itself keeps the codes; a field not listed here is shown as it is stored.
FIELDS = {
    "place_id": (_l("Plats"), PLACES),
    "starts_at": (_l("Börjar"), None),
    "ends_at": (_l("Slutar"), None),
    "status": (_l("Status"), SLOT_STATUS_LABELS),
    "note": (_l("Meddelande till invånarna"), None),
    "held": (_l("Blev av"), YES_NO),
    "outcome_reason": (_l("Orsak"), None),
    "reason": (_l("Orsak"), None),
    "people_met": (_l("Samtal"), None),
    "email": (_l("E-postadress"), None),
    "role": (_l("Roll"), ROLE_LABELS),
    "active": (_l("Aktivt"), YES_NO),
    "first_day": (_l("Första dagen"), None),
    "last_day": (_l("Sista dagen"), None),
    "weekdays": (_l("Veckodagar"), None),
    "starts": (_l("Börjar kl."), None),
    "ends": (_l("Slutar kl."), None),
    "interval_weeks": (_l("Varje hur många veckor"), None),
    "state": (_l("Läge"), STATE_LABELS),
    "theme": (_l("Tema"), None),
    "user_id": (_l("Ansvarig"), None),
    "municipality_id": (_l("Kommun"), TOWNS),
    "municipality": (_l("Kommun"), TOWNS),  # entries written before ids were logged: a slug
}


def sentence_for(action: str):
    """The sentence for `action`; "password.link.admin" uses "password.link"'s."""
    while action:
        if action in SENTENCES:
            return SENTENCES[action]
        action = action.rpartition(".")[0]
    return None


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    text: str
    changes: list[tuple[str, str, str]]
    where: str = ""  # the municipality (or the police area) it happened in


def _when(moment: datetime, tz) -> str:
    local = moment.astimezone(tz)
    return f"{format_date(local.date(), 'EEEE d MMMM y')} {local:%H:%M}"


def _value(value, tz) -> str:
    """A before/after value as people read it: local times, lists joined, "–" for nothing."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return _when(datetime.fromisoformat(value), tz)
        except ValueError:
            return value
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, list):
        return ", ".join(_value(v, tz) for v in value) or "–"
    return str(value)


def _what(event, places: dict, tz) -> str:
    state = event.after or event.before or {}
    if event.object_type == "PresenceSlot" and state.get("starts_at"):
        starts = datetime.fromisoformat(state["starts_at"])
        place = places.get(state.get("place_id"), "")
        return ", ".join(p for p in (_when(starts, tz), place) if p)
    if event.object_type == "User" and state.get("email"):
        return state["email"]
    return f"{event.object_type} {event.object_id}".strip()


def _field(key: str, places: dict, towns: dict):
    """(name, value words) for a logged field: FIELDS' words, the places' and municipalities'
    names for their ids."""
    name, words = FIELDS.get(key, (key, None))
    if words is PLACES:
        return str(name), places
    return str(name), towns if words is TOWNS else words


def _word(value, words, tz) -> str:
    if words is not None and isinstance(value, str | int | bool | None) and value in words:
        return str(words[value])
    return _value(value, tz)


def changes(event, tz, places: dict | None = None, towns: dict | None = None) -> list:
    """(field, old, new) for each field whose value differs between before and after, in the
    staff pages' words; `towns` names municipalities by id and by slug (None: the area)."""
    before, after = event.before or {}, event.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict) or not before:
        return []
    found = []
    for key in sorted(set(before) | set(after)):
        if key in HIDDEN or before.get(key) == after.get(key):
            continue
        name, words = _field(key, places or {}, towns or {})
        found.append((name, _word(before.get(key), words, tz), _word(after.get(key), words, tz)))
    return found


def entry(event, *, places: dict, tz, towns: dict | None = None) -> Entry:
    """The entry as people read it; `towns` names where it happened and the municipalities
    its changes name ({id or slug: name}, None the police area's), left out when the
    installation serves one municipality."""
    who = event.actor.email if event.actor else (event.actor_label or "–")
    template = sentence_for(event.action) or UNKNOWN
    text = str(template) % {"who": who, "what": _what(event, places, tz), "action": event.action}
    where = towns.get(event.municipality_id, "") if towns else ""
    return Entry(event.id, event.at, text, changes(event, tz, places, towns), where)


class AuditFilterForm(BaseForm):
    """Who, what and which day; the view fills in the people and the actions the log holds."""

    class Meta:
        csrf = False

    who = SelectField(_l("Vem"), [one_of_the_options], default="", validate_choice=False)
    action = SelectField(_l("Vad"), [one_of_the_options], default="", validate_choice=False)
    day = DateField(
        _l("Dag"), [Optional()], invalid_value_message=_l("Skriv datumet som 2026-12-04")
    )
    # For an account of the whole area in an installation of several municipalities only.
    municipality = SelectField(
        _l("Kommun"), [one_of_the_options], default="", validate_choice=False
    )

    def fill(self, people, actions, towns=None) -> None:
        """The choices; `towns` as (slug, name) pairs, or None to leave the municipality out."""
        if towns is None:
            del self.municipality
        else:
            self.municipality.choices = [ANY, *choices(towns)]
        self.who.choices = [ANY, *choices((str(u.id), u.email) for u in people)]
        self.action.choices = [
            ANY,
            *choices(
                (code, str(sentence_for(code) or code) % {"who": "…", "what": "…", "action": code})
                for code in actions
            ),
        ]

    def link_args(self) -> dict[str, str]:
        """The filter as query arguments for the "older" link, from the validated fields."""
        values = {"who": self.who.data, "action": self.action.data, "day": self.day.data}
        if self.municipality:
            values["municipality"] = self.municipality.data
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items() if v}
