"""Feedback as cases: state with who and when, assignee, theme, internal notes, public reply.

Every change is audited without the feedback's or the note's text. Session, actor and `now`
come in; functions flush at most, the view commits.
"""

from sqlalchemy import or_, select

from webapp import audit
from webapp.models import CASE_STATES, Feedback, FeedbackNote, User
from webapp.permissions import roles_for


def _l(text: str) -> str:
    """Marks a label for the catalogues (babel.cfg extracts `_l`); the pages translate it."""
    return text


# What staff call each state, in the model's order (the receipt page has the resident's words).
STATE_LABELS = {
    "new": _l("Ny"),
    "read": _l("Läst"),
    "in_progress": _l("Pågår"),
    "handled": _l("Hanterad"),
    "no_action": _l("Ingen åtgärd behövs"),
}
OPEN_STATES = ("new", "read", "in_progress")
NOTE_MAX = 4000
REPLY_MAX = 2000


class CaseError(ValueError):
    """A state, theme or assignee that does not exist."""


def themes_of(municipality) -> dict[str, dict[str, str]]:
    """The data file's themes: key -> {language: name}, in the file's order."""
    stored = ((municipality.translations or {}) if municipality else {}).get("feedback_themes")
    return {theme["key"]: theme["name"] for theme in stored or []}


def theme_name(themes: dict, key: str | None, lang: str) -> str:
    """A theme's name in `lang`, else Swedish; a key the file no longer has shows as itself."""
    names = themes.get(key) or {}
    return names.get(lang) or names.get("sv") or (key or "")


def caseworkers(session, municipality_id: int) -> list[User]:
    """The active accounts that may handle the municipality's feedback (its own and the police
    area's), by e-mail address; never another municipality's staff."""
    roles = sorted(roles_for("feedback.read"))
    query = (
        select(User)
        .where(User.active.is_(True), User.role.in_(roles))
        .where(or_(User.municipality_id.is_(None), User.municipality_id == municipality_id))
        .order_by(User.email)
    )
    return list(session.scalars(query))


def _record(session, feedback, action, before, after, *, actor, now):
    audit.record(
        session, actor=actor, action=action, obj=feedback, now=now, before=before, after=after
    )


def open_case(session, feedback: Feedback, *, actor, now) -> None:
    """Staff opened the case: the first opening is recorded, and a new case becomes read."""
    if feedback.read_at is None:
        feedback.read_at, feedback.read_by_id = now, actor.id if actor else None
    if feedback.state == "new":
        set_state(session, feedback, "read", actor=actor, now=now)


def set_state(session, feedback: Feedback, state: str, *, actor, now) -> bool:
    """Set the case's state; False (and nothing recorded) when it already had it."""
    if state not in CASE_STATES:
        raise CaseError(state)
    if feedback.state == state:
        return False
    before = feedback.state
    feedback.state, feedback.state_at = state, now
    feedback.state_by_id = actor.id if actor else None
    feedback.handled_at = now if state == "handled" else None
    if state == "new":
        feedback.read_at = feedback.read_by_id = None
    _record(
        session,
        feedback,
        "feedback.state",
        {"state": before},
        {"state": state},
        actor=actor,
        now=now,
    )
    return True


def _change(session, feedback: Feedback, field: str, value, action: str, key: str, *, actor, now):
    """Set one field of the case and audit it; False (nothing recorded) when it already had it."""
    before = getattr(feedback, field)
    if before == value:
        return False
    setattr(feedback, field, value)
    _record(session, feedback, action, {key: before}, {key: value}, actor=actor, now=now)
    return True


def assign(session, feedback: Feedback, user: User | None, *, actor, now) -> bool:
    """Give the case to `user`, or to the team (None)."""
    if user is not None and user not in caseworkers(session, feedback.municipality_id):
        raise CaseError(user.id)
    new_id = user.id if user else None
    return _change(
        session,
        feedback,
        "assigned_to_id",
        new_id,
        "feedback.assign",
        "user_id",
        actor=actor,
        now=now,
    )


def set_theme(session, feedback: Feedback, theme: str | None, themes: dict, *, actor, now) -> bool:
    """File the case under one of `themes` (the data file's), or none."""
    if theme is not None and theme not in themes:
        raise CaseError(theme)
    return _change(
        session, feedback, "theme", theme, "feedback.theme", "theme", actor=actor, now=now
    )


def add_note(session, feedback: Feedback, text: str, *, actor, now) -> FeedbackNote:
    """An internal note: kept with the case, never public; the audit has its length, not it."""
    note = FeedbackNote(
        feedback=feedback, created_at=now, author_id=actor.id if actor else None, text=text
    )
    session.add(note)
    session.flush()
    _record(
        session,
        feedback,
        "feedback.note",
        None,
        {"note_id": note.id, "length": len(text)},
        actor=actor,
        now=now,
    )
    return note


def set_reply(
    session, feedback: Feedback, reply: str, translated: str, *, publish=False, actor, now
) -> None:
    """The public reply in Swedish and, optionally, in the comment's language; "" removes it.
    `publish` puts it (with the comment, once staff saved a masked copy) on the follow-up page."""
    feedback.reply = reply or None
    feedback.reply_translated = (translated or None) if reply else None
    feedback.reply_at = now if reply else None
    feedback.reply_by_id = actor.id if reply and actor else None
    feedback.published_at = (feedback.published_at or now) if reply and publish else None
    after = {
        "length": len(reply),
        "translated": bool(feedback.reply_translated),
        "published": feedback.published_at is not None,
    }
    _record(session, feedback, "feedback.reply", None, after, actor=actor, now=now)
