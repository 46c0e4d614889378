"""What an admin can do for a colleague's login: a set-password link, removing a lost
second factor, clearing the login throttle. Admins only; each action is audited."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from webapp import audit, mail, site
from webapp.accounts import resets, two_step
from webapp.extensions import db
from webapp.models import User
from webapp.site import lang as page_lang
from webapp.staff import bp, throttle
from webapp.staff.account_forms import ActionForm
from webapp.staff.auth import current_user, staff_required
from webapp.staff.reset_views import link_url, mail_link


def _colleague(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.post("/users/<int(max=2147483647):user_id>/password-link")
@staff_required("accounts.manage")
def user_password_link(lang, user_id):
    user = _colleague(user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("staff.user_edit", user_id=user.id))
    token = resets.issue_link(db.session, user, purpose="admin", now=site.now(), actor=current_user)
    db.session.commit()
    mailed = None
    if mail.configured(current_app.config):
        mailed = mail_link(user, token, purpose="admin", lang=page_lang())
    return render_template(
        "staff/user_link.html", user=user, link=link_url(token, page_lang()), mailed=mailed
    )


@bp.post("/users/<int(max=2147483647):user_id>/two-step/remove")
@staff_required("accounts.manage")
def user_two_step_remove(lang, user_id):
    user = _colleague(user_id)
    if ActionForm().validate_on_submit():
        removed = two_step.remove(db.session, user, actor=current_user, now=site.now())
        db.session.commit()
        flash(_("Tvåstegsinloggningen är borttagen.") if removed else _("Inget ändrades."))
    return redirect(url_for("staff.user_edit", user_id=user.id))


@bp.post("/users/<int(max=2147483647):user_id>/throttle/clear")
@staff_required("accounts.manage")
def user_throttle_clear(lang, user_id):
    user = _colleague(user_id)
    if ActionForm().validate_on_submit():
        throttle.lift(user.email)
        audit.record(
            db.session, actor=current_user, action="login.unthrottle", obj=user, now=site.now()
        )
        db.session.commit()
        flash(_("Spärren är hävd. Personen kan logga in direkt."))
    return redirect(url_for("staff.user_edit", user_id=user.id))
