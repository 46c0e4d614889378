"""Outcomes in bulk: the past slots without an outcome, newest first, all ticked; one submit
records "held as planned" for the ticked ones, each audited on its own; the exceptions are
reported one by one and kept."""

from sqlalchemy import func, select

from tests.conftest import NOW
from tests.support.html import error_summary, soup
from tests.support.staff import logged_in, post_form
from webapp.extensions import db
from webapp.models import AuditEvent, PresenceSlot
from webapp.schedule import planning


def _waiting() -> list[PresenceSlot]:
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    return planning.slots_to_report(db.session, NOW)


def _held_entries() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "slot.outcome")))


def test_the_list_is_newest_first_with_every_slot_ticked(app):
    client = logged_in(app, "police")
    waiting = _waiting()

    page = soup(client.get("/sv/staff/outcomes"))
    boxes = page.select('input[name="slots"]')

    assert len(waiting) >= 22
    assert [int(b["value"]) for b in boxes] == [s.id for s in waiting]
    assert [s.starts_at for s in waiting] == sorted((s.starts_at for s in waiting), reverse=True)
    assert all(b.has_attr("checked") for b in boxes)


def test_twenty_slots_held_in_one_submit_the_exception_kept_one_audit_entry_each(app):
    client = logged_in(app, "police")
    waiting = _waiting()
    exception, left, chosen = waiting[0], waiting[1], waiting[2:22]
    post_form(
        client,
        f"/sv/staff/presence/slots/{exception.id}/outcome",
        {"held": "no", "reason": "Akut larm", "people_met": ""},
    )

    response = post_form(client, "/sv/staff/outcomes", {"slots": [str(s.id) for s in chosen]})

    db.session.rollback()
    held = db.session.scalars(select(PresenceSlot).where(PresenceSlot.held.is_(True))).all()
    entries = [e for e in _held_entries() if e.after.get("held") is True]
    kept = db.session.get(PresenceSlot, exception.id)
    assert response.status_code == 302
    assert {s.id for s in held} == {s.id for s in chosen} and len(held) == 20
    assert sorted(e.object_id for e in entries) == sorted(str(s.id) for s in chosen)
    assert (kept.held, kept.outcome_reason) == (False, "Akut larm")
    assert db.session.get(PresenceSlot, left.id).held is None
    assert left.id in {s.id for s in _waiting()}


def test_a_slot_not_in_the_list_or_none_chosen_is_refused_and_nothing_saved(app):
    client = logged_in(app, "police")
    waiting = _waiting()
    reported = waiting[0]
    post_form(client, f"/sv/staff/presence/slots/{reported.id}/outcome", {"held": "yes"})
    db.session.rollback()
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))

    stale = post_form(client, "/sv/staff/outcomes", {"slots": [str(reported.id), "x"]})
    empty = post_form(client, "/sv/staff/outcomes", {})

    assert (stale.status_code, empty.status_code) == (400, 400)
    assert error_summary(stale) == ["Välj bland tillfällena i listan"]
    assert error_summary(empty) == ["Välj minst ett tillfälle som blev av"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_only_those_who_record_outcomes_can_send_the_list(app):
    client = logged_in(app, "municipality")
    waiting = _waiting()

    page = client.get("/sv/staff/outcomes")
    sent = post_form(
        client, "/sv/staff/outcomes", {"slots": [str(waiting[0].id)]}, token_from="/sv/staff/"
    )

    assert page.status_code == 200 and soup(page).select('input[name="slots"]') == []
    assert sent.status_code == 403
    assert _waiting()[0].held is None
