"""The staff area: login, presence scheduling, office hours, outcomes, accounts, audit log.

URLs are /<lang>/staff/...; endpoints staff.*. Each view is guarded by auth.staff_required.
The modules that add pages to `bp` are listed once, in webapp.app.staff_pages.
"""

from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from webapp import outage, tenant
from webapp.database import begin_writes
from webapp.extensions import db
from webapp.i18n import STAFF_LANGUAGES
from webapp.permissions import can
from webapp.schedule.slots import slot_allows
from webapp.staff.auth import current_user

bp = Blueprint("staff", __name__, url_prefix=f"/<any({','.join(STAFF_LANGUAGES)}):lang>/staff")


def _enter():
    """/staff and /staff/: the staff area in the visitor's language."""
    lang = request.accept_languages.best_match(STAFF_LANGUAGES, default="sv")
    response = redirect(url_for("staff.home", lang=lang), 303)
    response.vary.add("Accept-Language")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.record_once
def _entry_without_language(state):
    # The blueprint's URLs all start with a language; these two are typed by hand.
    for rule in ("/staff", "/staff/"):
        state.app.add_url_rule(rule, "staff_entry", _enter, strict_slashes=True)


@bp.before_request
def _staff_requests_may_write():
    # The session check updates last_seen; on SQLite that must start as a write transaction.
    begin_writes()


@bp.context_processor
def _staff_context():
    role = current_user.role if current_user.is_authenticated else None

    def may_open(endpoint: str) -> bool:
        """The navigation shows a page when the guard of its view lets this role in."""
        return role in getattr(current_app.view_functions[endpoint], "staff_roles", ())

    def sees_the_area() -> bool:
        """An account of the whole area, at the address of a municipality of a police area."""
        town = tenant.municipality()
        return (
            current_user.is_authenticated
            and current_user.municipality_id is None
            and town is not None
            and town.police_area_id is not None
        )

    return {
        "current_user": current_user,
        "sees_the_area": sees_the_area,
        "can": lambda action: can(role, action),
        "slot_allows": slot_allows,
        "may_open": may_open,
    }


@bp.after_request
def _no_store(response):
    # Staff pages show who did what: keep them out of shared caches and the back-forward cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.errorhandler(CSRFError)
def _csrf_failed(error):
    """Expired or missing token: show the same form again with what was typed, not saved."""
    g.csrf_failed = True  # BaseForm.validate shows why nothing was saved
    begin_writes()
    view = current_app.view_functions[request.endpoint]
    try:
        response = make_response(view(**(request.view_args or {})))
    except HTTPException:
        # The page would answer 403 or 404 (say, a colleague removed what the form was for):
        # the token's failure is still the thing to explain, never a 500.
        db.session.rollback()
        response = make_response(_expired_page(url_for("staff.home")))
    except DBAPIError as fault:
        if not outage.unreachable(fault):
            raise
        return outage.answer(fault)
    if 300 <= response.status_code < 400:
        # An action without a form page of its own: explain, and link back.
        response = make_response(_expired_page(response.headers.get("Location", "")))
    response.status_code = 400
    return response


def _expired_page(back: str) -> str:
    return render_template("staff/expired.html", back=back)


@bp.app_template_filter("staff_day")
def _staff_day(value, tz) -> str:
    """A local date with its weekday: "tis 1 dec. 2026"."""
    day = value.astimezone(tz).date() if isinstance(value, datetime) else value
    return format_date(day, "EEE d MMM y")


@bp.app_template_filter("staff_time")
def _staff_time(value, tz) -> str:
    moment = value.astimezone(tz) if isinstance(value, datetime) else value
    return moment.strftime("%H:%M")


@bp.app_template_filter("staff_utc")
def _staff_utc(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_form(template: str, form, status: int | None = None, **context):
    """Render a form page; a submitted form with errors answers 400."""
    if status is None:
        status = 400 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status
