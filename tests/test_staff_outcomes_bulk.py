"""Outcomes in bulk: the past slots without an outcome, newest first, all ticked; one submit
records "held as planned" for the ticked ones, each audited on its own; the exceptions are
reported one by one and kept, also when one is reported while the list is being sent."""

import threading

from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import EMAILS
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, logged_in, login, post_form
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


def test_a_slot_reported_while_the_list_is_sent_is_skipped_not_overwritten(app, monkeypatch):
    """The bulk submit has read its list; a colleague's single edit of one listed slot then
    commits (its own thread, released by a barrier) before the bulk writes. PostgreSQL: the
    bulk's locked re-read sees the edit and skips that slot. SQLite: the bulk's IMMEDIATE
    transaction holds the write lock, so the edit waits and comes after. Either way the
    edit stands and "held" is never written over it."""
    bulk, single = logged_in(app, "police"), app.test_client()
    assert login(single, EMAILS["police"]).status_code == 302
    waiting = _waiting()
    contested, others = waiting[0], waiting[1:4]
    edit_url = f"/sv/staff/presence/slots/{contested.id}/outcome"
    edit = {"csrf_token": csrf_token(single, edit_url), "held": "no", "reason": "Akut larm"}
    bulk_data = {
        "csrf_token": csrf_token(bulk, "/sv/staff/outcomes"),
        "slots": [str(s.id) for s in [contested, *others]],
    }
    barrier, edited, answers = threading.Barrier(2), threading.Event(), {}
    postgres = db.engine.dialect.name == "postgresql"
    record_held = planning.record_held

    def held_after_the_edit(*args, **kwargs):  # the bulk, between its read and its writes
        barrier.wait(10)
        if postgres:
            assert edited.wait(10)
        return record_held(*args, **kwargs)

    def run_single():
        barrier.wait(10)
        answers["single"] = single.post(edit_url, data=edit)
        edited.set()

    def run_bulk():
        answers["bulk"] = bulk.post("/sv/staff/outcomes", data=bulk_data, follow_redirects=True)

    monkeypatch.setattr(planning, "record_held", held_after_the_edit)
    threads = [threading.Thread(target=run) for run in (run_bulk, run_single)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    db.session.rollback()
    kept = db.session.get(PresenceSlot, contested.id)
    mine = [e.after["held"] for e in _held_entries() if e.object_id == str(contested.id)]
    flashed = [p.get_text(" ", strip=True) for p in soup(answers["bulk"]).select(".notice p")]
    assert answers["single"].status_code == 302
    assert (kept.held, kept.outcome_reason) == (False, "Akut larm")
    assert all(db.session.get(PresenceSlot, s.id).held for s in others)
    if postgres:
        assert mine == [False]
        assert flashed == [
            "3 tillfällen är rapporterade som genomförda.",
            "1 tillfälle hade någon annan redan rapporterat. Det ändrades inte.",
        ]
    else:
        assert sorted(mine) == [False, True]
        assert flashed == ["4 tillfällen är rapporterade som genomförda."]
