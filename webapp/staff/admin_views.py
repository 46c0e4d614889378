"""Accounts and the audit log: admins only."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp import audit, site, tenant
from webapp.accounts import providers as sign_in
from webapp.accounts import users
from webapp.extensions import db
from webapp.forms import choices
from webapp.models import Municipality, User
from webapp.permissions import can
from webapp.schedule.store import all_places, local_day_bounds
from webapp.staff import bp, render_form
from webapp.staff.audit_view import AuditFilterForm
from webapp.staff.audit_view import entry as audit_entry
from webapp.staff.auth import current_user, password_hasher, staff_required
from webapp.staff.forms import ROLE_LABELS, InviteForm, UserEditForm, UserForm
from webapp.staff.forms import _password_message as password_message
from webapp.staff.guards import across_the_area

PASSWORD_PROBLEMS = ("short", "long", "common", "personal")

PAGE = 100


def town_names() -> dict | None:
    """{municipality id: its name} to name where an account or entry belongs, None naming
    the police area; None itself when the installation serves one municipality."""
    towns = tenant.towns()
    if len(towns) < 2:
        return None
    areas = {town.police_area for town in towns}
    area = areas.pop() if len(areas) == 1 else None
    names = {town.id: town.text("name", site.lang()) for town in towns}
    names[None] = area.text("name", site.lang()) if area is not None else _("Polisområdet")
    return names


@bp.get("/users")
@staff_required("accounts.manage")
def user_list(lang):
    return render_template(
        "staff/users.html",
        users=users.all_users(db.session),
        invited=users.invited,
        towns=town_names(),
        role_labels=ROLE_LABELS,
        providers=[
            (p, sign_in.redirect_uri(current_app.config.get("PUBLIC_BASE_URL") or "", p.name))
            for p in _providers().values()
        ],
    )


def _providers() -> dict:
    return current_app.extensions.get("sign_in", {})


@bp.route("/users/invite", methods=["GET", "POST"])
@staff_required("accounts.manage")
def user_invite(lang):
    providers = _providers()  # none in the data file: the page says so, and nothing validates
    form = InviteForm()
    form.provider.choices = choices((p.name, p.label) for p in providers.values())
    if request.method == "GET" and len(providers) == 1:
        form.provider.data = next(iter(providers))
    if not providers:
        form.explain_token_failure()
    elif form.validate_on_submit():
        provider = providers[form.provider.data]
        try:
            users.invite_user(
                db.session,
                email=form.email.data,
                role=form.role.data,
                issuer=provider.issuer,
                municipality_id=tenant.home_of_invite(
                    current_user, sign_in.municipality_id(db.session, provider)
                ),
                now=site.now(),
                actor=current_user,
            )
        except users.AccountError as error:
            if error.code != "exists":
                raise
            form.email.errors.append(_("Det finns redan ett konto med den e-postadressen"))
        else:
            db.session.commit()
            flash(
                _(
                    "Inbjudan är sparad. Personen loggar in med organisationens konto; "
                    "kontot knyts till det vid första inloggningen."
                )
            )
            return redirect(url_for("staff.user_list"))
    return render_form("staff/user_invite.html", form, providers=providers)


def offer_municipalities(form, current: str | None) -> None:
    """An area admin chooses whose an account is (`current`: the slug shown first, "" the
    area's); anyone else has no such choice (the field goes)."""
    names = town_names()
    if names is None or current_user.municipality_id is not None:
        del form.municipality  # one's own municipality's, or the only one there is
        return
    towns = [(town.slug, names[town.id]) for town in tenant.towns()]
    form.municipality.choices = choices([("", names[None]), *towns])
    if not form.is_submitted():
        form.municipality.data = current


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required("accounts.manage")
def user_new(lang):
    form = UserForm()
    offer_municipalities(form, tenant.municipality().slug)
    if form.validate_on_submit():
        chosen = form.municipality.data if form.municipality else None
        try:
            users.create_user(
                db.session,
                email=form.email.data,
                password=form.password.data,
                role=form.role.data,
                now=site.now(),
                hasher=password_hasher(),
                actor=current_user,
                municipality=tenant.home_chosen_by(current_user, chosen),
            )
        except users.AccountError as error:
            if error.code == "exists":
                form.email.errors.append(_("Det finns redan ett konto med den e-postadressen"))
            elif error.code in PASSWORD_PROBLEMS:  # e.g. the municipality's name
                form.password.errors.append(password_message(error.code))
            else:
                raise
        else:
            db.session.commit()
            flash(_("Kontot är skapat. Ge lösenordet till personen på ett säkert sätt."))
            return redirect(url_for("staff.user_list"))
    return render_form("staff/user_new.html", form)


@bp.route("/users/<int(max=2147483647):user_id>", methods=["GET", "POST"])
@staff_required("accounts.manage")
def user_edit(lang, user_id):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    home = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    offer_municipalities(form, home.slug if home else "")
    if form.validate_on_submit():
        keeps_managing = can(form.role.data, "accounts.manage") and form.active.data
        if user.id == current_user.id and form.municipality and form.municipality.data:
            form.municipality.errors.append(
                _("Du kan inte flytta ditt eget konto till en kommun. Be en annan administratör")
            )
        elif user.id == current_user.id and not keeps_managing:
            form.role.errors.append(
                _(
                    "Du kan inte ta bort din egen administratörsbehörighet "
                    "eller stänga av ditt eget konto. Be en annan "
                    "administratör"
                )
            )
        else:
            changed = users.change_user(
                db.session,
                user,
                role=form.role.data,
                active=form.active.data,
                now=site.now(),
                actor=current_user,
                **(
                    {"home": tenant.home_chosen_by(current_user, form.municipality.data)}
                    if form.municipality
                    else {}
                ),
            )
            db.session.commit()
            flash(_("Kontot är ändrat.") if changed else _("Inget ändrades."))
            return redirect(url_for("staff.user_list"))
    names = town_names()
    return render_form(
        "staff/user_edit.html",
        form,
        user=user,
        role_labels=ROLE_LABELS,
        home=names[user.municipality_id] if names else None,
    )


@bp.get("/audit")
@staff_required("audit.read")
@across_the_area  # an area admin's entries name every municipality's places
def audit_log(lang):
    before = request.args.get("before", type=int)
    if before is not None:
        before = min(max(before, 0), 2**31 - 1)  # a page link, not a way to overflow the query
    tz = site.timezone()
    names = town_names()
    towns = tenant.towns()
    form = AuditFilterForm(formdata=request.args)
    offered = names is not None and current_user.municipality_id is None
    form.fill(
        users.all_users(db.session),
        audit.actions_used(db.session),
        towns=[(town.slug, names[town.id]) for town in towns] if offered else None,
    )
    asked = any(request.args.get(name) for name in ("who", "action", "day", "municipality"))
    ok = form.validate() if asked else True
    filters = {}
    if ok and asked:
        chosen = form.municipality.data if form.municipality else ""
        filters = {
            "actor_id": int(form.who.data) if form.who.data else None,
            "action": form.action.data or None,
            "between": local_day_bounds(form.day.data, tz) if form.day.data else None,
            "municipality_id": next((t.id for t in towns if t.slug == chosen), None),
        }
    events = audit.recent_events(db.session, limit=PAGE, before_id=before, **filters)
    places = {p.id: p.text("name", site.lang()) for p in all_places(db.session)}
    named = None if names is None else {**names, **{t.slug: names[t.id] for t in towns}}
    older = events[-1].id if len(events) == PAGE else None
    return render_template(
        "staff/audit.html",
        form=form,
        entries=[audit_entry(e, places=places, tz=tz, towns=named) for e in events],
        older_args={**(form.link_args() if ok else {}), "before": older} if older else None,
        filtered=asked,
        tz=tz,
    ), (200 if ok else 400)
