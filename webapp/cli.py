"""Flask commands: `flask --app webapp load-calendars` and friends."""

import sys

import click
from flask import current_app

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


def register(app):
    app.cli.add_command(load_calendars)
