"""Login, logout and the staff start page."""

from datetime import timedelta

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import audit, site
from webapp.extensions import db, limiter
from webapp.permissions import can
from webapp.schedule.planning import slots_starting_between, slots_to_report
from webapp.site import lang as page_lang
from webapp.site import timezone
from webapp.staff import bp, render_form, two_step
from webapp.staff.accounts import record_login
from webapp.staff.auth import end_session, normalise_email, safe_next, staff_required, start_session
from webapp.staff.forms import LoginForm, LogoutForm
from webapp.staff.passwords import hash_password, needs_rehash, spend_verify_time, verify_password
from webapp.staff.throttle import (
    ACCOUNT_LIMIT,
    CLIENT_LIMIT,
    device_key,
    failed,
    form_account_key,
    per_client,
    remember_device,
    trusted_device,
)
from webapp.staff.users import find_user

__all__ = ["ACCOUNT_LIMIT", "CLIENT_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    ACCOUNT_LIMIT,
    key_func=form_account_key,
    methods=["POST"],
    deduct_when=failed,
    exempt_when=trusted_device,
    scope="staff-login-account",
)
@limiter.limit(
    ACCOUNT_LIMIT,
    key_func=device_key,
    methods=["POST"],
    deduct_when=failed,
    exempt_when=lambda: not trusted_device(),
    scope="staff-login-device",
)
@limiter.limit(
    CLIENT_LIMIT,
    key_func=per_client("login"),
    methods=["POST"],
    deduct_when=failed,
    scope="staff-login-client",
)
def login(lang):
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = _check_credentials(form.email.data, form.password.data)
        if user is not None:
            target = safe_next(form.next.data, url_for("staff.home"))
            if two_step.enabled(user):
                return redirect(url_for("staff.login_code", next=target))
            return remember_device(redirect(target), user.email)
        # One message whether the account exists or not.
        form.email.errors.append(_("Fel e-postadress eller lösenord. Kontrollera och försök igen"))
    return render_form("staff/login.html", form)


def _check_credentials(email: str, password: str):
    """The logged-in user, or None after a failed attempt (which is audited and throttled)."""
    email = normalise_email(email)
    user = find_user(db.session, email)
    stored_hash = user.password_hash if user is not None else None
    # End the (write) transaction before Argon2: under a flood of logins hashing takes
    # seconds, and SQLite's write lock must not be held, nor waited for, meanwhile.
    db.session.rollback()
    now = site.now()
    if stored_hash is None:
        spend_verify_time(password)
        matches = False
    else:
        matches = verify_password(stored_hash, password)
    if user is not None and user.active and matches:
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        if two_step.enabled(user):
            # Half a login: the session opens nothing until the code page completes it.
            start_session(user, now, complete=False)
            audit.record(db.session, actor=user, action="login.password", obj=user, now=now)
        else:
            complete_login(user, now)
        db.session.commit()
        return user
    g.login_failed = True
    record_login(db.session, user, success=False, now=now)
    audit.record(
        db.session,
        actor=user,
        action="login.failed",
        obj=user,
        now=now,
        label=email[:254],
        after={"reason": "disabled" if user and matches else "mismatch"},
    )
    db.session.commit()
    return None


def complete_login(user, now, *, via: str = "password") -> None:
    """Both steps passed (or only one needed): a full session, audited and in the history."""
    start_session(user, now)
    user.last_login_at = now
    user.language = page_lang()  # mails to this person follow the language they work in
    record_login(db.session, user, success=True, now=now)
    after = None if via == "password" else {"via": via}
    audit.record(db.session, actor=user, action="login", obj=user, now=now, after=after)


@bp.route("/logout", methods=["POST"])
def logout(lang):
    form = LogoutForm()
    if not form.validate_on_submit():
        return render_form("staff/logout.html", form)
    if current_user.is_authenticated:
        audit.record(
            db.session, actor=current_user, action="logout", obj=current_user, now=site.now()
        )
    end_session()
    db.session.commit()
    flash(_("Du är utloggad."))
    return redirect(url_for("staff.login"))


@bp.get("/")
@staff_required()
def home(lang):
    now = site.now()
    tz = timezone()
    today = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    week = slots_starting_between(db.session, today, today + timedelta(days=8))
    to_report = slots_to_report(db.session, now) if can(current_user.role, "outcome.record") else []
    return render_template(
        "staff/home.html", slots=week, to_report=to_report, now=now, tz=tz, logout_form=LogoutForm()
    )
