from webapp.models import PresenceSlot


def test_default_calendar_loaded_has_slots(app):
    assert PresenceSlot.query.count() == 130


def test_root_redirects_to_swedish_without_accept_language(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sv/")
