"""Changing one's own second factor: turning two-step login off, and new recovery codes.

Both ask for the password and a current code (or a recovery code) again, and are throttled
like the second login step: per account and per client, counting only failures."""

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from webapp import audit, site
from webapp.accounts import two_step
from webapp.accounts.passwords import verify_password
from webapp.extensions import db
from webapp.staff import bp, render_form
from webapp.staff.account_forms import ConfirmTwoStepForm
from webapp.staff.auth import current_token_hash, current_user, password_hasher, staff_required
from webapp.staff.throttle import own_account_key, throttled


def _confirmed(form, purpose: str) -> bool:
    """The password and then the code are right; otherwise errors on the form, the failure
    audited and counted by the throttle."""
    user, now = current_user, site.now()
    if not verify_password(user.password_hash, form.password.data, password_hasher()):
        form.password.errors.append(_("Fel lösenord. Skriv ditt nuvarande lösenord"))
    else:
        sealer = two_step.sealer_for(current_app.config)
        if two_step.check_code(db.session, user, form.code.data, now=now, sealer=sealer):
            return True
        form.code.errors.append(
            _("Koden stämmer inte. Skriv koden som appen visar just nu, eller en reservkod")
        )
    g.login_failed = True
    audit.record(
        db.session,
        actor=user,
        action="two_step.confirm_failed",
        obj=user,
        now=now,
        after={"for": purpose},
    )
    db.session.commit()
    return False


def _confirm_page(form, **context):
    return render_form("staff/two_step_confirm.html", form, **context)


@bp.route("/account/two-step/off", methods=["GET", "POST"])
@staff_required()
@throttled("two-step-off", own_account_key)
def two_step_off(lang):
    if not two_step.enabled(current_user):
        return redirect(url_for("staff.account"))
    if two_step.required(current_user, current_app.config["STAFF_MFA"]):
        return render_template("staff/two_step_confirm.html", purpose="off", required=True), 403
    form = ConfirmTwoStepForm()
    if form.validate_on_submit() and _confirmed(form, "two_step.disable"):
        two_step.turn_off(db.session, current_user, now=site.now(), keep=current_token_hash())
        db.session.commit()
        flash(_("Tvåstegsinloggningen är avstängd. Du är utloggad överallt utom här."))
        return redirect(url_for("staff.account"))
    return _confirm_page(form, purpose="off")


@bp.route("/account/recovery-codes", methods=["GET", "POST"])
@staff_required()
@throttled("recovery-codes", own_account_key)
def recovery_codes_new(lang):
    if not two_step.enabled(current_user):
        return redirect(url_for("staff.account"))
    form = ConfirmTwoStepForm()
    if form.validate_on_submit() and _confirmed(form, "two_step.new_codes"):
        codes = two_step.new_recovery_codes(db.session, current_user, now=site.now())
        db.session.commit()
        return render_template("staff/recovery_codes.html", codes=codes, replaced=True)
    return _confirm_page(form, purpose="codes")
