"""The public side of feedback: poster scans, the form, its safeguards and the confirmation.

Every test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import NOW, make_app
from tests.factories import make_poster
from tests.support.feedback import feedback_count, form_token, submit
from tests.support.html import error_links, error_summary, soup
from webapp.extensions import db
from webapp.feedback.receipts import normalise_receipt, receipt_hash
from webapp.feedback.tokens import make_token
from webapp.models import Feedback, PosterScan
from webapp.ratelimits import client_of

FORM = "/sv/feedback/torget"
ANSWERS = {"met_police": "met", "safety": "4", "reach_ease": "2", "comment": "Bra att ni syns."}


def _scans(poster):
    poster_id = poster.id
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    rows = db.session.execute(
        select(PosterScan.day, PosterScan.scans).where(PosterScan.poster_id == poster_id)
    )
    return sorted(tuple(row) for row in rows)


# --- /q/<code>: count the scan, open the form ---


def _phone(n):
    """A different client for each n: one client's repeat scans count once (test_poster_scans)."""
    return {"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250 + 1}"}


def test_scan_counts_per_day_and_redirects_to_the_swedish_form(app, client, pin):
    poster = make_poster("torget")

    first = client.get(f"/q/{poster.code}", environ_base=_phone(1))
    second = client.get(f"/q/{poster.code.lower()}", environ_base=_phone(2))
    pin(datetime(2026, 11, 24, 23, 30, tzinfo=UTC))  # 00:30 on the 25th in Sävsjö
    third = client.get(f"/q/{poster.code}", environ_base=_phone(3))

    assert [first.status_code, second.status_code, third.status_code] == [303, 303, 303]
    assert first.headers["Location"] == f"/sv/feedback/torget/{poster.code}"
    assert first.headers["Cache-Control"] == "no-store"
    assert _scans(poster) == [(date(2026, 11, 24), 2), (date(2026, 11, 25), 1)]


def test_a_head_request_is_not_counted_as_a_scan(app, client):
    poster = make_poster("torget")

    response = client.head(f"/q/{poster.code}")

    assert response.status_code == 303
    assert _scans(poster) == []


def test_old_poster_codes_keep_working_and_count_on_their_own(app, client):
    old = make_poster("torget", now=NOW - timedelta(days=400))
    new = make_poster("torget")

    codes = (old.code, new.code, old.code)
    responses = [client.get(f"/q/{code}", environ_base=_phone(n)) for n, code in enumerate(codes)]

    assert [r.headers["Location"] for r in responses] == [
        f"/sv/feedback/torget/{old.code}",
        f"/sv/feedback/torget/{new.code}",
        f"/sv/feedback/torget/{old.code}",
    ]
    assert old.code != new.code
    assert (_scans(old), _scans(new)) == ([(date(2026, 11, 24), 2)], [(date(2026, 11, 24), 1)])


def test_unknown_poster_code_is_a_localized_404(client):
    pages = {
        accept: client.get("/q/ZZZZZZ", headers={"Accept-Language": accept})
        for accept in ("sv", "en-GB,en;q=0.9", "de")
    }

    assert {accept: r.status_code for accept, r in pages.items()} == dict.fromkeys(pages, 404)
    assert {accept: soup(r).html["lang"] for accept, r in pages.items()} == {
        "sv": "sv",
        "en-GB,en;q=0.9": "en",
        "de": "sv",
    }
    assert [len(soup(r).find_all("h1")) for r in pages.values()] == [1, 1, 1]
    assert db.session.scalars(select(PosterScan)).all() == []


def test_scans_from_many_threads_are_all_counted(app):
    poster = make_poster("torget")
    url = f"/q/{poster.code}"
    threads, per_thread = 8, 25
    statuses = []

    def scan_many(thread):
        client = app.test_client()
        statuses.extend(
            client.get(url, environ_base=_phone(thread * per_thread + n)).status_code
            for n in range(per_thread)
        )

    workers = [threading.Thread(target=scan_many, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert statuses == [303] * threads * per_thread
    assert _scans(poster) == [(date(2026, 11, 24), threads * per_thread)]


# --- The form ---


def test_form_page_sets_no_cookie_and_warns_against_reporting_crimes(client):
    poster = make_poster("torget")

    response = client.get(f"/sv/feedback/torget/{poster.code}")

    page = soup(response)
    notice = page.select_one(".notice-emergency")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert page.html["lang"] == "sv"
    assert page.h1.get_text(strip=True) == "Synpunkter om Torget"
    assert page.title.get_text().startswith("Synpunkter om Torget – ")
    assert [a["href"] for a in notice.find_all("a")] == [
        "tel:112",
        "tel:11414",
        "https://polisen.se",
    ]
    assert "Skriv inte namn eller andra uppgifter om andra personer." in notice.get_text()
    english = page.find("a", attrs={"hreflang": "en"})
    assert english["href"] == f"/en/feedback/torget/{poster.code}"
    assert page.form["action"] == f"/sv/feedback/torget/{poster.code}"
    assert page.form.has_attr("novalidate")
    assert page.find("script") is None


def test_english_form_uses_the_place_name_from_the_data_file(client):
    page = soup(client.get("/en/feedback/torget"))

    assert page.html["lang"] == "en"
    assert "Torget (the square)" in page.h1.get_text()


def test_form_asks_the_questions_with_every_option(client):
    page = soup(client.get(FORM))

    def values(name):
        return [i["value"] for i in page.find_all("input", attrs={"name": name, "type": "radio"})]

    assert values("met_police") == ["met", "saw", "no"]
    assert values("safety") == ["1", "2", "3", "4", "5"]
    assert values("reach_ease") == ["1", "2", "3", "4", "5"]
    assert page.find("textarea", attrs={"name": "comment"}) is not None
    assert [i["name"] for i in page.find_all("input", attrs={"type": "checkbox"})] == [
        "wants_contact",
        "contact_consent",
    ]


def test_honeypot_is_hidden_from_people_and_assistive_technology(client):
    page = soup(client.get(FORM))

    field = page.find("input", attrs={"name": "leave_empty"})
    wrapper = field.find_parent("div")
    assert wrapper["aria-hidden"] == "true"
    assert "honeypot" in wrapper["class"]
    assert (field["tabindex"], field["autocomplete"]) == ("-1", "off")


def test_unknown_place_or_poster_in_the_form_url_is_a_localized_404(client):
    urls = ["/sv/feedback/nowhere", "/sv/feedback/torget/ZZZZZZ", "/en/feedback/nowhere"]

    responses = [client.get(url) for url in urls]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert [soup(r).html["lang"] for r in responses] == ["sv", "sv", "en"]


def test_a_poster_code_only_opens_its_own_place(client):
    poster = make_poster("resecentrum")

    assert client.get(f"/sv/feedback/torget/{poster.code}").status_code == 404
    assert client.get(f"/sv/feedback/resecentrum/{poster.code}").status_code == 200


# --- Submitting ---


def thanks_path(response) -> str:
    return response.headers["Location"].partition("?")[0]


def receipt_of(response) -> str | None:
    """The receipt code the thank-you page is sent, in canonical form."""
    query = response.headers["Location"].partition("?")[2]
    return normalise_receipt(dict(p.split("=", 1) for p in query.split("&") if p).get("receipt"))


def test_answers_are_stored_in_their_own_columns_with_the_poster(app, client):
    poster = make_poster("torget")
    url = f"/sv/feedback/torget/{poster.code}"

    response = submit(app, client, url, {**ANSWERS, "comment": "  Bra att ni syns.\r\nTack! "})

    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    row = db.session.scalars(select(Feedback)).one()
    assert response.status_code == 303
    assert thanks_path(response) == "/sv/feedback/torget/thanks"
    assert row.receipt_hash == receipt_hash(receipt_of(response))
    assert "Set-Cookie" not in response.headers
    assert (row.place.slug, row.poster_id, row.lang) == ("torget", poster.id, "sv")
    assert (row.met_police, row.safety, row.reach_ease) == ("met", 4, 2)
    assert row.comment == "Bra att ni syns.\nTack!"
    assert row.created_at == NOW + timedelta(seconds=30)
    assert (row.wants_contact, row.contact_name, row.contact_details) == (False, None, None)
    assert (row.read_at, row.comment_masked) == (None, None)


def test_english_answers_are_marked_english(app, client):
    response = submit(app, client, "/en/feedback/biblioteket", {"safety": "5"})

    row = db.session.scalars(select(Feedback)).one()
    assert thanks_path(response) == "/en/feedback/biblioteket/thanks"
    assert (row.lang, row.place.slug, row.poster_id, row.safety) == ("en", "biblioteket", None, 5)


def test_contact_details_are_kept_when_asked_for_with_consent(app, client):
    data = {
        "comment": "Ring mig gärna.",
        "wants_contact": "y",
        "contact_name": "Anna Svensson",
        "contact_details": "070-123 45 67",
        "contact_consent": "y",
    }

    response = submit(app, client, FORM, data)

    row = db.session.scalars(select(Feedback)).one()
    assert thanks_path(response) == "/sv/feedback/torget/thanks/contact"
    assert (row.wants_contact, row.contact_consent) == (True, True)
    assert (row.contact_name, row.contact_details) == ("Anna Svensson", "070-123 45 67")


@pytest.mark.parametrize(
    ("data", "errors", "targets"),
    [
        (
            {"comment": "Hej", "wants_contact": "y", "contact_details": "anna@example.se"},
            ["Kryssa i att du samtycker, annars kan vi inte spara dina kontaktuppgifter"],
            ["#contact_consent"],
        ),
        (
            {"comment": "Hej", "wants_contact": "y", "contact_consent": "y"},
            ["Skriv ditt telefonnummer eller din e-postadress så att vi kan kontakta dig"],
            ["#contact_details"],
        ),
        (
            {"comment": "Hej", "contact_details": "anna@example.se"},
            ["Kryssa i att du vill bli kontaktad, eller ta bort dina kontaktuppgifter"],
            ["#wants_contact"],
        ),
        (
            {
                "comment": "Hej",
                "wants_contact": "y",
                "contact_details": "inte ett nummer",
                "contact_consent": "y",
            },
            [
                "Skriv ett telefonnummer eller en e-postadress, till exempel 070-123 45 67 "
                "eller namn@exempel.se"
            ],
            ["#contact_details"],
        ),
        (
            {},
            ["Svara på minst en av frågorna, eller skriv vad du tycker"],
            ["#met_police-0"],
        ),
        (
            {"safety": "7", "met_police": "maybe"},
            [
                "Välj ett av svaren, eller hoppa över frågan",
                "Välj ett svar från 1 till 5, eller hoppa över frågan",
            ],
            ["#met_police-0", "#safety-0"],
        ),
        ({"comment": "x" * 2001}, ["Skriv högst 2000 tecken"], ["#comment"]),
    ],
)
def test_mistakes_are_explained_and_nothing_is_saved(app, client, data, errors, targets):
    response = submit(app, client, FORM, data)

    page = soup(response)
    assert response.status_code == 400
    assert error_summary(response) == errors
    assert error_links(response) == targets
    assert page.title.get_text().startswith("Fel: Synpunkter om Torget")
    assert feedback_count() == 0


def test_an_invalid_field_is_marked_for_assistive_technology(app, client):
    response = submit(app, client, FORM, {"comment": "Hej", "wants_contact": "y"})

    field = soup(response).find("input", attrs={"name": "contact_details"})
    assert field["aria-invalid"] == "true"
    assert field["aria-describedby"] == "contact_details-hint contact_details-error"


def test_a_comment_of_2000_characters_with_line_breaks_fits(app, client):
    comment = ("a" * 99 + "\r\n") * 20  # 2000 characters once the browser's CRLF is one

    response = submit(app, client, FORM, {"comment": comment.strip()})

    assert response.status_code == 303
    assert len(db.session.scalars(select(Feedback)).one().comment) == 1999


def _kept_input(response):
    page = soup(response)
    return {
        "met_police": page.find("input", attrs={"name": "met_police", "checked": True})["value"],
        "safety": page.find("input", attrs={"name": "safety", "checked": True})["value"],
        "comment": page.find("textarea", attrs={"name": "comment"}).get_text().strip(),
        "contact_name": page.find("input", attrs={"name": "contact_name"})["value"],
    }


@pytest.mark.parametrize(
    ("after", "message"),
    [
        (
            timedelta(hours=5),
            "Formuläret var öppet länge, så av säkerhetsskäl skickades inget. Dina svar finns "
            "kvar: kontrollera dem och tryck på Skicka igen.",
        ),
        (
            timedelta(seconds=1),
            "Formuläret skickades väldigt snabbt. Kontrollera dina svar och tryck på Skicka igen.",
        ),
    ],
)
def test_expired_or_too_quick_forms_keep_the_input_and_send_on_the_second_try(
    app, client, pin, after, message
):
    data = {
        "met_police": "saw",
        "safety": "2",
        "comment": "Mörkt vid busshållplatsen.",
        "wants_contact": "y",
        "contact_name": "Anna",
        "contact_details": "anna@example.se",
        "contact_consent": "y",
    }

    first = submit(app, client, FORM, data, after=after)
    pin(NOW + after)
    fresh = soup(first).find("input", attrs={"name": "token"})["value"]
    second = submit(app, client, FORM, data, token=fresh)

    assert first.status_code == 400
    assert error_summary(first) == [message]
    assert error_links(first) == ["#submit"]
    assert _kept_input(first) == {
        "met_police": "saw",
        "safety": "2",
        "comment": "Mörkt vid busshållplatsen.",
        "contact_name": "Anna",
    }
    assert second.status_code == 303
    assert feedback_count() == 1


def test_forged_or_misplaced_tokens_send_nothing(app, client):
    tokens = [
        "",
        "garbage",
        "torget|.awVZGA.not-a-signature",
        make_token("another-secret", place_slug="torget", poster_code=None, now=NOW),
        make_token("test-secret", place_slug="biblioteket", poster_code=None, now=NOW),
        make_token("test-secret", place_slug="torget", poster_code="K7M3QX", now=NOW),
    ]

    responses = [submit(app, client, FORM, ANSWERS, token=token) for token in tokens]

    assert [r.status_code for r in responses] == [400] * len(tokens)
    assert {tuple(error_summary(r)) for r in responses} == {
        (
            "Formuläret kunde inte skickas. Dina svar finns kvar: kontrollera dem och tryck på "
            "Skicka igen.",
        )
    }
    assert feedback_count() == 0


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(app, client):
    response = submit(app, client, FORM, {**ANSWERS, "leave_empty": "http://spam.example"})

    assert response.status_code == 303
    assert thanks_path(response) == "/sv/feedback/torget/thanks"
    assert receipt_of(response) is not None  # a receipt like any other, leading nowhere
    assert feedback_count() == 0


def test_an_oversized_body_gets_the_localized_413_page(app, client):
    token = form_token(client, "/en/feedback/torget")

    response = client.post("/en/feedback/torget", data={"token": token, "comment": "x" * 70_000})

    page = soup(response)
    assert response.status_code == 413
    assert page.html["lang"] == "en"
    assert len(page.find_all("h1")) == 1
    assert feedback_count() == 0


def test_submissions_from_many_threads_are_all_saved(app):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "1000 per minute"
    threads, per_thread = 6, 5
    statuses = []

    def send_many():
        client = app.test_client()
        for n in range(per_thread):
            token = make_token("test-secret", place_slug="torget", poster_code=None, now=NOW)
            response = client.post(FORM, data={"token": token, "comment": f"svar {n}"})
            statuses.append(response.status_code)

    app.config["NOW"] = NOW + timedelta(seconds=30)
    workers = [threading.Thread(target=send_many) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert statuses == [303] * threads * per_thread
    assert feedback_count() == threads * per_thread


# --- Rate limits ---


def test_rate_limit_per_client_answers_429_and_lets_others_through(app, client):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "2 per hour"
    one = {"REMOTE_ADDR": "198.51.100.1"}
    other = {"REMOTE_ADDR": "198.51.100.2"}

    statuses = [submit(app, client, FORM, ANSWERS, environ_base=one).status_code for _ in range(3)]
    fourth = submit(app, client, FORM, ANSWERS, environ_base=other)

    assert statuses == [303, 303, 429]
    assert fourth.status_code == 303
    assert feedback_count() == 3


def test_one_ipv6_64_is_one_client_and_cannot_close_the_form_for_everyone(app, client):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "2 per hour"
    app.config["FEEDBACK_ALL_CLIENTS_LIMIT"] = "4 per hour"
    prefix = [{"REMOTE_ADDR": f"2001:db8:1:2:{n:x}::{n}"} for n in range(1, 6)]
    elsewhere = {"REMOTE_ADDR": "2001:db8:1:3::1"}

    flood = [submit(app, client, FORM, ANSWERS, environ_base=e).status_code for e in prefix]
    resident = submit(app, client, FORM, ANSWERS, environ_base=elsewhere)

    assert flood == [303, 303, 429, 429, 429]
    assert resident.status_code == 303
    assert feedback_count() == 3


@pytest.mark.parametrize(
    ("address", "client"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::1", "2001:db8:1:2::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_the_client_of_an_address(address, client):
    assert client_of(address) == client


@pytest.mark.parametrize(("hops", "expected"), [(1, [303, 303]), (0, [303, 429])])
def test_x_forwarded_for_names_the_client_only_with_proxy_hops(database_url, hops, expected):
    # Two visitors behind nginx: with PROXY_HOPS=1 each has its own limit; without it the
    # header is ignored (a client could forge it) and both share the proxy's address.
    app = make_app(database_url, PROXY_HOPS=hops, FEEDBACK_CLIENT_LIMIT="1 per hour")
    with app.app_context():
        client = app.test_client()
        statuses = [
            submit(app, client, FORM, ANSWERS, headers={"X-Forwarded-For": f"198.51.100.{n}"})
            for n in (1, 2)
        ]
        db.session.remove()
        db.engine.dispose()

    assert [r.status_code for r in statuses] == expected


def test_rate_limit_for_everyone_together_caps_a_flood(app, client):
    app.config["FEEDBACK_ALL_CLIENTS_LIMIT"] = "3 per hour"

    statuses = [
        submit(app, client, FORM, ANSWERS, environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        for n in range(1, 5)
    ]

    assert [r.status_code for r in statuses] == [303, 303, 303, 429]
    page = soup(statuses[-1])
    assert page.html["lang"] == "sv"
    assert page.h1.get_text(strip=True) == "För många försök"
    assert feedback_count() == 3


def test_the_form_page_itself_is_never_rate_limited(app, client):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "1 per hour"

    assert [client.get(FORM).status_code for _ in range(5)] == [200] * 5


# --- Confirmation ---


def test_confirmation_says_what_happens_next(client):
    page = soup(client.get("/sv/feedback/torget/thanks"))

    steps = [li.get_text(" ", strip=True) for li in page.select(".next-steps li")]
    assert page.h1.get_text(strip=True) == "Tack för dina synpunkter"
    assert page.title.get_text().startswith("Tack för dina synpunkter – ")
    assert steps == [
        "Polisen och kommunen läser alla svar.",
        "Svaren används när medborgarlöftet följs upp, tre gånger om året.",
        "Det du har skickat är en allmän handling. Andra kan begära att få läsa den, men "
        "personuppgifter tas bort innan något lämnas ut eller publiceras.",
    ]


def test_confirmation_after_a_contact_request_promises_contact(client):
    page = soup(client.get("/sv/feedback/torget/thanks/contact"))

    steps = [li.get_text(" ", strip=True) for li in page.select(".next-steps li")]
    assert steps[-1] == "Du bad om att bli kontaktad. Vi hör av oss på de uppgifter du lämnade."
    assert page.find("a", attrs={"hreflang": "en"})["href"] == "/en/feedback/torget/thanks/contact"


def test_confirmation_for_an_unknown_place_is_404(client):
    assert client.get("/sv/feedback/nowhere/thanks").status_code == 404


def test_public_feedback_page_links_to_every_place_form(client):
    page = soup(client.get("/sv/feedback"))

    hrefs = {a["href"] for a in page.find_all("a")}
    assert {
        "/sv/feedback/poliskontoret",
        "/sv/feedback/torget",
        "/sv/feedback/resecentrum",
        "/sv/feedback/biblioteket",
    } <= hrefs
