"""The audit log as people read it: one sentence per entry with the person and the object,
local time, the changed fields old → new, and filters by person, action and day."""

import re
from datetime import UTC, datetime

from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import make_slot, make_user
from tests.support.html import error_summary, get_soup
from tests.support.staff import logged_in
from webapp.accounts.users import change_user
from webapp.extensions import db
from webapp.models import User
from webapp.schedule import planning
from webapp.staff.audit_view import SENTENCES, sentence_for


def _cancel_as(email, starts_at):
    slot = make_slot(starts_at=starts_at)
    user = db.session.scalar(select(User).where(User.email == email))
    planning.cancel_slot(db.session, slot, reason="Sjukdom", now=NOW, actor=user)
    db.session.commit()
    return slot


def test_an_entry_is_a_sentence_with_person_object_local_time_and_changes(app):
    admin = logged_in(app, "admin")
    police = make_user(app, "police")
    _cancel_as(police, datetime(2026, 12, 8, 14, 0, tzinfo=UTC))  # 15:00 in Sävsjö

    page = get_soup(admin, "/sv/staff/audit")
    entry = page.select(".audit-entry")[0]
    changes = [li.get_text(" ", strip=True) for li in entry.select(".audit-changes li")]

    assert entry.select_one(".audit-text").get_text() == (
        "polis@example.se ställde in tisdag 8 december 2026 15:00, Torget"
    )
    assert (
        entry.select_one(".audit-when").get_text(strip=True) == "tis 24 nov. 2026 10:30"
    )  # NOW, local time
    assert "Status: Planerat → Inställt" in changes
    assert "Meddelande till invånarna: – → Sjukdom" in changes
    assert page.select("table") == [] and "slot.cancel" not in page.get_text()


def _changes(page, action_text: str) -> list[str]:
    """The "field: old → new" lines of the newest entry whose sentence has `action_text`."""
    entry = next(e for e in page.select(".audit-entry") if action_text in e.get_text())
    return [li.get_text(" ", strip=True) for li in entry.select(".audit-changes li")]


def test_changed_values_are_in_the_staff_pages_words_in_the_readers_language(app):
    admin = logged_in(app, "admin")
    police = db.session.scalar(select(User).where(User.email == make_user(app, "police")))
    change_user(db.session, police, role="municipality", active=False, now=NOW, actor=police)
    slot = make_slot(starts_at=datetime(2026, 11, 20, 14, 0, tzinfo=UTC))
    planning.record_outcome(
        db.session, slot, held=True, reason="", people_met=12, now=NOW, actor=police
    )
    db.session.commit()

    swedish = get_soup(admin, "/sv/staff/audit")
    english = get_soup(admin, "/en/staff/audit")

    assert _changes(swedish, "stängde av kontot") == ["Aktivt: Ja → Nej", "Roll: Polis → Kommunen"]
    assert _changes(swedish, "rapporterade resultatet") == ["Blev av: – → Ja", "Samtal: – → 12"]
    assert _changes(english, "turned off the account") == [
        "Active: Yes → No",
        "Role: Police → The municipality",
    ]
    assert _changes(english, "reported the outcome") == [
        "Took place: – → Yes",
        "Conversations: – → 12",
    ]
    shown = set(swedish.select_one(".audit-list").get_text(" ").replace(":", " ").split())
    codes = {"police", "municipality", "scheduled", "cancelled", "held", "True", "False"}
    assert codes & shown == set()


def test_filters_by_person_action_and_day(app):
    admin = logged_in(app, "admin")
    police = make_user(app, "police")
    _cancel_as(police, datetime(2026, 12, 8, 14, 0, tzinfo=UTC))
    police_id = db.session.scalar(select(User.id).where(User.email == police))

    def texts(query):
        page = get_soup(admin, f"/sv/staff/audit?{query}")
        return [p.get_text() for p in page.select(".audit-text")]

    assert texts(f"who={police_id}")[0].startswith("polis@example.se ställde in")
    assert all(t.startswith("polis@example.se") for t in texts(f"who={police_id}"))
    assert [t.split(" ")[1] for t in texts("action=slot.cancel")] == ["ställde"]
    assert texts("day=2026-11-24") and texts("day=2026-11-23") == []


def test_a_filter_value_not_offered_is_explained_and_kept(app):
    admin = logged_in(app, "admin")

    response = admin.get("/sv/staff/audit?day=24/11&who=999999")

    assert response.status_code == 400
    assert error_summary(response) == [
        "Välj ett av alternativen i listan",
        "Skriv datumet som 2026-12-04",
    ]


def _actions_written() -> set[str]:
    """Every action string handed to the audit: `action=` anywhere, and the dotted string
    arguments of audit.record and the helpers that pass an action on to it."""
    import ast
    from pathlib import Path

    from webapp.config import PACKAGE

    callers = {"record", "_record", "_audit", "_change"}
    written = set()
    for path in Path(PACKAGE).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            values = [k.value for k in node.keywords if k.arg == "action"]
            if name in callers:
                values += node.args
            written |= {
                v.value
                for v in values
                if isinstance(v, ast.Constant)
                and isinstance(v.value, str)
                and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", v.value)
            }
    return written


def test_every_action_the_code_writes_has_a_sentence():
    written = _actions_written()

    assert {"feedback.state", "login.password", "report.view"} <= written
    assert [a for a in sorted(written) if sentence_for(a) is None] == []
    # A parent's sentence stands in only where it tells the truth ("login.oidc_refused" is
    # not "logged in"): every written action has its own.
    assert sorted(written - SENTENCES.keys()) == []
    assert sentence_for("password.link.admin") == SENTENCES["password.link"]
