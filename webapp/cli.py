"""Flask commands: `flask --app webapp load-calendars` and friends."""

import os
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp import audit
from webapp.clock import utcnow
from webapp.database import writing
from webapp.extensions import db
from webapp.models import Municipality, scope_to
from webapp.permissions import ROLES, actions_of
from webapp.schedule.area_file import AreaData, load_data_file
from webapp.schedule.file_reader import CalendarFileError
from webapp.schedule.loading import load_area, load_calendar


@click.command("load-calendars")
@with_appcontext
@click.argument("path", required=False)
def load_calendars(path):
    """Load the data file (default: CALENDAR_FILE): a municipality's, or a police area's with
    all its municipalities, into the database."""
    path = path or current_app.config["CALENDAR_FILE"]
    try:
        data = load_data_file(path)
    except CalendarFileError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    now = utcnow()
    with writing():
        if isinstance(data, AreaData):
            counts = load_area(db.session, data, now=now)
        else:
            counts = {data.slug: load_calendar(db.session, data, now=now)}
        towns = {m.slug: m for m in db.session.scalars(select(Municipality))}
        for slug, changes in counts.items():
            audit.record(db.session, actor=None, action="calendar.load", obj=towns[slug],
                         after=changes, now=now, label="cli")  # fmt: skip
        db.session.commit()
    for slug, changes in counts.items():
        prefix = f"{towns[slug].name}: " if isinstance(data, AreaData) else ""
        if changes["holidays_skipped"]:
            click.echo(
                f"{prefix}No presence on holidays: " + ", ".join(changes["holidays_skipped"])
            )
        loaded = f"{prefix}loaded" if prefix else f"Loaded {path}"
        click.echo(
            f"{loaded}: the office and {changes['places']} places, {changes['hours']} hour "
            f"rules and {changes['closures']} closures changed, {changes['slots_added']} "
            f"presence slots added, {changes['slots_cancelled']} cancelled."
        )
    if isinstance(data, AreaData):
        click.echo(f"Loaded {path}: {data.name.sv}, {len(counts)} municipalities.")


translate = click.Group("translate", help="Extract, update and compile the UI text catalogues.")


def _pybabel(*args):
    import subprocess  # noqa: PLC0415 - only the translate commands need it

    from webapp.config import ROOT

    command = [sys.executable, "-m", "babel.messages.frontend", *args]
    if subprocess.run(command, cwd=ROOT, check=False).returncode:  # noqa: S603 - fixed argv
        raise click.ClickException("pybabel failed")


def _extract():
    """messages.pot holds all text; public.pot only the public pages' (see i18n.PUBLIC_SOURCES)."""
    from babel.messages.pofile import read_po, write_po

    from webapp.config import ROOT
    from webapp.i18n import public_messages

    options = ("-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output")
    _pybabel("extract", *options, "-o", "translations/messages.pot", ".")
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        template = read_po(handle)
    public = public_messages()
    for message in list(template):
        if message.id and message.id not in public:
            template.delete(message.id, message.context)
    with open(ROOT / "translations" / "public.pot", "wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)


def _locales():
    from webapp.i18n import catalogued

    return list(catalogued()[1:])


@translate.command("extract")
def translate_extract():
    """Collect Swedish source text into translations/messages.pot."""
    _extract()


@translate.command("update")
def translate_update():
    """Merge the templates into every language's messages.po (public text only beyond sv/en)."""
    from webapp.i18n import STAFF_LANGUAGES

    _extract()
    for locale in _locales():
        pot = "messages.pot" if locale in STAFF_LANGUAGES else "public.pot"
        _pybabel(
            "update",
            *("-i", f"translations/{pot}", "-d", "translations", "-l", locale),
            *("--no-fuzzy-matching", "--ignore-obsolete"),
        )


@translate.command("init")
@click.argument("locale")
def translate_init(locale):
    """Start a catalogue for a new language, with the public text to translate."""
    _extract()
    _pybabel("init", "-i", "translations/public.pot", "-d", "translations", "-l", locale)


@translate.command("compile")
def translate_compile():
    """Compile .po files to the .mo files the app reads."""
    _pybabel("compile", "-d", "translations")


PASSWORD_PROBLEMS = {
    "short": "the password must have at least 12 characters (a phrase of several words is "
    "easy to remember)",
    "long": "the password must have at most 1024 characters",
    "common": "the password is too common and easy to guess; choose another",
    "personal": "the password must not contain the email address",
    "exists": "an account with that email address already exists",
    "role": f"the role must be {', '.join(ROLES[:-1])} or {ROLES[-1]}",
}


def _read_password() -> str:
    """Asked twice on a terminal; read once (the first line) from a pipe. Never an argument."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _municipality_named(slug: str | None) -> Municipality | None:
    """The municipality a command's --municipality names (None: not given); a usage error
    listing them all when there is none by that name."""
    if not slug:
        return None
    town = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    if town is None:
        slugs = ", ".join(db.session.scalars(select(Municipality.slug).order_by("slug")))
        raise click.UsageError(f"no municipality {slug!r} (there are: {slugs})")
    return town


def _scope_to_municipality(slug: str | None) -> None:
    """--municipality: the command reads and audits that municipality's rows only (the one
    scoping layer, webapp.models.scope); without it, every municipality's."""
    town = _municipality_named(slug)
    if town is not None:
        scope_to(db.session, [town.id])


MUNICIPALITY_ONLY = click.option(
    "--municipality",
    "municipality_slug",
    metavar="SLUG",
    help="Only this municipality's feedback (default: every municipality's).",
)


@click.command("create-user")
@with_appcontext
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ROLES),
    help="; ".join(f"{role}: {', '.join(actions_of(role))}" for role in ROLES) + ".",
)
@click.option(
    "--municipality",
    "municipality_slug",
    metavar="SLUG",
    help="The account works for this municipality only (its staff pages, nobody else's).",
)
@click.option(
    "--area",
    is_flag=True,
    help="The account works for every municipality of the installation (the default).",
)
def create_user(email, role, municipality_slug, area):
    """Create a staff account; the password is read from standard input."""
    if municipality_slug and area:
        raise click.UsageError("give --municipality or --area, not both")
    town = _municipality_named(municipality_slug)
    from webapp.accounts.passwords import hasher
    from webapp.accounts.users import AccountError
    from webapp.accounts.users import create_user as create_account

    password = _read_password()
    with writing():
        try:
            user = create_account(
                db.session,
                email=email,
                password=password,
                role=role,
                now=utcnow(),
                hasher=hasher(current_app.config),
                via="cli",
                municipality=town,
            )
        except AccountError as error:
            db.session.rollback()
            click.echo(f"Error: {PASSWORD_PROBLEMS[error.code]}", err=True)
            sys.exit(1)
        db.session.commit()
    where = f" for {town.name}" if town is not None else ""
    click.echo(f"Created {user.role} account {user.email}{where}.")


def _account_or_exit(email):
    """The account with this address, or an error line and exit code 1."""
    from webapp.accounts.users import find_user

    user = find_user(db.session, email)
    if user is None:
        click.echo(f"Error: there is no account {email.strip().lower()}", err=True)
        sys.exit(1)
    return user


@click.command("reset-password")
@with_appcontext
@click.argument("email")
def reset_password(email):
    """Print a one-time link that sets EMAIL's password (the first admin, or recovery)."""
    from webapp.accounts.resets import issue_link

    with writing():
        user = _account_or_exit(email)
        token = issue_link(db.session, user, purpose="cli", now=utcnow())
        db.session.commit()
    base = current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000"
    with current_app.test_request_context():
        from flask import url_for

        path = url_for("staff.password_set", lang="sv", _anchor=token)  # never sent or logged
    click.echo(f"One-time link for {user.email} (valid 72 hours, until used):")
    click.echo(base + path)


@click.command("remove-two-step")
@with_appcontext
@click.argument("email")
def remove_two_step(email):
    """Remove EMAIL's second factor and recovery codes and end its sessions (recovery)."""
    from webapp.accounts import two_step

    with writing():
        user = _account_or_exit(email)
        ended = two_step.remove_on_server(db.session, user, now=utcnow())
        db.session.commit()
    if ended is None:
        click.echo(f"{user.email} has no two-step login; nothing changed.")
        return
    click.echo(
        f"Two-step login removed for {user.email}: its recovery codes no longer work "
        f"and {ended} session(s) ended."
    )
    if two_step.required(user, current_app.config["STAFF_MFA"]):
        click.echo("STAFF_MFA requires it for this account: it is set up again at the next login.")


@click.command("backup")
@with_appcontext
@click.argument("dest")  # checked by webapp.backup, which explains in one line
def backup(dest):
    """Copy the SQLite database to the new file DEST while the app runs, checked."""
    if db.engine.url.get_backend_name() != "sqlite":
        click.echo(
            "Error: `backup` copies SQLite databases only. For PostgreSQL use pg_dump, "
            "e.g. pg_dump --format=custom --file=narvaro.dump DATABASE_URL.",
            err=True,
        )
        sys.exit(1)
    from webapp.backup import BackupError, backup_sqlite  # noqa: PLC0415 - only this command

    source = db.engine.raw_connection()
    try:
        backup_sqlite(source.driver_connection, Path(dest))
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    finally:
        source.close()
    click.echo(f"Backed up the database to {dest}; integrity check: ok.")


@click.command("publish-feeds")
@with_appcontext
@click.option("--due", is_flag=True, help="Only municipalities whose files are out of date.")
def publish_feeds(due):
    """Write every municipality's subscription feeds to FEED_PUBLISH_DIR for nginx to serve;
    with --due only those not of their current data and week (a systemd timer's job)."""
    from webapp.feeds.publish import publisher

    target = publisher()
    if target is None:
        click.echo("Error: FEED_PUBLISH_DIR and PUBLIC_BASE_URL must be set.", err=True)
        sys.exit(1)
    done = target.publish(due=due)
    failed = sorted(slug for slug, files in done.items() if files is None)
    written = sum(files or 0 for files in done.values())
    fresh = sum(1 for files in done.values() if files)
    click.echo(f"Published {written} feed files of {fresh} of {len(done)} municipalities.")
    if failed:
        click.echo("Error: could not publish " + ", ".join(failed) + " (see the log).", err=True)
        sys.exit(1)


def register(app):
    app.cli.add_command(load_calendars)
    app.cli.add_command(publish_feeds)
    app.cli.add_command(backup)
    app.cli.add_command(translate)
    app.cli.add_command(create_user)
    app.cli.add_command(reset_password)
    app.cli.add_command(remove_two_step)
    app.cli.add_command(export_feedback)
    app.cli.add_command(purge_feedback)


# --- Feedback: export and purge (issue 4) ---

from pathlib import Path  # noqa: E402 - the feedback commands' own imports, kept with them


def _write_new_file(path, data: bytes) -> None:
    """Write `data` to a new file only its owner can read, and make sure it reached the disk."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


@click.command("export-feedback")
@with_appcontext
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File (default: stdout).")
@MUNICIPALITY_ONLY
def export_feedback(output, municipality_slug):
    """Feedback as CSV for Excel, with personal data masked and no contact details."""
    from flask_babel import force_locale

    from webapp.feedback.export import export_csv
    from webapp.feedback.inbox import Filters, audit_access, find_feedback
    from webapp.site import timezone
    from webapp.staff.inbox import theme_names

    now = utcnow()
    _scope_to_municipality(municipality_slug)
    with writing():
        items = find_feedback(db.session, Filters(), timezone())
        with force_locale("sv"):  # the headings and answers in Swedish, as on the staff pages
            data = export_csv(items, timezone(), theme_names("sv"))
        if output:
            _write_new_file(output, data)
        else:
            click.get_binary_stream("stdout").write(data)
        audit_access(
            db.session, "feedback.export", actor=None, now=now, count=len(items), label="cli"
        )
        db.session.commit()
    if output:
        click.echo(f"Exported {len(items)} feedback rows to {output}.", err=True)


@click.command("purge-feedback")
@with_appcontext
@click.option(
    "--archive",
    type=click.Path(dir_okay=False),
    help="Where to write the rows before deleting them (default: instance/).",
)
@MUNICIPALITY_ONLY
def purge_feedback(archive, municipality_slug):
    """Delete feedback older than FEEDBACK_RETENTION_DAYS, after writing it to an archive CSV."""
    from flask_babel import force_locale

    from webapp.feedback.export import archive_csv
    from webapp.feedback.retention import (
        RetentionOff,
        delete_feedback,
        feedback_before,
        purge_cutoff,
    )
    from webapp.site import timezone

    now = utcnow()
    try:
        cutoff = purge_cutoff(current_app.config.get("FEEDBACK_RETENTION_DAYS"), now)
    except RetentionOff:
        click.echo(
            "Error: FEEDBACK_RETENTION_DAYS is not set; feedback is kept (an official "
            "record). Nothing was deleted.",
            err=True,
        )
        sys.exit(1)
    except ValueError as error:
        click.echo(f"Error: {error}. Nothing was deleted.", err=True)
        sys.exit(1)
    if not archive:
        folder = Path(current_app.instance_path)
        folder.mkdir(parents=True, exist_ok=True)
        archive = str(folder / f"feedback-purge-{now:%Y%m%dT%H%M%SZ}.csv")
    _scope_to_municipality(municipality_slug)
    with writing():
        items = feedback_before(db.session, cutoff)
        try:
            with force_locale("sv"):
                data = archive_csv(items, timezone())
            _write_new_file(archive, data)
        except OSError as error:
            click.echo(
                f"Error: could not write the archive {archive}: {error}. Nothing was deleted.",
                err=True,
            )
            sys.exit(1)
        count = delete_feedback(db.session, items, cutoff=cutoff, archive=archive, now=now)
        db.session.commit()
    click.echo(
        f"Archived {count} feedback rows received before {cutoff:%Y-%m-%d %H:%M} UTC to "
        f"{archive}, then deleted them."
    )
