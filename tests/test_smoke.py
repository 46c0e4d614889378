from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import PresenceSlot


def test_default_calendar_loaded_has_slots(app):
    assert db.session.scalar(select(func.count(PresenceSlot.id))) > 0


def test_root_redirects_to_swedish_without_accept_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sv/")


def test_error_page_falls_back_to_static_html_when_the_database_is_gone(app, client):
    # The error template reads the municipality; with its table gone, rendering it fails too.
    from sqlalchemy import text

    from webapp.extensions import db

    with db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE municipality RENAME TO municipality_gone"))
    try:
        response = client.get("/sv/does-not-exist")
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE municipality_gone RENAME TO municipality"))

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "<h1>Något gick fel</h1>" in response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_api_404_message_is_localized(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.get_json() == {"error": {"status": 404, "message": "Sidan finns inte"}}
