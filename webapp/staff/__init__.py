"""The staff area: login, presence scheduling, office hours, outcomes, accounts, audit log.

URLs are /<lang>/staff/...; endpoints staff.*. Each view is guarded by auth.staff_required.
"""

from datetime import UTC, datetime

from flask import Blueprint, current_app, g, make_response, render_template, request
from flask_babel import format_date
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from webapp.database import begin_writes

bp = Blueprint("staff", __name__, url_prefix="/<any(sv,en):lang>/staff")


@bp.before_request
def _staff_requests_may_write():
    # The session check updates last_seen; on SQLite that must start as a write transaction.
    begin_writes()


@bp.context_processor
def _staff_context():
    return {"current_user": current_user}


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
    response = make_response(view(**(request.view_args or {})))
    if 300 <= response.status_code < 400:
        # An action without a form page of its own: explain, and link back.
        back = response.headers.get("Location", "")
        response = make_response(render_template("staff/expired.html", back=back))
    response.status_code = 400
    return response


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


from webapp.staff import (  # noqa: E402 - the views register themselves on bp
    account_admin_views,
    account_views,
    admin_views,
    guards,
    login_views,
    office_views,
    presence_views,
    reset_views,
)

__all__ = [
    "account_admin_views",
    "account_views",
    "admin_views",
    "bp",
    "guards",
    "login_views",
    "office_views",
    "presence_views",
    "reset_views",
]
