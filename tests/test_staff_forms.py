"""Staff forms: the GOV.UK error pattern, and no input that makes a 500 (hypothesis)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.fuzz import examples
from tests.support.html import error_summary, soup
from tests.support.staff import csrf_token, logged_in

SERIES_URL = "/sv/staff/presence/series/new"
SLOT_URL = "/sv/staff/presence/slots/new"
FUZZ = settings(
    max_examples=examples(100),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.text(max_size=40) | st.text(alphabet="\x00\r\n\t <>&\"'%;-0123456789:", max_size=20)
dates = (
    st.dates().map(str)
    | st.sampled_from(["2026-12-31", "2026-02-30", "0001-01-01", "9999-12-31", "31/12/2026", ""])
    | junk
)
times = (
    st.times().map(lambda t: t.strftime("%H:%M"))
    | st.sampled_from(["24:00", "12:60", "7", "07:00:00", ""])
    | junk
)
places = st.sampled_from(["torget", "resecentrum", "poliskontoret", "nowhere", ""]) | junk
numbers = st.integers(-(10**20), 10**20).map(str) | junk


def test_empty_series_form_lists_every_problem_and_links_to_fields(app):
    client = logged_in(app, "police")
    token = csrf_token(client, SERIES_URL)

    response = client.post(SERIES_URL, data={"csrf_token": token, "interval_weeks": ""})

    page = soup(response)
    assert response.status_code == 400
    assert page.title.get_text().startswith("Fel: Ny serie")
    summary = page.select_one(".error-summary")
    assert summary.find("h2").get_text(strip=True) == "Det finns ett problem"
    assert summary.find_next("h1") is not None  # the summary comes before the h1
    links = {a["href"]: a.get_text(strip=True) for a in summary.select("a")}
    assert links == {
        "#place": "Välj en plats",
        "#weekdays-0": "Välj minst en veckodag",
        "#starts": "Skriv när tillfällena börjar",
        "#ends": "Skriv när tillfällena slutar",
        "#first_day": "Skriv seriens första dag",
        "#last_day": "Skriv seriens sista dag",
        "#interval_weeks": "Skriv hur många veckor det är mellan tillfällena, till exempel 1",
    }
    starts = page.find("input", attrs={"name": "starts"})
    assert starts["aria-invalid"] == "true"
    assert starts["aria-describedby"] == "starts-hint starts-error"
    assert (
        page.find(id="starts-error").get_text(" ", strip=True)
        == "Fel: Skriv när tillfällena börjar"
    )
    assert page.find(id="starts-hint") is not None


def test_series_form_keeps_what_was_typed_and_explains_bad_values(app):
    client = logged_in(app, "police")
    token = csrf_token(client, SERIES_URL)
    data = {
        "csrf_token": token,
        "place": "torget",
        "weekdays": ["1", "3"],
        "starts": "16:00",
        "ends": "15:00",
        "first_day": "2026-12-01",
        "last_day": "den 5 januari",
        "interval_weeks": "två",
    }

    response = client.post(SERIES_URL, data=data)

    page = soup(response)
    assert error_summary(response) == [
        "Sluttiden måste vara efter starttiden",
        "Skriv datumet som år-månad-dag, till exempel 2026-12-04",
        "Skriv ett heltal, till exempel 1 eller 2",
    ]
    assert page.find("input", attrs={"name": "last_day"})["value"] == "den 5 januari"
    assert page.find("input", attrs={"name": "interval_weeks"})["value"] == "två"
    checked = [
        i["value"]
        for i in page.find_all("input", attrs={"name": "weekdays"})
        if i.has_attr("checked")
    ]
    assert checked == ["1", "3"]
    assert page.find("option", attrs={"value": "torget"}).has_attr("selected")


def test_series_in_the_past_is_refused_with_a_reason(app):
    client = logged_in(app, "police")
    token = csrf_token(client, SERIES_URL)

    response = client.post(
        SERIES_URL,
        data={
            "csrf_token": token,
            "place": "torget",
            "weekdays": ["0"],
            "starts": "10:00",
            "ends": "11:00",
            "first_day": "2026-01-01",
            "last_day": "2026-02-01",
            "interval_weeks": "1",
        },
    )

    assert response.status_code == 400
    assert error_summary(response) == [
        "Serien får inga tillfällen som inte redan har varit. Kontrollera veckodagar och datum"
    ]


@FUZZ
@given(
    place=places,
    weekdays=st.lists(st.sampled_from(["0", "3", "6", "7", "x", ""]) | junk, max_size=3),
    starts=times,
    ends=times,
    first_day=dates,
    last_day=dates,
    interval=numbers,
    confirm=st.sampled_from(["", "1"]) | junk,
)
def test_series_form_never_fails_with_a_server_error(
    app, place, weekdays, starts, ends, first_day, last_day, interval, confirm
):
    client = _police(app)

    response = client.post(
        SERIES_URL,
        data={
            "csrf_token": app.config["_fuzz_token"],
            "place": place,
            "weekdays": weekdays,
            "starts": starts,
            "ends": ends,
            "first_day": first_day,
            "last_day": last_day,
            "interval_weeks": interval,
            "confirm": confirm,
        },
    )

    assert response.status_code in (200, 302, 400)


@FUZZ
@given(
    place=places,
    day=dates,
    starts=times,
    ends=times,
    note=junk | st.text(min_size=490),
    confirm=st.sampled_from(["", "1"]),
)
def test_slot_form_never_fails_with_a_server_error(app, place, day, starts, ends, note, confirm):
    client = _police(app)

    response = client.post(
        SLOT_URL,
        data={
            "csrf_token": app.config["_fuzz_token"],
            "place": place,
            "day": day,
            "starts": starts,
            "ends": ends,
            "note": note,
            "confirm": confirm,
        },
    )

    assert response.status_code in (200, 302, 400)


def _police(app):
    """One logged-in client per app, reused across the examples."""
    if "_fuzz_client" not in app.config:
        client = logged_in(app, "police")
        app.config["_fuzz_client"] = client
        app.config["_fuzz_token"] = csrf_token(client, SLOT_URL)
    return app.config["_fuzz_client"]


FORM_URLS = [
    "/sv/staff/office/hours",
    "/sv/staff/office/closures/new",
    "/sv/staff/users/new",
    "/sv/staff/login",
]
values = (
    junk
    | dates
    | times
    | numbers
    | st.sampled_from(["yes", "no", "closed", "changed", "police", "admin", "y", "1"])
)


@FUZZ
@given(url=st.sampled_from(FORM_URLS), data=st.data())
def test_other_staff_forms_never_fail_with_a_server_error(app, url, data):
    client, token = _client_for(app, url)
    names = _field_names(app, client, url)
    chosen = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=len(names)))

    response = client.post(url, data={**chosen, "csrf_token": token})

    assert response.status_code in (200, 302, 400, 429)


def _client_for(app, url):
    """Anonymous for login, police for the office forms, an admin for accounts."""
    if url.endswith("/login"):
        if "_fuzz_anonymous" not in app.config:
            anonymous = app.test_client()
            app.config["_fuzz_anonymous"] = (anonymous, csrf_token(anonymous, url))
        return app.config["_fuzz_anonymous"]
    if "/users/" not in url:
        return _police(app), app.config["_fuzz_token"]
    if "_fuzz_admin" not in app.config:
        admin = logged_in(app, "admin")
        app.config["_fuzz_admin"] = (admin, csrf_token(admin, url))
    return app.config["_fuzz_admin"]


def _field_names(app, client, url):
    cache = app.config.setdefault("_fuzz_fields", {})
    if url not in cache:
        page = soup(client.get(url))
        form = page.find("form", attrs={"novalidate": True})
        cache[url] = sorted(
            {
                f["name"]
                for f in form.find_all(["input", "select", "textarea"])
                if f.get("name") and f["name"] != "csrf_token"
            }
        )
    return cache[url]
