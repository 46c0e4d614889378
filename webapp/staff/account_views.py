"""Each staff member's own account: the overview, changing the password, two-step login,
signing out everywhere."""

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from webapp import site
from webapp.accounts import resets, sessions, two_step
from webapp.accounts.users import AccountError
from webapp.extensions import db
from webapp.public.qr import qr_svg
from webapp.site import municipality
from webapp.staff import bp, render_form
from webapp.staff.account_forms import ActionForm, ChangePasswordForm, SetupForm
from webapp.staff.auth import (
    current_token_hash,
    current_user,
    end_session,
    password_hasher,
    staff_required,
)
from webapp.staff.forms import ROLE_LABELS
from webapp.staff.forms import _password_message as password_message
from webapp.staff.throttle import own_account_key, throttled


@bp.get("/account")
@staff_required()
def account(lang):
    return render_template(
        "staff/account.html",
        role_label=ROLE_LABELS[current_user.role],
        two_step_on=two_step.enabled(current_user),
        two_step_required=two_step.required(current_user, current_app.config["STAFF_MFA"]),
        codes_left=two_step.codes_left(db.session, current_user),
        logins=sessions.recent_logins(db.session, current_user),
        form=ActionForm(),
    )


@bp.route("/account/password", methods=["GET", "POST"])
@staff_required()
@throttled("password", own_account_key)
def account_password(lang):
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            resets.change_password(
                db.session,
                current_user,
                form.current.data,
                form.password.data,
                now=site.now(),
                hasher=password_hasher(),
                keep=current_token_hash(),
            )
        except AccountError as error:
            if error.code == "current":
                g.login_failed = True  # counted by the throttle, like a wrong login
                form.current.errors.append(_("Fel lösenord. Skriv ditt nuvarande lösenord"))
            else:
                form.password.errors.append(password_message(error.code))
        else:
            db.session.commit()
            flash(_("Lösenordet är bytt. Du är utloggad överallt utom här."))
            return redirect(url_for("staff.account"))
    return render_form("staff/account_password.html", form)


@bp.post("/account/sessions/end")
@staff_required()
def account_sessions_end(lang):
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("staff.account"))
    sessions.end_other_sessions(db.session, current_user, keep=None, now=site.now())
    end_session()
    db.session.commit()
    flash(_("Du är utloggad överallt."))
    return redirect(url_for("staff.login"))


@bp.route("/account/two-step", methods=["GET", "POST"])
@staff_required()
def two_step_setup(lang):
    if two_step.enabled(current_user):
        return redirect(url_for("staff.account"))
    secret = two_step.setup_secret(
        current_app.config["SECRET_KEY"], current_user.id, current_token_hash() or ""
    )
    form = SetupForm()
    if form.validate_on_submit():
        codes = two_step.enable(
            db.session,
            current_user,
            secret,
            form.code.data,
            now=site.now(),
            sealer=two_step.sealer_for(current_app.config),
        )
        if codes is not None:
            db.session.commit()
            return render_template("staff/recovery_codes.html", codes=codes)
        form.code.errors.append(_("Koden stämmer inte. Skriv koden som appen visar just nu"))
    uri = two_step.setup_uri(secret, current_user.email, _issuer())
    qr = qr_svg.__wrapped__(uri, label=_("QR-kod för appen"))  # uncached: it holds a secret
    required = two_step.required(current_user, current_app.config["STAFF_MFA"])
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]  # shown "ABCD EFGH …"
    return render_form(
        "staff/two_step_setup.html", form, uri=uri, secret_groups=groups, qr=qr, required=required
    )


def _issuer() -> str:
    place = municipality()
    return f"Närvaro {place.name}" if place else "Närvaro"
