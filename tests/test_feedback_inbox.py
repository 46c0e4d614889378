"""The staff inbox: who sees it, filters, read marks, masking, CSV export, the audit trail,
and the export and purge commands."""

import csv
import io
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.conftest import NOW
from tests.factories import make_poster, place
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, staff_client
from webapp.extensions import db
from webapp.feedback.export import archive_csv, build_csv, safe_cell
from webapp.feedback.service import Answers, submit_feedback
from webapp.masking import MASK, only_masks_removed, suggest_mask
from webapp.models import AuditEvent, Feedback

INBOX = "/sv/staff/feedback"


def make_feedback(slug="torget", *, poster=None, at=NOW, lang="sv", **answers):
    """Feedback as the form would store it; answers default to one comment."""
    values = {"comment": "Bra att ni syns.", **answers}
    item = submit_feedback(
        db.session, place=place(slug), poster=poster, answers=Answers(**values), lang=lang, now=at
    )
    db.session.commit()
    return item


def _listed_ids(response) -> list[int]:
    return [
        int(li["id"].removeprefix("feedback-")) for li in soup(response).select(".feedback-list li")
    ]


def _csv_rows(data: bytes, delimiter=";") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    # Semicolons, as Excel with Swedish settings splits columns.
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def _events(action):
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- Access ---


@pytest.mark.parametrize(
    ("role", "status"), [("police", 200), ("municipality", 200), ("admin", 403)]
)
def test_inbox_is_for_police_and_municipality(app, role, status):
    client = staff_client(app, role)

    assert client.get(INBOX).status_code == status
    assert client.get(f"{INBOX}/export.csv").status_code == status


def test_visitors_are_sent_to_log_in(client):
    item = make_feedback()

    response = client.get(f"{INBOX}/{item.id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sv/staff/login?next=")


def test_staff_menu_links_to_the_inbox_and_posters(app):
    client = staff_client(app, "municipality")

    nav = soup(client.get("/sv/staff/")).select_one(".staff-nav")

    hrefs = [a["href"] for a in nav.find_all("a")]
    assert "/sv/staff/feedback" in hrefs
    assert "/sv/staff/posters" in hrefs


# --- Listing and filtering ---


@pytest.fixture
def seeded(app):
    """Six answers over two weeks, three places and two posters."""
    old_poster, new_poster = make_poster("torget"), make_poster("torget")
    return {
        "a": make_feedback(
            "torget",
            poster=old_poster,
            met_police="met",
            safety=5,
            reach_ease=4,
            at=datetime(2026, 11, 10, 9, tzinfo=UTC),
        ),
        "b": make_feedback(
            "torget",
            poster=new_poster,
            met_police="saw",
            safety=2,
            at=datetime(2026, 11, 16, 9, tzinfo=UTC),
        ),
        "c": make_feedback(
            "resecentrum",
            met_police="no",
            safety=2,
            reach_ease=1,
            at=datetime(2026, 11, 18, 23, 30, tzinfo=UTC),
        ),  # 19th, 00:30 local
        "d": make_feedback(
            "biblioteket",
            comment="Ring mig",
            wants_contact=True,
            contact_details="070-123 45 67",
            contact_consent=True,
            at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        ),
        "e": make_feedback(
            "poliskontoret", reach_ease=5, lang="en", at=datetime(2026, 11, 22, 9, tzinfo=UTC)
        ),
        "f": make_feedback(
            "torget", poster=new_poster, safety=2, at=datetime(2026, 11, 24, 9, tzinfo=UTC)
        ),
        "posters": (old_poster.code, new_poster.code),
    }


def test_newest_first_with_answers_in_words(app, seeded):
    client = staff_client(app, "police")

    response = client.get(INBOX)

    ids = [seeded[k].id for k in "fedcba"]
    first = soup(response).select_one(f"#feedback-{seeded['a'].id}")
    assert _listed_ids(response) == ids
    assert [dd.get_text(strip=True) for dd in first.select("dd")] == [
        "Gruppen",
        "Ja, jag pratade med polisen här",
        "5 – Mycket trygg",
        "4 – Ganska lätt",
        seeded["posters"][0],
    ]


FILTERS = {
    "place=torget": "fba",
    "place=resecentrum": "c",
    "met_police=saw": "b",
    "safety=2": "fcb",
    "reach_ease=5": "e",
    "contact=yes": "d",
    "contact=no": "fecba",
    "first_day=2026-11-18&last_day=2026-11-20": "dc",
    "first_day=2026-11-19": "fedc",
    "last_day=2026-11-18": "ba",
    "place=torget&safety=2": "fb",
    "place=&safety=&contact=": "fedcba",
}


def test_filters(app, seeded):
    client = staff_client(app, "police")

    found = {}
    for query in FILTERS:
        response = client.get(f"{INBOX}?{query}")
        assert response.status_code == 200, query
        found[query] = _listed_ids(response)

    assert found == {q: [seeded[k].id for k in keys] for q, keys in FILTERS.items()}


def test_filter_by_poster_code_as_typed(app, seeded):
    client = staff_client(app, "police")
    new_code = seeded["posters"][1]

    response = client.get(f"{INBOX}?poster={new_code.lower()}")

    assert _listed_ids(response) == [seeded["f"].id, seeded["b"].id]


def test_bad_filters_are_explained_and_nothing_breaks(app, seeded):
    client = staff_client(app, "police")

    response = client.get(
        f"{INBOX}?place=nowhere&first_day=2026-13-01&safety=9&poster=!!&last_day=x"
    )

    assert response.status_code == 400
    assert soup(response).title.get_text().startswith("Fel: Synpunkter")
    assert error_summary(response) == [
        "Välj ett av alternativen i listan",
        "Skriv en affischkod, till exempel K7M3QX",
        "Skriv datumet som 2026-12-04",
        "Skriv datumet som 2026-12-04",
        "Välj ett av alternativen i listan",
    ]


def test_listing_is_audited_with_the_filters_but_never_the_text(app, seeded):
    client = staff_client(app, "police")

    client.get(f"{INBOX}?place=torget&safety=2")

    event = _events("feedback.list")[-1]
    assert event.actor.email == "polis@example.se"
    assert event.after == {"filters": {"place": "torget", "safety": 2}, "count": 2}
    assert "Bra att ni syns" not in str(event.after)


# --- One answer: view, read, mask ---


def test_viewing_one_answer_shows_contact_details_and_is_audited(app, seeded):
    client = staff_client(app, "municipality")
    item = seeded["d"]

    page = soup(client.get(f"{INBOX}/{item.id}"))

    event = _events("feedback.view")[-1]
    assert page.h1.get_text(strip=True) == f"Synpunkt {item.id}"
    assert "070-123 45 67" in page.get_text()
    assert (event.object_type, event.object_id, event.after) == ("Feedback", str(item.id), None)


def test_opening_a_case_marks_it_read_once_and_staff_can_set_it_new_again(app, seeded):
    client = staff_client(app, "police")
    item_id = seeded["c"].id
    new_before = _listed_ids(client.get(f"{INBOX}?state=new"))

    token = csrf_token(client, f"{INBOX}/{item_id}")  # opens it
    new_after = _listed_ids(client.get(f"{INBOX}?state=new"))
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    item = db.session.get(Feedback, item_id)
    opened = (item.state, item.read_at, item.read_by.email, item.state_by.email)
    back = client.post(
        f"{INBOX}/{item_id}/case",
        data={"csrf_token": token, "state": "new", "assignee": "team", "theme": "none"},
    )
    db.session.rollback()

    assert item_id in new_before
    assert item_id not in new_after
    assert opened == ("read", NOW, "polis@example.se", "polis@example.se")
    assert back.status_code == 302
    assert (db.session.get(Feedback, item_id).state, item.read_at) == ("new", None)
    assert [e.after for e in _events("feedback.state")] == [{"state": "read"}, {"state": "new"}]


def test_changing_a_case_needs_the_csrf_token(app, seeded):
    client = staff_client(app, "police")
    item_id = seeded["c"].id

    response = client.post(
        f"{INBOX}/{item_id}/case", data={"state": "handled", "assignee": "team", "theme": "none"}
    )

    db.session.rollback()
    assert response.status_code == 400
    assert db.session.get(Feedback, item_id).state == "new"


def _word_boxes(response) -> dict[str, bool]:
    """The mask page's words: text -> checked."""
    return {
        soup(response).find("label", attrs={"for": box["id"]}).get_text(): box.has_attr("checked")
        for box in soup(response).select("input[name=word]")
    }


def test_masking_by_choosing_words_suggests_numbers_and_keeps_the_original(app):
    client = staff_client(app, "police")
    item = make_feedback(comment="Jag heter Anna Berg, ring 070-123 45 67 eller anna@example.se")
    url = f"{INBOX}/{item.id}/mask"

    page = client.get(url)
    boxes = _word_boxes(page)
    chosen = [box["value"] for box in soup(page).select("input[name=word]")]
    anna, berg = chosen[2], chosen[3]
    suggested = [box["value"] for box in soup(page).select("input[name=word][checked]")]
    saved = client.post(
        url, data={"csrf_token": csrf_token(client, url), "word": [*suggested, anna, berg]}
    )
    db.session.rollback()
    stored = db.session.get(Feedback, item.id)
    again = _word_boxes(client.get(url))

    assert [text for text, checked in boxes.items() if checked] == [
        "070-123",
        "45",
        "67",
        "anna@example.se",
    ]
    assert saved.status_code == 302
    assert stored.comment == "Jag heter Anna Berg, ring 070-123 45 67 eller anna@example.se"
    assert stored.comment_masked == f"Jag heter {MASK}, ring {MASK} eller {MASK}"
    assert (stored.masked_at, stored.masked_by.email) == (NOW, "polis@example.se")
    assert _events("feedback.mask")[-1].after == {"masks": 3}
    assert [text for text, checked in again.items() if checked] == [
        "Anna",
        "Berg",
        "070-123",
        "45",
        "67",
        "anna@example.se",
    ]


@pytest.mark.parametrize("word", ["99", "-1", "x"])
def test_a_word_that_is_not_in_the_text_is_refused(app, word):
    client = staff_client(app, "municipality")
    item = make_feedback(comment="Polisen var inte där.")
    url = f"{INBOX}/{item.id}/mask"

    response = client.post(url, data={"csrf_token": csrf_token(client, url), "word": word})
    db.session.rollback()

    assert response.status_code == 400
    assert error_summary(response) == ["Välj bland orden i texten"]
    assert db.session.get(Feedback, item.id).comment_masked is None


# --- CSV ---


def test_csv_export_is_excel_friendly_masked_and_without_contact_details(app, seeded):
    client = staff_client(app, "police")
    seeded["a"].comment_masked = f"Bra, {MASK}."
    make_feedback(
        "torget",
        comment='=HYPERLINK("http://evil.example")',
        at=datetime(2026, 11, 24, 9, 5, tzinfo=UTC),
    )
    make_feedback(
        "torget", comment="Ring 070-123 45 67", at=datetime(2026, 11, 24, 9, 6, tzinfo=UTC)
    )

    response = client.get(f"{INBOX}/export.csv?place=torget")

    rows = _csv_rows(response.data, ";")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="synpunkter-20261124-1030.csv"'
    )
    assert response.data.count(b"\r\n") == 6
    assert rows[0] == [  # Swedish headings, as Excel in Sweden shows them
        "Nummer",
        "Kommun",
        "Mottagen",
        "Plats",
        "Affischkod",
        "Språk",
        "Träffade polisen",
        "Trygghet (1–5)",
        "Lätt att nå polisen (1–5)",
        "Kommentar",
        "Vill bli kontaktad",
        "Läst",
        "Läge",
        "Läget ändrat",
        "Tema",
        "Ansvarig",
        "Hanterad, tid",
        "Svar",
        "Svar på synpunktens språk",
        "Svar, tid",
    ]
    assert [row[9] for row in rows[1:]] == [
        f"Ring {MASK}",
        '\'=HYPERLINK("http://evil.example")',
        "Bra att ni syns.",
        "Bra att ni syns.",
        f"Bra, {MASK}.",
    ]
    assert rows[-1] == [
        str(seeded["a"].id),
        "Sävsjö kommun",
        "2026-11-10 10:00",
        "torget",
        seeded["posters"][0],
        "sv",
        "Ja, jag pratade med polisen här",
        "5",
        "4",
        f"Bra, {MASK}.",
        "nej",
        "nej",
        "Ny",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]


def test_csv_export_leaves_out_contact_details_and_is_audited(app, seeded):
    client = staff_client(app, "municipality")

    response = client.get(f"{INBOX}/export.csv?contact=yes")

    event = _events("feedback.export")[-1]
    assert [row[10] for row in _csv_rows(response.data)[1:]] == ["ja"]
    assert b"070" not in response.data
    assert event.after == {"filters": {"wants_contact": True}, "count": 1}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+2", "'=1+2"),
        ("+46 70", "'+46 70"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (5, "5"),
        (None, ""),
        (True, "ja"),
        (False, "nej"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_escaped(value, cell):
    assert safe_cell(value) == cell


def test_csv_has_a_bom_semicolons_crlf_and_quotes_what_needs_quoting():
    data = build_csv(["a", "b"], [["rad\nett", 'sa "hej"'], ["å", "-1"], ["1,5", "x;y"]])

    assert data == (b'\xef\xbb\xbfa;b\r\n"rad\nett";"sa ""hej"""\r\n\xc3\xa5;\'-1\r\n1,5;"x;y"\r\n')


# --- Masking rules ---


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Mejla anna.berg+x@example.co.uk", f"Mejla {MASK}"),
        ("Ring 070-123 45 67 i kväll", f"Ring {MASK} i kväll"),
        ("Ring +46 70 123 45 67", f"Ring {MASK}"),
        ("Personnummer 19800101-1234 och 800101-1234", f"Personnummer {MASK} och {MASK}"),
        ("Klockan 15:00–17:00 den 24/11 2026, 3 poliser", None),
        ("Buss 070", None),
    ],
)
def test_suggested_masks(text, masked):
    assert suggest_mask(text) == (masked if masked is not None else text)


@pytest.mark.parametrize(
    ("masked", "allowed"),
    [
        (f"Anna {MASK} var här", True),
        (f"{MASK}", True),
        ("Anna Berg var här", True),
        ("Anna var inte här", False),
        (f"{MASK} Berg Anna", False),
        ("Anna Berg var här!", False),
    ],
)
def test_a_masked_copy_may_only_take_away(masked, allowed):
    assert only_masks_removed("Anna Berg var här", masked) is allowed


# --- Commands: export and purge ---


def test_export_command_writes_the_masked_csv_and_audits(app, seeded, tmp_path):
    out = tmp_path / "export.csv"

    result = app.test_cli_runner().invoke(args=["export-feedback", "--output", str(out)])

    rows = _csv_rows(out.read_bytes(), ";")
    event = _events("feedback.export")[-1]
    assert result.exit_code == 0, result.output
    assert len(rows) == 7
    assert b"070-123" not in out.read_bytes()
    assert (event.actor_id, event.actor_label, event.after) == (None, "cli", {"count": 6})


def test_purge_refuses_while_retention_is_off(app, seeded, tmp_path):
    archive = tmp_path / "archive.csv"

    result = app.test_cli_runner().invoke(args=["purge-feedback", "--archive", str(archive)])

    assert app.config["FEEDBACK_RETENTION_DAYS"] is None
    assert result.exit_code == 1
    assert "FEEDBACK_RETENTION_DAYS is not set" in result.output
    assert not archive.exists()
    assert db.session.query(Feedback).count() == 6
    assert _events("feedback.purge") == []


def test_purge_archives_first_then_deletes_and_audits(app, seeded, tmp_path):
    app.config["FEEDBACK_RETENTION_DAYS"] = 7  # keeps what came on or after 17 November, 10:30
    archive = tmp_path / "archive.csv"
    ids = {key: seeded[key].id for key in "abcdef"}  # two of these rows are about to go

    result = app.test_cli_runner().invoke(args=["purge-feedback", "--archive", str(archive)])

    rows = _csv_rows(archive.read_bytes())
    db.session.rollback()
    left = sorted(item.id for item in db.session.scalars(select(Feedback)))
    event = _events("feedback.purge")[-1]
    assert result.exit_code == 0, result.output
    assert [row[0] for row in rows] == ["Nummer", str(ids["a"]), str(ids["b"])]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert rows[0][10] == "Kommentar, maskerad"
    assert left == sorted(ids[k] for k in "cdef")
    assert (event.actor_label, event.action) == ("cli", "feedback.purge")
    assert event.after == {
        "cutoff": "2026-11-17T09:30:00+00:00",
        "count": 2,
        "archive": str(archive),
    }


def test_purge_never_overwrites_an_archive_and_then_deletes_nothing(app, seeded, tmp_path):
    app.config["FEEDBACK_RETENTION_DAYS"] = 7
    archive = tmp_path / "archive.csv"
    archive.write_text("an earlier purge\n")

    result = app.test_cli_runner().invoke(args=["purge-feedback", "--archive", str(archive)])

    assert result.exit_code == 1
    assert "Nothing was deleted" in result.output
    assert archive.read_text() == "an earlier purge\n"
    assert db.session.query(Feedback).count() == 6


def test_archive_keeps_the_record_as_received():
    class Row:
        id, lang, met_police, safety, reach_ease = 1, "sv", None, 3, None
        created_at = datetime(2026, 11, 1, 12, tzinfo=UTC)
        place = type("P", (), {"slug": "torget"})
        municipality = type("M", (), {"name": "Sävsjö kommun"})
        poster = None
        comment, comment_masked = "Ring Anna 070-123 45 67", f"Ring {MASK}"
        wants_contact, contact_consent = True, True
        contact_name, contact_details = "Anna", "=070-123 45 67"
        read_at = None
        state, state_at = "handled", datetime(2026, 11, 3, 8, tzinfo=UTC)
        handled_at, theme, assigned_to = state_at, "trafik", None
        reply, reply_translated = "Vi har pratat med kommunen.", None
        reply_at = datetime(2026, 11, 2, 8, tzinfo=UTC)
        notes = [
            type(
                "N",
                (),
                {
                    "created_at": datetime(2026, 11, 2, 7, tzinfo=UTC),
                    "author": type("U", (), {"email": "polis@example.se"}),
                    "text": "Ringde kommunen.",
                },
            )
        ]

    from zoneinfo import ZoneInfo

    rows = _csv_rows(archive_csv([Row()], ZoneInfo("Europe/Stockholm")))

    assert rows[0] == [
        "Nummer",
        "Kommun",
        "Mottagen",
        "Plats",
        "Affischkod",
        "Språk",
        "Träffade polisen",
        "Trygghet (1–5)",
        "Lätt att nå polisen (1–5)",
        "Kommentar",
        "Kommentar, maskerad",
        "Vill bli kontaktad",
        "Namn",
        "Kontaktuppgifter",
        "Samtycke till kontakt",
        "Läst, tid",
        "Läge",
        "Läget ändrat",
        "Tema",
        "Ansvarig",
        "Hanterad, tid",
        "Svar",
        "Svar på synpunktens språk",
        "Svar, tid",
        "Interna anteckningar",
    ]
    assert rows[1] == [
        "1",
        "Sävsjö kommun",
        "2026-11-01 13:00",
        "torget",
        "",
        "sv",
        "",
        "3",
        "",
        "Ring Anna 070-123 45 67",
        f"Ring {MASK}",
        "ja",
        "Anna",
        "'=070-123 45 67",
        "ja",
        "",
        "Hanterad",
        "2026-11-03 09:00",
        "trafik",
        "",
        "2026-11-03 09:00",
        "Vi har pratat med kommunen.",
        "",
        "2026-11-02 09:00",
        "2026-11-02 08:00 polis@example.se: Ringde kommunen.",
    ]


def test_retention_setting_is_read_from_the_environment(monkeypatch):
    from webapp.config import from_environment

    monkeypatch.setenv("FEEDBACK_RETENTION_DAYS", "730")
    assert from_environment()["FEEDBACK_RETENTION_DAYS"] == 730
    monkeypatch.delenv("FEEDBACK_RETENTION_DAYS")
    assert from_environment()["FEEDBACK_RETENTION_DAYS"] is None


def test_days_are_local_days(app, seeded):
    """23:30 UTC on 18 November is 00:30 on the 19th in Sävsjö: it belongs to the 19th."""
    client = staff_client(app, "police")

    on_the_19th = client.get(f"{INBOX}?first_day=2026-11-19&last_day=2026-11-19")
    on_the_18th = client.get(f"{INBOX}?first_day=2026-11-18&last_day=2026-11-18")

    assert _listed_ids(on_the_19th) == [seeded["c"].id]
    assert _listed_ids(on_the_18th) == []
