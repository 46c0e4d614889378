"""Passwords made of the municipality's or a place's name are refused; the names come from the
database, so another municipality's data file bans its own names."""

import pytest
from sqlalchemy import select

from tests.factories import cli_create_user
from tests.support.html import error_summary, soup
from tests.support.staff import logged_in, post_form
from webapp.accounts.passwords import local_words, password_problem
from webapp.accounts.users import local_names
from webapp.extensions import db
from webapp.models import Municipality, Place, User


def test_local_words_are_whole_names_and_their_words_with_and_without_dots():
    assert local_words(["Sävsjö kommun", "Torget"]) == {
        "sävsjö kommun",
        "savsjo kommun",
        "sävsjö",
        "savsjo",
        "kommun",
        "torget",
    }


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Sävsjö123456", "common"),
        ("savsjo2026!!", "common"),
        ("SÄVSJÖ KOMMUN1", "common"),
        ("Torget123456!", "common"),
        ("Sävsjö är min stad", None),
    ],
)
def test_names_passed_in_are_banned(password, problem):
    extra = local_words(["Sävsjö kommun", "Torget"])

    assert password_problem(password, "", extra) == problem


def test_without_local_names_a_place_name_is_not_special():
    assert password_problem("Sävsjö123456") is None
    assert password_problem("narvaro123456") == "common"


def test_the_names_come_from_the_database(app):
    names = local_names(db.session)

    assert {"Sävsjö kommun", "Sävsjö Municipality", "Torget", "Resecentrum"} <= set(names)


@pytest.mark.parametrize("password", ["Sävsjö123456", "resecentrum2026", "Biblioteket!!"])
def test_the_cli_refuses_the_local_names(app, password):
    result = cli_create_user(app, "polis@example.se", "police", password)

    assert result.exit_code == 1
    assert "too common" in result.output


def test_another_municipality_bans_its_own_name(app):
    for row in [*db.session.scalars(select(Municipality)), *db.session.scalars(select(Place))]:
        row.name, row.translations = row.name.replace("Sävsjö", "Eksjö"), {}
    db.session.commit()

    eksjo = cli_create_user(app, "a@example.se", "police", "eksjo1234567")
    savsjo = cli_create_user(app, "b@example.se", "police", "savsjo123456")

    assert (eksjo.exit_code, savsjo.exit_code) == (1, 0)
    db.session.rollback()
    emails = db.session.scalars(select(User.email).order_by(User.email)).all()
    assert emails == ["b@example.se"]


def test_the_admin_form_refuses_a_place_name_with_a_message(app):
    admin = logged_in(app, "admin")
    data = {"email": "ny.polis@example.se", "role": "police", "password": "Torget123456"}

    response = post_form(admin, "/sv/staff/users/new", data)

    assert response.status_code == 400
    assert error_summary(response) == [
        "Lösenordet är för vanligt och lätt att gissa. Välj ett annat"
    ]
    assert soup(response).find("input", attrs={"name": "email"})["value"] == "ny.polis@example.se"
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "ny.polis@example.se")) is None
