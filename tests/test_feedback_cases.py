"""Feedback that gets an answer: the resident's receipt, the case's life in the inbox (state,
assignee, theme, notes, reply, bulk changes), all through the real routes, the HTML parsed."""

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import NOW, REDIS_URL, make_app, needs_redis
from tests.support.feedback import submit
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, staff_client
from webapp.extensions import db, limiter
from webapp.feedback import receipts
from webapp.feedback.codes import ALPHABET
from webapp.models import AuditEvent, Feedback, FeedbackNote, User

INBOX = "/sv/staff/feedback"
ARABIC_COMMENT = "الإنارة في الساحة ضعيفة في المساء"


def _send(app, client, lang="sv", comment="Mer ljus vid torget, tack."):
    """Submit the form like a browser; the thank-you page that follows, parsed."""
    response = submit(app, client, f"/{lang}/feedback/torget", {"comment": comment})
    assert response.status_code == 303
    return client.get(response.headers["Location"])


def _receipt_link(thanks) -> tuple[str, str]:
    page = soup(thanks)
    code = page.select_one(".receipt-code bdi").get_text(strip=True)
    link = page.find("a", href=lambda href: href and "/feedback/receipt/" in href)["href"]
    return code, link


def _state(response) -> str:
    return soup(response).select_one("#case-state").get_text(strip=True)


def _reply(response):
    quote = soup(response).select_one("#case-reply")
    return None if quote is None else (quote.get_text(strip=True), quote["lang"])


def _user_id(email="polis@example.se") -> str:
    return str(db.session.scalar(select(User.id).where(User.email == email)))


def _only(model):
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    return db.session.scalars(select(model)).one()


def _case(client, item_id, **fields):
    url = f"{INBOX}/{item_id}"
    data = {"state": "read", "assignee": "team", "theme": "none", **fields}
    return client.post(f"{url}/case", data={"csrf_token": csrf_token(client, url), **data})


def _post(client, item_id, action, **fields):
    url = f"{INBOX}/{item_id}"
    return client.post(f"{url}/{action}", data={"csrf_token": csrf_token(client, url), **fields})


# --- The receipt ---


def test_a_receipt_follows_the_case_from_received_to_the_reply(app, client):
    thanks = _send(app, client)
    code, link = _receipt_link(thanks)
    received = client.get(link)
    staff = staff_client(app, "police")
    item = _only(Feedback)
    staff.get(f"{INBOX}/{item.id}")  # opening it
    read = client.get(link)
    _post(staff, item.id, "reply", reply="Tack! Belysningen lagas i december. Ring 070-123 45 67.")
    _case(staff, item.id, state="handled")
    answered = client.get(link)

    assert len(code) == 11 and code[5] == "-"
    assert link == f"/sv/feedback/receipt/{code}"
    assert (received.status_code, _state(received), _reply(received)) == (200, "Mottagen", None)
    assert _state(read) == "Läst"
    assert _state(answered) == "Hanterad"
    assert _reply(answered) == ("Tack! Belysningen lagas i december. Ring [maskerat].", "sv")


def test_an_arabic_receipt_shows_the_reply_in_arabic_once_written(app, client):
    code, link = _receipt_link(_send(app, client, "ar", ARABIC_COMMENT))
    staff = staff_client(app, "municipality")
    item = _only(Feedback)
    _post(staff, item.id, "reply", reply="Tack, vi tittar på belysningen.")
    swedish_only = client.get(link)
    _post(
        staff,
        item.id,
        "reply",
        reply="Tack, vi tittar på belysningen.",
        translated="شكرًا، سننظر في الإنارة.",
    )
    both = client.get(link)
    in_swedish = client.get(f"/sv/feedback/receipt/{code}")

    assert link.startswith("/ar/feedback/receipt/")
    assert soup(both).html["lang"] == "ar"
    assert _state(swedish_only) == "تمت قراءتها"  # staff opened it to write the reply
    assert _reply(swedish_only) == ("Tack, vi tittar på belysningen.", "sv")
    assert _reply(both) == ("شكرًا، سننظر في الإنارة.", "ar")
    assert _reply(in_swedish) == ("Tack, vi tittar på belysningen.", "sv")


def test_the_case_page_shows_an_arabic_comment_right_to_left_by_itself(app, client):
    _send(app, client, "ar", ARABIC_COMMENT)
    staff = staff_client(app, "police")
    item = _only(Feedback)

    page = soup(staff.get(f"{INBOX}/{item.id}"))
    listed = soup(staff.get(INBOX)).select_one(f"#feedback-{item.id} .comment")

    quote = page.find("blockquote", string=ARABIC_COMMENT)
    assert quote["dir"] == "auto"
    assert listed["dir"] == "auto"


def test_unknown_malformed_and_expired_codes_get_the_same_page(app, client, pin, tmp_path):
    _code, link = _receipt_link(_send(app, client))
    unknown = client.get("/sv/feedback/receipt/ABCDE-FGHJK")
    malformed = client.get("/sv/feedback/receipt/not-a-code!")
    too_long = client.get("/sv/feedback/receipt/" + "A" * 500)
    app.config["FEEDBACK_RETENTION_DAYS"] = 30
    kept = client.get(link)
    pin(NOW + timedelta(days=31))
    expired = client.get(link)
    archive = str(tmp_path / "archive.csv")
    purged = app.test_cli_runner().invoke(args=["purge-feedback", "--archive", archive])
    after_purge = client.get(link)

    pages = [unknown, malformed, too_long, expired, after_purge]
    assert kept.status_code == 200
    assert {page.status_code for page in pages} == {404}
    assert len({str(soup(page).main) for page in pages}) == 1
    assert soup(unknown).h1.get_text(strip=True) == "Kvittot finns inte"
    assert "är ärendet avslutat" in soup(unknown).select_one(".lead").get_text()
    assert purged.exit_code == 0, purged.output


def test_purged_feedback_is_archived_with_its_state_and_reply(app, client, pin, tmp_path):
    _send(app, client)
    staff = staff_client(app, "police")
    item = _only(Feedback)
    _post(staff, item.id, "reply", reply="Lagat.")
    _post(staff, item.id, "note", note="Ringde tekniska kontoret.")
    _case(staff, item.id, state="handled")
    app.config["FEEDBACK_RETENTION_DAYS"] = 30
    pin(NOW + timedelta(days=31))
    archive = tmp_path / "archive.csv"

    result = app.test_cli_runner().invoke(args=["purge-feedback", "--archive", str(archive)])

    import csv
    import io

    text = archive.read_bytes().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    record = dict(zip(header, row, strict=True))
    assert result.exit_code == 0, result.output
    assert (record["Läge"], record["Svar"]) == ("Hanterad", "Lagat.")
    assert record["Interna anteckningar"].endswith("polis@example.se: Ringde tekniska kontoret.")
    db.session.rollback()
    assert db.session.scalars(select(FeedbackNote)).all() == []


def test_a_form_sent_twice_gives_one_receipt(app, client):
    token_page = client.get("/sv/feedback/torget")
    token = soup(token_page).find("input", attrs={"name": "token"})["value"]

    first = submit(app, client, "/sv/feedback/torget", {"comment": "Hej"}, token=token)
    again = submit(app, client, "/sv/feedback/torget", {"comment": "Hej"}, token=token)

    assert first.headers["Location"] == again.headers["Location"]
    assert "receipt=" in first.headers["Location"]


def test_receipt_codes_are_readable_and_have_at_least_40_bits():
    codes = {receipts.receipt_code("secret", f"token-{i}") for i in range(2000)}

    assert receipts.BITS >= 40
    assert len(codes) == 2000
    assert all(len(code) == 10 and set(code) <= set(ALPHABET) for code in codes)
    assert not set(ALPHABET) & set("01OILUV")
    assert math.log2(len(ALPHABET)) * receipts.LENGTH == pytest.approx(receipts.BITS)
    code = next(iter(codes))
    typed = f" {receipts.shown(code).lower()} "
    assert receipts.normalise_receipt(typed) == code
    assert receipts.normalise_receipt(code.replace(code[0], "O", 1)) is None


def test_twenty_wrong_codes_from_one_client_are_throttled(app, client):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.reset()

    statuses = [
        client.get(f"/sv/feedback/receipt/ABCDE-FGH{ALPHABET[i]}{ALPHABET[i]}").status_code
        for i in range(20)
    ]

    assert statuses[:10] == [404] * 10
    assert statuses[10:] == [429] * 10


@needs_redis
def test_receipt_lookups_are_counted_across_workers_on_redis(database_url):
    answers = []
    for _worker in range(2):
        worker = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
        with worker.app_context():
            if not answers:
                limiter.reset()
            client = worker.test_client()
            answers += [
                client.get("/sv/feedback/receipt/ABCDE-FGHJK").status_code for _ in range(6)
            ]
            db.session.remove()
            db.engine.dispose()
    limiter_reset_app = make_app(database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
    with limiter_reset_app.app_context():
        limiter.reset()
        db.engine.dispose()

    assert answers == [404] * 10 + [429] * 2


def test_receipt_pages_set_no_cookie_and_keep_nothing_about_the_client(app, client):
    as_client = {"environ_base": {"REMOTE_ADDR": "203.0.113.77"}, "headers": {"User-Agent": "UA-9"}}
    response = submit(app, client, "/sv/feedback/torget", {"comment": "Hej"}, **as_client)
    thanks = client.get(response.headers["Location"], **as_client)
    _code, link = _receipt_link(thanks)
    receipt = client.get(link, **as_client)
    unknown = client.get("/sv/feedback/receipt/ABCDE-FGHJK", **as_client)
    db.session.rollback()
    with db.engine.connect() as conn:
        stored = "\n".join(
            repr(conn.execute(table.select()).all()) for table in db.metadata.sorted_tables
        )

    assert "Set-Cookie" not in response.headers
    for page in (thanks, receipt, unknown):
        assert "Set-Cookie" not in page.headers
        assert page.headers["Cache-Control"] == "no-store"
    assert "203.0.113.77" not in stored and "UA-9" not in stored
    assert receipts.normalise_receipt(link.rsplit("/", 1)[1]) not in stored  # only its hash


# --- The case in the inbox ---


def test_state_assignee_and_theme_are_saved_with_who_and_when(app, client):
    _send(app, client)
    staff = staff_client(app, "police")
    item = _only(Feedback)

    saved = _case(staff, item.id, state="in_progress", assignee=_user_id(), theme="trafik")
    page = soup(staff.get(f"{INBOX}/{item.id}"))
    item = _only(Feedback)
    actions = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]

    assert saved.status_code == 302
    assert (item.state, item.state_at, item.state_by.email) == (
        "in_progress",
        NOW,
        "polis@example.se",
    )
    assert (item.assigned_to.email, item.theme) == ("polis@example.se", "trafik")
    assert page.select_one("#case-state").get_text(" ", strip=True).startswith("Läge: Pågår")
    assert page.select_one("select#theme option[selected]").get_text() == "Trafik"
    assert {"feedback.state", "feedback.assign", "feedback.theme"} <= set(actions)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"state": "closed"}, "Välj ett av lägena i listan"),
        ({"assignee": "999"}, "Välj en person i listan eller Gruppen"),
        ({"theme": "vader"}, "Välj ett tema i listan"),
    ],
)
def test_a_state_person_or_theme_that_does_not_exist_is_refused(app, client, fields, message):
    _send(app, client)
    staff = staff_client(app, "police")
    item = _only(Feedback)

    response = _case(staff, item.id, **fields)

    assert response.status_code == 400
    assert error_summary(response) == [message]
    assert soup(response).title.get_text().startswith("Fel: ")


def test_notes_are_audited_without_their_text_and_never_public(app, client):
    _code, link = _receipt_link(_send(app, client))
    staff = staff_client(app, "police")
    item = _only(Feedback)

    saved = _post(staff, item.id, "note", note="Anna B. på kommunen vet mer, 070-111 22 33.")
    empty = _post(staff, item.id, "note", note="   ")
    page = soup(staff.get(f"{INBOX}/{item.id}"))
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback.note")).one()
    public = client.get(link).get_data(as_text=True)

    assert saved.status_code == 302
    assert empty.status_code == 400 and error_summary(empty) == ["Skriv anteckningen"]
    assert [p.get_text() for p in page.select(".notes .comment")] == [
        "Anna B. på kommunen vet mer, 070-111 22 33."
    ]
    assert "Anna B." not in repr(event.after) and event.after["length"] == 43
    assert "Anna B." not in public and "070-111" not in public


def _listed(response) -> list[int]:
    return [
        int(li["id"].removeprefix("feedback-")) for li in soup(response).select(".feedback-list li")
    ]


def test_bulk_changes_apply_to_the_chosen_cases_and_keep_the_filter(app, client):
    for text in ("Ett", "Två", "Tre"):
        _send(app, client, comment=text)
    staff = staff_client(app, "police")
    db.session.rollback()
    first, second, third = sorted(db.session.scalars(select(Feedback.id)))
    token = csrf_token(staff, f"{INBOX}?place=torget")
    form = soup(staff.get(f"{INBOX}?place=torget")).select_one("form[action$='/bulk']")
    back = form.find("input", attrs={"name": "back"})["value"]

    done = staff.post(
        f"{INBOX}/bulk",
        data={"csrf_token": token, "item": [first, third], "action": "state:handled", "back": back},
    )
    themed = staff.post(
        f"{INBOX}/bulk",
        data={"csrf_token": token, "item": [second], "action": "theme:trygghet", "back": back},
    )
    handled = _listed(staff.get(f"{INBOX}?state=handled"))
    safety = _listed(staff.get(f"{INBOX}?theme=trygghet"))

    assert done.status_code == 302
    assert done.headers["Location"] == f"{INBOX}?place=torget"
    assert themed.status_code == 302
    assert sorted(handled) == [first, third]
    assert safety == [second]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "state:handled"}, "Välj minst en synpunkt i listan"),
        ({"item": "1", "action": "state:closed"}, "Välj vad som ska göras i listan"),
        ({"item": "x", "action": "state:handled"}, "Välj synpunkter i listan"),
    ],
)
def test_a_bulk_change_without_cases_or_with_an_unknown_action_is_explained(
    app, client, data, message
):
    _send(app, client)
    staff = staff_client(app, "police")
    token = csrf_token(staff, INBOX)

    response = staff.post(f"{INBOX}/bulk", data={"csrf_token": token, **data})

    assert response.status_code == 400
    assert message in error_summary(response)
    assert _only(Feedback).state == "new"


def test_the_inbox_filters_by_whoever_has_the_case(app, client):
    for text in ("Ett", "Två"):
        _send(app, client, comment=text)
    staff = staff_client(app, "police")
    db.session.rollback()
    mine, theirs = sorted(db.session.scalars(select(Feedback.id)))
    _case(staff, mine, assignee=_user_id())

    assert _listed(staff.get(f"{INBOX}?assigned=me")) == [mine]
    assert _listed(staff.get(f"{INBOX}?assigned=team")) == [theirs]


# --- "You said, we did" on the follow-up page ---

PROMISE = "/{lang}/promises/2025-2026"


def _you_said(client, lang="sv"):
    return soup(client.get(PROMISE.format(lang=lang))).find(id="you-said")


def test_published_replies_and_themes_show_on_the_follow_up_page(app, client):
    for i in range(7):
        _send(app, client, comment=f"Trafiken nummer {i}")
    _send(app, client, "ar", ARABIC_COMMENT)
    staff = staff_client(app, "police")
    db.session.rollback()
    ids = sorted(db.session.scalars(select(Feedback.id)))
    for item in ids[:5]:
        _case(staff, item, theme="trafik")
    for item in ids[5:]:
        _case(staff, item, theme="trygghet")
    url = f"{INBOX}/{ids[0]}/mask"
    client_mask = {"csrf_token": csrf_token(staff, url), "word": "1"}  # "nummer"
    staff.post(url, data=client_mask)
    _post(
        staff, ids[0], "reply", reply="Fler kontroller vid skolan. Ring 070-123 45 67.", publish="y"
    )
    _post(staff, ids[1], "reply", reply="Inte publicerad.")
    _post(staff, ids[7], "reply", reply="Bättre ljus.", translated="إنارة أفضل.", publish="y")
    section = _you_said(client)
    arabic = _you_said(client, "ar")

    themes = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in section.select("table tr")
    ]
    replies = [
        [q.get_text(strip=True) for q in article.select("blockquote")]
        for article in section.select(".replies-at-place article")
    ]
    # One place: its row is the total, so trafik's 5 would give trygghet's 3 away (8 - 5).
    assert themes == [
        ["Plats", "Trafik", "Trygghet", "Alla teman"],
        ["Torget", "visas inte", "färre än 5", "8"],
        ["Alla platser", "visas inte", "färre än 5", "8"],
    ]
    assert [h.get_text() for h in section.select(".replies-at-place h4")] == ["Svar, Torget"]
    assert replies == [
        ["Trafiken [maskerat] 0", "Fler kontroller vid skolan. Ring [maskerat]."],
        ["Bättre ljus."],  # no masked copy saved: the comment stays unpublished
    ]
    assert [q["lang"] for q in arabic.select("article blockquote")] == ["sv", "sv", "ar"]
    assert arabic.select("article blockquote")[-1].get_text() == "إنارة أفضل."
    assert arabic.select_one("table thead th[data-theme] span")["lang"] == "sv"  # no Arabic
    assert "Inte publicerad." not in client.get(PROMISE.format(lang="sv")).get_data(as_text=True)


def test_publishing_needs_a_reply(app, client):
    _send(app, client)
    staff = staff_client(app, "police")
    item = _only(Feedback)

    response = _post(staff, item.id, "reply", reply="", publish="y")

    assert response.status_code == 400
    assert error_summary(response) == ["Skriv ett svar att publicera"]
    assert _only(Feedback).published_at is None


# --- How fast answers come: one set of figures everywhere ---


def _received_and_handled(received, waits):
    """Feedback received at `received`, handled after each wait (None: not handled yet)."""
    from webapp.feedback import cases
    from webapp.feedback.service import Answers, submit_feedback
    from webapp.schedule.store import place_by_slug

    for wait in waits:
        item = submit_feedback(
            db.session,
            place=place_by_slug(db.session, "torget"),
            poster=None,
            answers=Answers(comment="Hej"),
            lang="sv",
            now=received,
        )
        if wait is not None:
            cases.set_state(db.session, item, "handled", actor=None, now=received + wait)
    db.session.commit()


def test_response_times_are_equal_on_the_page_the_api_the_pdf_and_the_workbook(app, client):
    import io
    from datetime import UTC, datetime

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.factories import load_test_promises

    load_test_promises()
    days = timedelta(days=1)
    _received_and_handled(
        datetime(2026, 6, 1, 8, tzinfo=UTC), [1 * days, 2 * days, 4.5 * days, 15 * days, None]
    )
    _received_and_handled(
        datetime(2026, 9, 10, 8, tzinfo=UTC), [2 * days, 10 * days, 20 * days, None, None]
    )
    _received_and_handled(datetime(2026, 2, 1, 8, tzinfo=UTC), [1 * days])  # under 5: withheld
    expected = {"2026-T1": None, "2026-T2": (5, 4, 3, 3.2), "2026-T3": (5, 3, 2, 10.0)}

    page = soup(client.get("/sv/promises/p2026"))
    on_page = {
        key: [td.get_text() for td in page.select(f"#response-times-{key} td")] for key in expected
    }
    api = client.get("/api/v1/promises/p2026").get_json()["response_times"]
    staff = staff_client(app, "municipality")
    book = load_workbook(
        io.BytesIO(staff.get("/sv/staff/promises/p2026/report.xlsx?period=2026").data)
    )
    rows = [tuple(r) for sheet in book for r in sheet.iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Hur snabbt synpunkterna hanteras") + 2
    in_book = {r[0]: r[1:5] for r in rows[start : start + 3]}
    pdf = PdfReader(io.BytesIO(staff.get("/sv/staff/promises/p2026/report.pdf?period=2026").data))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)

    def shown(median):
        return "–" if median is None else f"{median:g}".replace(".", ",")

    label = "T1 2026"
    assert on_page["2026-T1"] == ["färre än 5"]
    assert {"tertial": "2026-T1", "fewer_than_5": True, "received": None, "handled": None,
            "handled_within_14_days": None, "median_days_to_handled": None} in api  # fmt: skip
    assert in_book[label] == ("färre än 5", None, None, None)
    assert f"{label} färre än 5" in text
    for key, figures in expected.items():
        if figures is None:
            continue
        received, handled, within, median = figures
        label = f"T{key[-1]} 2026"
        assert on_page[key] == [str(received), str(handled), str(within), shown(median)], key
        assert {
            "tertial": key,
            "fewer_than_5": False,
            "received": received,
            "handled": handled,
            "handled_within_14_days": within,
            "median_days_to_handled": median,
        } in api
        assert in_book[label] == (received, handled, within, median), key
        pdf_row = f"{label} {received} {handled} {within}"
        assert pdf_row + (f" {shown(median)}" if median is not None else "") in text, key


def test_you_said_we_did_links_what_changed_in_the_same_tertial(app, client):
    from datetime import UTC, date, datetime

    from tests.factories import load_test_promises, make_entry
    from webapp.feedback import cases
    from webapp.feedback.service import Answers, submit_feedback
    from webapp.schedule.store import place_by_slug

    load_test_promises()
    make_entry("moten", day=date(2026, 10, 5), note="Möte med skolan om trafiken.")
    make_entry("moten", day=date(2026, 6, 5), note="Ett möte i juni.")
    item = submit_feedback(
        db.session,
        place=place_by_slug(db.session, "torget"),
        poster=None,
        answers=Answers(comment="Bilarna kör fort."),
        lang="sv",
        now=datetime(2026, 10, 1, 9, tzinfo=UTC),
    )
    cases.set_reply(db.session, item, "Vi pratar med skolan.", "", publish=True, actor=None,
                    now=NOW)  # fmt: skip
    db.session.commit()

    section = soup(client.get("/sv/promises/p2026")).find(id="you-said")

    changes = section.select(".you-said-changes li")
    assert [li.get_text(" ", strip=True) for li in changes] == [
        "Samverkansmöten. , 5 oktober 2026 : Möte med skolan om trafiken."
    ]
    assert changes[0].a["href"] == "#activity-moten"
