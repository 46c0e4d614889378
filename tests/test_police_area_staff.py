"""Staff accounts in a police area: an account of one municipality gets 403 on every staff
URL of another (a table of every staff endpoint, derived from the URL map, under both
municipalities' addresses); an account of the whole area works in both."""

import pytest
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.factories import make_feedback
from tests.support.html import soup
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


def test_an_account_of_one_municipality_does_not_manage_accounts_or_read_the_audit_log(app):
    load_test_area()
    client = staff_client(app, "admin", email="admin@vastby.example", municipality=town("vastby"))

    assert client.get("/vastby/sv/staff/users").status_code == 403
    assert client.get("/vastby/sv/staff/audit").status_code == 403
    assert client.get("/vastby/sv/staff/account").status_code == 200


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
