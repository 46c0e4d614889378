"""The factories' rows work with the real app: logins, poster codes, the inbox; cheap hashes."""

from argon2 import extract_parameters
from sqlalchemy import select

from tests.conftest import CHEAP_PASSWORD_HASH
from tests.factories import PASSWORD, make_feedback, make_poster, make_user
from tests.support.html import soup
from tests.support.staff import login, staff_client
from webapp.extensions import db
from webapp.models import User


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_made_user_logs_in_with_the_known_password_and_a_cheap_hash(app):
    email = make_user(app)

    response = login(app.test_client(), email, PASSWORD)

    user = _user("polis@example.se")
    params = extract_parameters(user.password_hash)
    assert response.status_code == 302
    assert (user.role, user.active) == ("police", True)
    assert (params.time_cost, params.memory_cost, params.parallelism) == (
        CHEAP_PASSWORD_HASH["time_cost"],
        CHEAP_PASSWORD_HASH["memory_cost"],
        CHEAP_PASSWORD_HASH["parallelism"],
    )


def test_a_hash_with_other_parameters_is_replaced_at_login(app):
    app.config["PASSWORD_HASH_PARAMS"] = None  # the real parameters
    strong = _user(make_user(app, "municipality")).password_hash
    app.config["PASSWORD_HASH_PARAMS"] = CHEAP_PASSWORD_HASH

    response = login(app.test_client(), "kommun@example.se", PASSWORD)

    db.session.rollback()  # a fresh snapshot: the login wrote in its own transaction
    stored = db.session.scalar(select(User.password_hash).where(User.role == "municipality"))
    assert response.status_code == 302
    assert extract_parameters(strong).memory_cost == 64 * 1024
    assert extract_parameters(stored).memory_cost == CHEAP_PASSWORD_HASH["memory_cost"]


def test_made_poster_code_opens_the_form_for_its_place(client):
    poster = make_poster("biblioteket")

    response = client.get(f"/q/{poster.code}")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/sv/feedback/biblioteket/{poster.code}"


def test_made_feedback_is_listed_in_the_inbox(app):
    feedback = make_feedback(place="resecentrum", poster_id=make_poster().id)

    page = soup(staff_client(app, "police").get("/sv/staff/feedback"))

    item = page.select_one(f".feedback-list li#feedback-{feedback.id}")
    assert item is not None
    assert "Bra att ni syns." in item.get_text()
