"""Issue 10, item 7: a staff POST without a CSRF token always gets the friendly 400 page.

Every staff route that takes POST, for every role and for anonymous visitors, with the ids of
rows that exist and of rows that don't (a form left open while a colleague removed it).
"""

from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import load_test_promises, make_closure, make_entry, make_slot, place
from tests.support.html import soup
from tests.support.staff import staff_client
from webapp.extensions import db
from webapp.feedback import service
from webapp.models import PresenceSeries, User

MISSING = 2_000_000_000
ROLES = ("anonymous", "police", "municipality", "admin")


def _existing_ids():
    feedback = service.submit_feedback(
        db.session,
        place=place(),
        poster=None,
        answers=service.Answers(comment="Bra"),
        lang="sv",
        now=NOW,
    )
    db.session.commit()
    series = db.session.scalar(select(PresenceSeries.id).order_by(PresenceSeries.id))
    load_test_promises()
    entry = make_entry("moten")
    return {
        "token": "no-such-token",
        "activity_id": entry.activity_id,
        "entry_id": entry.id,
        "slot_id": make_slot().id,
        "closure_id": make_closure().id,
        "feedback_id": feedback.id,
        "series_id": series or MISSING,
        "user_id": db.session.scalar(select(User.id).order_by(User.id)) or MISSING,
    }


def _staff_post_urls(app, ids):
    """Each staff POST route, once with existing ids and once with missing ones."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff.") or "POST" not in rule.methods:
            continue
        names = rule.arguments - {"lang"}
        for values in (ids, dict.fromkeys(ids, MISSING)):
            with app.test_request_context():
                args = {name: values[name] for name in names}
                urls.add(app.url_for(rule.endpoint, lang="sv", **args))
    return sorted(urls)


def test_posts_without_a_csrf_token_get_the_friendly_page_for_every_role(app):
    clients = {role: staff_client(app, role) for role in ROLES if role != "anonymous"}
    clients["anonymous"] = app.test_client()
    urls = _staff_post_urls(app, _existing_ids())

    answers = {
        (role, url): clients[role].post(url, data={"note": "x"}) for role in ROLES for url in urls
    }

    assert len(urls) >= 25
    statuses = {key: r.status_code for key, r in answers.items()}
    assert statuses == dict.fromkeys(answers, 400)
    # Nothing saved, said in so many words; or a page that has nothing to save: a bogus
    # set-password link, or the forgot page of an installation that sends no mail.
    explained = ("sparades inget", "länken fungerar inte", "skickar inte mejl")
    unexplained = [
        key
        for key, r in answers.items()
        if not any(e in soup(r).get_text(" ", strip=True).lower() for e in explained)
    ]
    assert unexplained == []
    assert [key for key, r in answers.items() if len(soup(r).find_all("h1")) != 1] == []
