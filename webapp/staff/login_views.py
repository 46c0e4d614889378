"""Login, logout and the staff start page."""

from datetime import timedelta

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from webapp import audit, site
from webapp.accounts import providers, two_step
from webapp.accounts.passwords import (
    hash_password,
    needs_rehash,
    spend_verify_time,
    verify_password,
)
from webapp.accounts.sessions import record_login
from webapp.accounts.users import find_user, normalise_email
from webapp.extensions import db
from webapp.models import Municipality
from webapp.permissions import can
from webapp.schedule.planning import slots_starting_between, slots_to_report
from webapp.site import lang as page_lang
from webapp.site import timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import (
    SIGNED_IN_WITH,
    current_user,
    end_session,
    password_hasher,
    safe_next,
    staff_required,
    start_session,
)
from webapp.staff.forms import LoginForm, LogoutForm
from webapp.staff.throttle import form_account_key, remember_device, throttled


@bp.route("/login", methods=["GET", "POST"])
@throttled("login", form_account_key)
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
        if g.get("password_off"):
            form.email.errors.append(
                _("Ditt konto loggar in med organisationens konto. Använd knappen ovan")
            )
        else:
            # One message whether the account exists or not.
            form.email.errors.append(
                _("Fel e-postadress eller lösenord. Kontrollera och försök igen")
            )
    return render_form("staff/login.html", form, sign_in_providers=sign_in_providers())


def sign_in_providers() -> list:
    """The organisations' OpenID Providers (webapp.staff.oidc_views), in the data file's order."""
    return list(current_app.extensions.get("sign_in", {}).values())


def _check_credentials(email: str, password: str):
    """The logged-in user, or None after a failed attempt (which is audited and throttled)."""
    email = normalise_email(email)
    user = find_user(db.session, email)
    stored_hash = user.password_hash if user is not None else None
    # End the (write) transaction before Argon2: under a flood of logins hashing takes
    # seconds, and SQLite's write lock must not be held, nor waited for, meanwhile.
    db.session.rollback()
    now, hasher = site.now(), password_hasher()
    if stored_hash is None:
        spend_verify_time(password, hasher)
        matches = False
    else:
        matches = verify_password(stored_hash, password, hasher)
    if user is not None and user.active and matches and not _passwords_off(user):
        if needs_rehash(user.password_hash, hasher):
            user.password_hash = hash_password(password, hasher)
        if two_step.enabled(user):
            # Half a login: the session opens nothing until the code page completes it.
            start_session(user, now, complete=False)
            audit.record(db.session, actor=user, action="login.password", obj=user, now=now)
        else:
            complete_login(user, now)
        db.session.commit()
        return user
    g.login_failed = True
    g.password_off = _why_refused(user, matches) == "password_off"
    record_login(db.session, user, success=False, now=now)
    audit.record(
        db.session,
        actor=user,
        action="login.failed",
        obj=user,
        now=now,
        label=email[:254],
        after={"reason": _why_refused(user, matches)},
    )
    db.session.commit()
    return None


def _passwords_off(user) -> bool:
    """The account's organisation signs in through its provider, and this is no named admin."""
    town = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    return not providers.password_login_allowed(
        sign_in_providers(), town.slug if town else None, user.email
    )


def _why_refused(user, matches: bool) -> str:
    if user is None or not matches:
        return "mismatch"
    return "disabled" if not user.active else "password_off"


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
    signed_in = session.get(SIGNED_IN_WITH)
    end_session()
    db.session.commit()
    flash(_("Du är utloggad."))
    # The provider's end-session page, when the session was a provider's (oidc_views).
    to_provider = current_app.extensions["sign_out_redirect"](signed_in, lang)
    return to_provider or redirect(url_for("staff.login"))


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
