"""Flask commands: `flask --app webapp load-calendars` and friends."""

import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.clock import utcnow
from webapp.database import writing
from webapp.extensions import db
from webapp.schedule.calendar_file import CalendarFileError, load_calendar_file
from webapp.schedule.loading import load_calendar


@click.command("load-calendars")
@click.argument("path", required=False)
def load_calendars(path):
    """Load the municipality's data file (default: CALENDAR_FILE) into the database."""
    path = path or current_app.config["CALENDAR_FILE"]
    try:
        data = load_calendar_file(path)
    except CalendarFileError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    with writing():
        counts = load_calendar(db.session, data, now=utcnow())
        db.session.commit()
    click.echo(
        f"Loaded {path}: {counts['places']} places, {counts['hours']} hour rules and "
        f"{counts['closures']} closures changed, {counts['slots_added']} presence slots added, "
        f"{counts['slots_cancelled']} cancelled."
    )


translate = click.Group("translate", help="Extract, update and compile the UI text catalogues.")


def _pybabel(*args):
    import subprocess  # noqa: PLC0415 - only the translate commands need it

    from webapp.config import ROOT

    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=ROOT, check=False).returncode:  # noqa: S603 - fixed argv
        raise click.ClickException("pybabel failed")


def _extract():
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output",
             "-o", "translations/messages.pot", ".")


@translate.command("extract")
def translate_extract():
    """Collect Swedish source text into translations/messages.pot."""
    _extract()


@translate.command("update")
def translate_update():
    """Merge the template into every language's messages.po."""
    _extract()
    _pybabel("update", "-i", "translations/messages.pot", "-d", "translations",
             "--no-fuzzy-matching")


@translate.command("compile")
def translate_compile():
    """Compile .po files to the .mo files the app reads."""
    _pybabel("compile", "-d", "translations")


PASSWORD_PROBLEMS = {
    "short": "the password must have at least 12 characters (a phrase of several words is easy "
             "to remember)",
    "long": "the password must have at most 1024 characters",
    "common": "the password is too common and easy to guess; choose another",
    "personal": "the password must not contain the email address",
    "exists": "an account with that email address already exists",
    "role": "the role must be police, municipality or admin",
}


def _read_password() -> str:
    """Asked twice on a terminal; read once (the first line) from a pipe. Never an argument."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["police", "municipality", "admin"]),
              help="police: schedule and outcomes; municipality: read-only; admin: accounts.")
def create_user(email, role):
    """Create a staff account; the password is read from standard input."""
    from webapp.staff.users import AccountError
    from webapp.staff.users import create_user as create_account

    password = _read_password()
    with writing():
        try:
            user = create_account(db.session, email=email, password=password, role=role,
                                  now=utcnow(), via="cli")
        except AccountError as error:
            db.session.rollback()
            click.echo(f"Error: {PASSWORD_PROBLEMS[error.code]}", err=True)
            sys.exit(1)
        db.session.commit()
    click.echo(f"Created {user.role} account {user.email}.")


def register(app):
    app.cli.add_command(load_calendars)
    app.cli.add_command(translate)
    app.cli.add_command(create_user)
