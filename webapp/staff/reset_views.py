"""The ways back in: a forgotten password by mail, a one-time set-password link, and the
second login step."""

import functools
import secrets
import time
from types import SimpleNamespace

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from webapp import audit, mail, site, tenant
from webapp.accounts import resets, sessions, two_step
from webapp.accounts.sessions import record_login
from webapp.accounts.throttles import account_key
from webapp.accounts.users import AccountError, find_user
from webapp.extensions import db
from webapp.i18n import STAFF_LANGUAGES
from webapp.site import lang as page_lang
from webapp.site import public_base_url
from webapp.staff import bp, render_form
from webapp.staff.account_forms import CodeForm, ForgotForm, LinkForm, SetPasswordForm
from webapp.staff.auth import (
    SIGNED_IN_WITH,
    TOKEN_KEY,
    current_user,
    password_hasher,
    pending_session,
    safe_next,
)
from webapp.staff.forms import _password_message as password_message
from webapp.staff.login_views import complete_login
from webapp.staff.throttle import form_account_key, remember_device, throttled


def link_url(token: str, lang: str) -> str:
    """The absolute set-password link, for a mail or to hand over. The token is the link's
    #fragment, which browsers never send: it stays out of every access log and Referer."""
    return public_base_url() + url_for("staff.password_set", lang=lang, _anchor=token)


def _link_message(user, token: str, *, purpose: str, lang: str):
    """The mail with the link, in the language the person last logged in with (else `lang`)."""
    config = current_app.config
    lang = user.language if user.language in STAFF_LANGUAGES else lang
    hours = int(resets.LINK_LIFETIME[purpose].total_seconds() // 3600)
    works_for = tenant.organisation_of(user)
    return mail.password_link_message(
        name=works_for.text("name", lang) if works_for is not None else "",
        to=user.email,
        sender=mail.sender(config),
        link=link_url(token, lang),
        purpose=purpose,
        lang=lang,
        hours=hours,
    )


def mail_link(user, token: str, *, purpose: str, lang: str) -> bool:
    """Mail an admin's link; False (and a logged error) when the mail server fails."""
    try:
        mail.send(_link_message(user, token, purpose=purpose, lang=lang), current_app.config)
    except mail.MailError as error:
        current_app.logger.error("password mail to account %s not sent: %s", user.id, error)
        return False
    return True


def _forgot_mail(user, lang: str):
    """What to send once the mail server is open: a link for `user` (an active account, or
    None), else None after the same rendering work, thrown away."""
    if user is None:
        stand_in = SimpleNamespace(
            id=None, email="nobody@invalid", language=None, municipality_id=None
        )
        _link_message(stand_in, secrets.token_urlsafe(32), purpose="forgot", lang=lang)
        return None
    token = resets.issue_link(db.session, user, purpose="forgot", now=site.now())
    db.session.commit()
    return _link_message(user, token, purpose="forgot", lang=lang)


def _send_forgot_mail(email: str) -> bool:
    """False only when the mail server cannot be opened, which is the same for every address.

    Whatever fails after that (a refused recipient, a dropped connection) is logged with the
    account's id and otherwise looks like success: the answer never tells whether it exists."""
    user = find_user(db.session, email)
    user = user if user is not None and user.active else None
    try:
        mail.deliver(current_app.config, lambda: _forgot_mail(user, page_lang()))
    except mail.MailUnavailable as error:
        current_app.logger.error("password mail not sent: %s", error)
        return False
    except mail.MailNotDelivered as error:
        to = f"account {user.id}" if user is not None else "no account"
        current_app.logger.error("password mail (%s) not delivered: %s", to, error)
    return True


def _answer_no_sooner_than_the_floor(view):
    """A posted form is answered FORGOT_ANSWER_FLOOR seconds after it reached the view, at the
    earliest, whatever happened (mail sent or not, throttled, mail server down): the time
    tells nobody whether the account exists. Measured on the monotonic clock of this process,
    never on the app's (pinned) clock. The throttle stands outside it: its keys are the typed
    address and the client, never whether an account exists, so a 429 tells nothing and is
    answered at once, and a flood of throttled requests holds no worker thread."""

    @functools.wraps(view)  # the same name, so the limiter sees its own decorated view
    def answer(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        floor = current_app.config.get("FORGOT_ANSWER_FLOOR", 0)
        started = time.monotonic()
        try:
            return view(*args, **kwargs)
        finally:
            took = time.monotonic() - started
            if took < floor:
                time.sleep(floor - took)
            elif floor:
                current_app.logger.info(
                    "forgot-password answer took %.3f s, more than FORGOT_ANSWER_FLOOR (%.3f s)",
                    took,
                    floor,
                )

    return answer


@bp.route("/password/forgot", methods=["GET", "POST"])
@throttled("forgot", form_account_key)
@_answer_no_sooner_than_the_floor
def password_forgot(lang):
    mail_on = mail.configured(current_app.config)
    form = ForgotForm()
    if mail_on and form.validate_on_submit():
        if not _send_forgot_mail(form.email.data):
            form.email.errors.append(
                _(
                    "Det gick inte att skicka mejl just nu. Försök igen om en stund, "
                    "eller be en administratör om en länk"
                )
            )
            return render_form("staff/password_forgot.html", form, status=503, mail_on=mail_on)
        return render_template("staff/password_forgot_sent.html")
    return render_form("staff/password_forgot.html", form, mail_on=mail_on)


@bp.route("/password/set", methods=["GET", "POST"])
@throttled("set")
def password_set(lang):
    """A set-password link opens this page with its token after "#": a small script (or the
    person, pasting) puts it in the form, so it reaches the server only in a POST body. The
    token alone shows the form for the account; with a new password, it sets it."""
    if request.method != "POST":
        return render_form("staff/password_link.html", LinkForm())
    if "password" not in request.form:
        form = LinkForm()
        if not form.validate_on_submit():
            return render_form("staff/password_link.html", form)
    now = site.now()
    row = resets.valid_link(db.session, request.form.get("token", ""), now)
    if row is None:
        return render_template("staff/link_invalid.html"), 404
    form = SetPasswordForm()
    if "password" in request.form and form.validate_on_submit():
        try:
            resets.use_link(db.session, row, form.password.data, now=now, hasher=password_hasher())
        except AccountError as error:
            form.password.errors.append(password_message(error.code))
        except resets.LinkSpent:
            db.session.rollback()
            return render_template("staff/link_invalid.html"), 404
        else:
            db.session.commit()
            return render_template("staff/password_set_done.html")
    return render_form("staff/password_set.html", form, email=row.user.email)


def _pending_account_key() -> str:
    row = pending_session(site.now())
    return account_key(row.user.email if row else "")


@bp.route("/login/code", methods=["GET", "POST"])
@throttled("code", _pending_account_key)
def login_code(lang):
    now = site.now()
    row = pending_session(now)
    if row is None:
        return redirect(url_for("staff.home" if current_user.is_authenticated else "staff.login"))
    form = CodeForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = row.user
        sealer = two_step.sealer_for(current_app.config)
        via = two_step.check_code(db.session, user, form.code.data, now=now, sealer=sealer)
        if via:
            # Signed in through a provider: its session, and its sign-out page, go on.
            sid, began_with = row.oidc_sid, session.get(SIGNED_IN_WITH)
            db.session.delete(row)
            complete_login(user, now, via=via)
            sessions.note_provider_session(db.session, session.get(TOKEN_KEY), sid)
            if began_with is not None:
                session[SIGNED_IN_WITH] = began_with
            db.session.commit()
            target = safe_next(form.next.data, url_for("staff.home"))
            return remember_device(redirect(target), user.email)
        g.login_failed = True
        record_login(db.session, user, success=False, now=now)
        audit.record(db.session, actor=user, action="login.code_failed", obj=user, now=now)
        db.session.commit()
        form.code.errors.append(
            _("Koden stämmer inte. Skriv koden som appen visar just nu, eller en reservkod")
        )
    return render_form("staff/login_code.html", form)
