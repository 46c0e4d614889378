"""What comes before any staff page: a password an admin reset must be replaced, a
mandatory second factor must be set up; and the answers when guessing is throttled or the
password hashing of this worker is busy."""

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from webapp import tenant
from webapp.accounts import two_step
from webapp.accounts.passwords import HashingBusy
from webapp.staff import bp
from webapp.staff.auth import current_user
from webapp.staff.throttle import minutes_to_wait

# Pages that work without being logged in, or that are the way out.
ANYONE = {"staff.login", "staff.login_code", "staff.password_forgot", "staff.password_set"}
WAY_OUT = {"staff.logout"}


def first_step(user) -> str | None:
    """The page `user` must go through before any other, if any."""
    if user.must_set_password:
        return "staff.account_password"
    if two_step.required(user, current_app.config["STAFF_MFA"]) and not two_step.enabled(user):
        # A second factor given at the organisation's provider (its `amr`) counts here.
        if not session.get("oidc_second_factor"):
            return "staff.two_step_setup"
    return None


# Accounts and the audit log: an admin reads and changes those of its own municipality only
# (an admin of the whole area, every one), limited once for the whole request here.
ACCOUNT_MODULES = ("webapp.staff.admin_views", "webapp.staff.account_admin_views")


@bp.before_request
def _own_municipality():
    """An account of one municipality gets 403 on every staff page of another; on the
    account and audit pages, every query reads only the accounts and entries in its reach."""
    if not current_user.is_authenticated:
        return
    own = current_user.municipality_id
    if own is not None and own != tenant.municipality_id():
        abort(403)
    if _administers_accounts(request.endpoint):
        tenant.scope_accounts(current_user)
    if getattr(current_app.view_functions.get(request.endpoint), "across_the_area", False):
        tenant.scope_to_area(current_user)


def across_the_area(view):
    """Marks a page that reads every municipality of the police area for an account of the
    whole area (the guard above widens its queries; an account of one reads its own)."""
    view.across_the_area = True
    return view


def _administers_accounts(endpoint) -> bool:
    view = current_app.view_functions.get(endpoint)
    return view is not None and view.__module__ in ACCOUNT_MODULES


@bp.before_request
def _first_things_first():
    if request.endpoint in ANYONE | WAY_OUT or not current_user.is_authenticated:
        return None
    step = first_step(current_user)
    if step and request.endpoint != step:
        return redirect(url_for(step))
    return None


@bp.errorhandler(RateLimitExceeded)
def _throttled(error):
    minutes = minutes_to_wait()
    # Flask-Limiter adds Retry-After in seconds, from the same window.
    return render_template("staff/throttled.html", minutes=minutes), 429


@bp.errorhandler(two_step.SecretUnreadable)
def _secret_unreadable(error):
    # Fail closed: nothing was let in or changed. Only an admin can mend this.
    current_app.logger.error(
        "two-step secret of account %s cannot be opened with SECRET_KEY or "
        "SECRET_KEY_FALLBACKS: was the key changed without keeping the old one as a fallback?",
        error.user_id,
    )
    return render_template("staff/two_step_broken.html"), 503


@bp.errorhandler(HashingBusy)
def _busy(_error):
    current_app.logger.warning("password hashing busy on %s", request.path)
    title = _("Många loggar in just nu")
    return render_template("staff/busy.html", title=title), 503, {"Retry-After": "5"}
