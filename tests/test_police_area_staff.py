"""Staff accounts in a police area: an account of one municipality gets 403 on every staff
URL of another (a table of every staff endpoint, derived from the URL map, under both
municipalities' addresses); an account of the whole area works in both."""

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.factories import make_feedback
from tests.support.html import error_summary, soup
from tests.support.staff import staff_client
from tests.test_feedback_inbox import _csv_rows
from tests.test_police_area_data import load_test_area
from webapp.extensions import db
from webapp.models import AuditEvent, Municipality, Place, User

SITES = {"savsjo": "", "vastby": "/vastby"}


def town(slug):
    return db.session.scalar(select(Municipality).where(Municipality.slug == slug))


def staff_urls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every staff URL rule, with arguments that fit it."""
    out = []
    adapter = app.url_map.bind("narvaro.example")
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[name] = 1
            else:
                values[name] = "sv" if name == "lang" else "x"
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, adapter.build(rule.endpoint, values, method=method)))
    return out


def csrf_from(client, path):
    page = client.get(path)
    assert page.status_code == 200, path
    return soup(page).find("input", attrs={"name": "csrf_token"})["value"]


@pytest.mark.parametrize(("own", "other"), [("vastby", "savsjo"), ("savsjo", "vastby")])
def test_an_account_of_one_municipality_gets_403_on_every_staff_url_of_another(app, own, other):
    load_test_area()
    client = staff_client(app, "admin", email=f"admin@{own}.example", municipality=town(own))
    # Its own municipality's pages open (a form there gives the session's CSRF token).
    token = csrf_from(client, f"{SITES[own]}/sv/staff/account")
    urls = staff_urls(app)
    assert len(urls) > 40  # every staff page, derived from the URL map

    answers = {}
    for endpoint, method, path in urls:
        url = SITES[other] + path
        if method == "GET":
            answers[endpoint, method] = client.get(url).status_code
        else:
            answers[endpoint, method] = client.post(url, data={"csrf_token": token}).status_code

    assert {key: status for key, status in answers.items() if status != 403} == {}
    # Still logged in, and still let into its own municipality.
    assert client.get(f"{SITES[own]}/sv/staff/").status_code in (200, 302)


def account_urls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every staff URL about one account, from the URL map."""
    return [
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("staff.") and "user_id" in rule.arguments
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    ]


def account_path(rule: str, prefix: str, user_id: int) -> str:
    return prefix + rule.replace("<any(sv,en):lang>", "sv").replace(
        "<int(max=2147483647):user_id>", str(user_id)
    )


def accounts_world(app):
    """The area with an account of each municipality and of the area, and an audit entry
    in each municipality; returns the users by e-mail."""
    from webapp import audit

    load_test_area()
    people = {
        "kommun@vastby.example": town("vastby"),
        "kommun@savsjo.example": town("savsjo"),
        "polis@omradet.example": None,
    }
    rows = {}
    for email, home in people.items():
        rows[email] = User(
            email=email,
            password_hash="not-used",
            role="police",
            created_at=app.config["NOW"],
            municipality_id=home.id if home else None,
        )
        db.session.add(rows[email])
    db.session.flush()
    for slug in SITES:
        audit.record(
            db.session, actor=None, action="calendar.load", obj=town(slug), now=app.config["NOW"]
        )
    db.session.commit()
    return {email: row.id for email, row in rows.items()}


def listed_accounts(client, prefix):
    page = client.get(f"{prefix}/sv/staff/users")
    assert page.status_code == 200
    table = soup(page).select_one("table")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    return {
        row.select("td")[0].get_text(strip=True): row.select("td")[heads.index("Kommun")].get_text(
            strip=True
        )
        for row in table.select("tbody tr")
    }


def audit_places(client, url, status=200):
    page = client.get(url)
    assert page.status_code == status, url
    return [
        (e.select_one(".audit-where").get_text(strip=True), e.select_one(".audit-text").get_text())
        for e in soup(page).select(".audit-entry")
    ]


def test_a_municipalitys_admin_manages_its_own_accounts_and_reads_its_own_audit_entries(app):
    ids = accounts_world(app)
    admin = staff_client(app, "admin", email="admin@vastby.example", municipality=town("vastby"))
    token = csrf_from(admin, "/vastby/sv/staff/users/new")
    urls = account_urls(app)
    assert {endpoint for endpoint, _m, _r in urls} >= {
        "staff.user_edit", "staff.user_password_link", "staff.user_two_step_remove",
        "staff.user_throttle_clear",
    }  # fmt: skip

    def answers(email):
        out = {}
        for endpoint, method, rule in urls:
            url = account_path(rule, "/vastby", ids[email])
            if method == "GET":
                out[endpoint, method] = admin.get(url).status_code
            else:
                data = {"csrf_token": token, "role": "municipality", "active": "y"}
                out[endpoint, method] = admin.post(url, data=data).status_code
        return out

    # Another municipality's account and the area's: not there for this admin.
    assert set(answers("kommun@savsjo.example").values()) == {404}
    assert set(answers("polis@omradet.example").values()) == {404}
    # Its own municipality's: every action works (a page, or back to the account).
    assert set(answers("kommun@vastby.example").values()) <= {200, 302}
    changed = db.session.get(User, ids["kommun@vastby.example"])
    db.session.refresh(changed)
    assert changed.role == "municipality"

    assert listed_accounts(admin, "/vastby") == {
        "admin@vastby.example": "Västby kommun",
        "kommun@vastby.example": "Västby kommun",
    }
    entries = audit_places(admin, "/vastby/sv/staff/audit")
    assert entries and {where for where, _text in entries} == {"Västby kommun"}
    assert ("Västby kommun", "Datafilen lästes in") in entries
    # Filtering on someone out of reach is a wrong choice, not a way to see them.
    other = ids["kommun@savsjo.example"]
    refused = audit_places(admin, f"/vastby/sv/staff/audit?who={other}", status=400)
    assert {where for where, _text in refused} == {"Västby kommun"}
    assert audit_places(admin, "/vastby/sv/staff/audit?municipality=savsjo") == entries

    # A new account is the admin's municipality's, whatever the form says.
    form = soup(admin.get("/vastby/sv/staff/users/new"))
    assert form.select_one("select#municipality") is None
    made = admin.post(
        "/vastby/sv/staff/users/new",
        data={
            "csrf_token": token,
            "email": "ny@vastby.example",
            "role": "police",
            "password": "lagom lång lösenfras för test",
            "municipality": "",
        },
    )
    assert made.status_code == 302
    db.session.rollback()  # the test's own read began before the account was made
    assert db.session.scalar(
        select(User.municipality_id).where(User.email == "ny@vastby.example")
    ) == (town("vastby").id)
    # An address taken in another municipality is taken: a message, not a crash.
    taken = admin.post(
        "/vastby/sv/staff/users/new",
        data={
            "csrf_token": token,
            "email": "kommun@savsjo.example",
            "role": "police",
            "password": "lagom lång lösenfras för test",
        },
    )
    assert taken.status_code == 400
    assert "Det finns redan ett konto med den e-postadressen" in error_summary(taken)


def test_an_area_admin_manages_every_account_and_filters_the_audit_log_by_municipality(app):
    ids = accounts_world(app)
    admin = staff_client(app, "admin", email="admin@omradet.example")
    token = csrf_from(admin, "/vastby/sv/staff/users/new")

    assert listed_accounts(admin, "/vastby") == {
        "admin@omradet.example": "Lokalpolisområde Testområdet",
        "kommun@savsjo.example": "Sävsjö kommun",
        "kommun@vastby.example": "Västby kommun",
        "polis@omradet.example": "Lokalpolisområde Testområdet",
    }
    for email in ids:
        assert admin.get(f"/vastby/sv/staff/users/{ids[email]}").status_code == 200
    form = soup(admin.get("/vastby/sv/staff/users/new"))
    offered = [(o["value"], o.get_text(strip=True)) for o in form.select("#municipality option")]
    assert offered == [
        ("", "Lokalpolisområde Testområdet"),
        ("savsjo", "Sävsjö kommun"),
        ("vastby", "Västby kommun"),
    ]
    assert form.select_one("#municipality option[selected]")["value"] == "vastby"
    made = admin.post(
        "/vastby/sv/staff/users/new",
        data={
            "csrf_token": token,
            "email": "ny@savsjo.example",
            "role": "police",
            "password": "lagom lång lösenfras för test",
            "municipality": "savsjo",
        },
    )
    assert made.status_code == 302
    db.session.rollback()  # the test's own read began before the account was made
    assert db.session.scalar(
        select(User.municipality_id).where(User.email == "ny@savsjo.example")
    ) == (town("savsjo").id)

    # It moves an account to another municipality (and not its own out of the area).
    moving = ids["kommun@vastby.example"]
    edit = soup(admin.get(f"/vastby/sv/staff/users/{moving}"))
    assert edit.select_one("#municipality option[selected]")["value"] == "vastby"
    moved = admin.post(
        f"/vastby/sv/staff/users/{moving}",
        data={"csrf_token": token, "role": "police", "active": "y", "municipality": "savsjo"},
    )
    assert moved.status_code == 302
    own_id = db.session.scalar(select(User.id).where(User.email == "admin@omradet.example"))
    refused = admin.post(
        f"/vastby/sv/staff/users/{own_id}",
        data={"csrf_token": token, "role": "admin", "active": "y", "municipality": "vastby"},
    )
    assert refused.status_code == 400
    assert error_summary(refused) == [
        "Du kan inte flytta ditt eget konto till en kommun. Be en annan administratör"
    ]
    db.session.rollback()
    assert db.session.get(User, moving).municipality_id == town("savsjo").id
    assert db.session.get(User, own_id).municipality_id is None
    entry = soup(admin.get("/sv/staff/audit?action=user.municipality")).select_one(".audit-entry")
    assert entry.select_one(".audit-text").get_text() == (
        "admin@omradet.example flyttade kontot kommun@vastby.example till en annan kommun"
    )
    assert [li.get_text(" ", strip=True) for li in entry.select(".audit-changes li")] == [
        "Kommun: Västby kommun → Sävsjö kommun"
    ]
    moved_back = admin.post(  # to the whole area: the area's name
        f"/vastby/sv/staff/users/{moving}",
        data={"csrf_token": token, "role": "police", "active": "y", "municipality": ""},
    )
    assert moved_back.status_code == 302
    entry = soup(admin.get("/sv/staff/audit?action=user.municipality")).select_one(".audit-entry")
    assert [li.get_text(" ", strip=True) for li in entry.select(".audit-changes li")] == [
        "Kommun: Sävsjö kommun → Lokalpolisområde Testområdet"
    ]
    # What the log keeps is the municipalities' ids, which a renamed slug leaves alone; an
    # entry written with slugs before is named all the same.
    db.session.rollback()
    logged = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.municipality")
        .order_by(AuditEvent.id)
    ).all()  # fmt: skip
    assert [(e.before["municipality_id"], e.after["municipality_id"]) for e in logged] == [
        (town("vastby").id, town("savsjo").id), (town("savsjo").id, None)
    ]  # fmt: skip
    logged[0].before, logged[0].after = (
        {"email": "kommun@vastby.example", "municipality": "vastby"},
        {"email": "kommun@vastby.example", "municipality": "savsjo"},
    )
    db.session.commit()
    oldest = soup(admin.get("/sv/staff/audit?action=user.municipality")).select(".audit-entry")[-1]
    assert [li.get_text(" ", strip=True) for li in oldest.select(".audit-changes li")] == [
        "Kommun: Västby kommun → Sävsjö kommun"
    ]

    everything = audit_places(admin, "/vastby/sv/staff/audit")
    assert {"Sävsjö kommun", "Västby kommun"} <= {where for where, _text in everything}
    only = audit_places(admin, "/vastby/sv/staff/audit?municipality=savsjo")
    assert only and {where for where, _text in only} == {"Sävsjö kommun"}
    assert ("Sävsjö kommun", "Datafilen lästes in") in only
    assert admin.get("/vastby/sv/staff/audit?municipality=norrby").status_code == 400
    # At Sävsjö's address, an entry about Västby's slot names Västby's place.
    from datetime import UTC, datetime

    from tests.factories import make_slot
    from webapp import audit

    slot = make_slot(place="hamnen", starts_at=datetime(2026, 12, 8, 14, tzinfo=UTC))
    audit.record(
        db.session, actor=None, action="slot.cancel", obj=slot, now=app.config["NOW"],
        after=audit.slot_state(slot), label="polis@omradet.example",
    )  # fmt: skip
    db.session.commit()
    newest = audit_places(admin, "/sv/staff/audit")[0]
    assert newest == (
        "Västby kommun", "polis@omradet.example ställde in tisdag 8 december 2026 15:00, Hamnen"
    )  # fmt: skip


def test_an_account_of_the_area_plans_presence_in_every_municipality(app):
    load_test_area()
    client = staff_client(app, "police")
    own = {"savsjo": "Biblioteket", "vastby": "Hamnen"}  # a place only each one has

    for slug, prefix in SITES.items():
        page = client.get(f"{prefix}/sv/staff/presence")
        assert page.status_code == 200, slug
        text = soup(page).select_one("main").get_text(" ", strip=True)
        other = own["savsjo" if slug == "vastby" else "vastby"]
        assert (own[slug] in text, other in text) == (True, False), slug


def test_create_user_makes_an_account_of_one_municipality_or_of_the_area(app):
    load_test_area()
    runner = app.test_cli_runner()
    password = "lagom lång lösenfras för test\n"

    one = runner.invoke(
        args=["create-user", "v@example.se", "--role", "police", "--municipality", "vastby"],
        input=password,
    )
    area = runner.invoke(args=["create-user", "a@example.se", "--role", "police", "--area"],
                         input=password)  # fmt: skip
    unknown = runner.invoke(
        args=["create-user", "x@example.se", "--role", "police", "--municipality", "norrby"],
        input=password,
    )
    both = runner.invoke(
        args=[
            "create-user",
            "y@example.se",
            "--role",
            "police",
            "--area",
            "--municipality",
            "vastby",
        ],
        input=password,
    )

    assert (one.exit_code, one.output.strip()) == (
        0, "Created police account v@example.se for Västby kommun."
    )  # fmt: skip
    assert (area.exit_code, area.output.strip()) == (0, "Created police account a@example.se.")
    assert unknown.exit_code == 2 and "there are: savsjo, vastby" in unknown.output
    assert both.exit_code == 2 and "not both" in both.output
    users = {u.email: u.municipality_id for u in db.session.scalars(select(User))}
    assert users == {"v@example.se": town("vastby").id, "a@example.se": None}


def test_audit_entries_name_the_municipality_they_happened_in(app):
    from tests.factories import make_user
    from tests.support.staff import post_form
    from webapp.models import AuditEvent

    load_test_area()
    email = make_user(app, "police")
    client = app.test_client()

    response = post_form(
        client,
        "/vastby/sv/staff/login",
        {"email": email, "password": "lagom lång lösenfras för test"},
    )

    assert response.status_code == 302
    login = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (login.actor_label, login.municipality_id) == (email, town("vastby").id)


def test_a_case_is_assigned_only_to_its_municipalitys_staff_or_the_areas(app):
    from tests.factories import make_feedback
    from webapp.feedback import cases

    load_test_area()
    item = make_feedback(place="hamnen")  # Västby's
    own = town("vastby")
    vastby = staff_client(app, "municipality", email="kommun@vastby.example", municipality=own)
    staff_client(app, "municipality", email="kommun@savsjo.example", municipality=town("savsjo"))

    page = vastby.get(f"/vastby/sv/staff/feedback/{item.id}")

    assert page.status_code == 200
    offered = [
        option.get_text(strip=True) for option in soup(page).select("select#assignee option")
    ]
    assert offered == ["Gruppen", "kommun@vastby.example"]
    stranger = db.session.scalar(select(User).where(User.email == "kommun@savsjo.example"))
    with pytest.raises(cases.CaseError):
        cases.assign(db.session, item, stranger, actor=None, now=item.created_at)


def test_the_feedback_commands_take_one_municipality_and_name_it(app, tmp_path):
    load_test_area()
    for slug, name in (("savsjo", "Sävsjö kommun"), ("vastby", "Västby kommun")):
        place = db.session.scalar(
            select(Place)
            .join(Municipality)
            .where(Municipality.slug == slug, Place.slug == "torget")
        )
        make_feedback(place_id=place.id, comment=f"Om {name}")
    out = tmp_path / "vastby.csv"

    result = app.test_cli_runner().invoke(
        args=["export-feedback", "--municipality", "vastby", "--output", str(out)]
    )

    assert result.exit_code == 0, result.output
    rows = _csv_rows(out.read_bytes())
    assert rows[0][:2] == ["Nummer", "Kommun"]
    assert [(row[1], row[9]) for row in rows[1:]] == [("Västby kommun", "Om Västby kommun")]
    db.session.rollback()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "feedback.export").order_by(AuditEvent.id)
    ).all()[-1]
    assert (event.municipality_id, event.after) == (town("vastby").id, {"count": 1})
    unknown = app.test_cli_runner().invoke(args=["export-feedback", "--municipality", "nowhere"])
    assert unknown.exit_code == 2 and "no municipality 'nowhere'" in unknown.output


def week_rows(client, url, status=200):
    """(day, time, municipality, place, status, link) of each row of the week's table."""
    page = client.get(url)
    assert page.status_code == status, url
    return [
        (
            *(
                row.select_one(f".week-{name}").get_text(strip=True)
                for name in ("day", "time", "town", "place", "status")
            ),
            row.select_one("a")["href"],
        )
        for row in soup(page).select(".week-table tbody tr")
    ]


def test_the_areas_staff_see_one_week_across_municipalities_filtered_by_municipality(app):
    from datetime import UTC, datetime

    from tests.factories import make_slot

    load_test_area()
    ours = {
        "savsjo": make_slot(place="biblioteket", starts_at=datetime(2026, 11, 25, 13, tzinfo=UTC)),
        "vastby": make_slot(place="hamnen", starts_at=datetime(2026, 11, 26, 9, tzinfo=UTC)),
    }
    area = staff_client(app, "police")
    one = staff_client(app, "police", email="polis@vastby.example", municipality=town("vastby"))

    rows = week_rows(area, "/vastby/sv/staff/week?from=2026-11-25")
    # Every slot of the week, both municipalities', each row naming its own and linking to
    # it under its municipality's prefix on the host staff signed in at (Västby also has a
    # host of its own, where this session would not hold): Sävsjö's unprefixed.
    savsjo_link = f"https://narvaro.example/sv/staff/presence/slots/{ours['savsjo'].id}"
    vastby_link = f"https://narvaro.example/vastby/sv/staff/presence/slots/{ours['vastby'].id}"
    assert {row[2] for row in rows} == {"Sävsjö kommun", "Västby kommun"}
    assert (
        "ons 25 nov. 2026", "14:00–15:00", "Sävsjö kommun", "Biblioteket", "Planerat",
        savsjo_link,
    ) in rows  # fmt: skip
    assert (
        "tors 26 nov. 2026", "10:00–11:00", "Västby kommun", "Hamnen", "Planerat", vastby_link,
    ) in rows  # fmt: skip
    assert len(rows) == len({row[5] for row in rows})  # each slot once
    links = [row[5] for row in rows]  # in time order, whichever municipality
    assert links.index(savsjo_link) < links.index(vastby_link)
    with area.session_transaction() as session:  # signed in at the installation's address
        signed_in = dict(session)
    with area.session_transaction("https://narvaro.example/") as session:
        session.update(signed_in)
    for slot in ours.values():  # each link opens its slot, at its municipality's address
        link = next(row[5] for row in rows if row[5].endswith(f"/slots/{slot.id}"))
        assert area.get(link).status_code == 200, link

    only = week_rows(area, "/sv/staff/week?from=2026-11-25&municipality=vastby")
    assert only == [row for row in rows if row[2] == "Västby kommun"]
    assert week_rows(area, "/sv/staff/week?municipality=norrby", status=400)
    # An account of one municipality reads only its own week, wherever it asks.
    assert week_rows(one, "/vastby/sv/staff/week?from=2026-11-25") == only
    assert area.get("/sv/staff/").status_code == 200
    nav = soup(area.get("/vastby/sv/staff/presence")).select(".staff-nav a")
    assert "Veckan i området" in [a.get_text(strip=True) for a in nav]
    nav = soup(one.get("/vastby/sv/staff/presence")).select(".staff-nav a")
    assert "Veckan i området" not in [a.get_text(strip=True) for a in nav]
