"""Posters: staff start a print run (a new code) for a place and download its PDF."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms import HiddenField

from webapp import site
from webapp.extensions import db
from webapp.feedback import service
from webapp.feedback.poster_content import poster_content, poster_url, printed_url
from webapp.feedback.poster_pdf import build_poster_pdf
from webapp.models import Poster
from webapp.schedule import store
from webapp.site import timezone
from webapp.staff import bp
from webapp.staff.auth import current_user, staff_required
from webapp.staff.forms import BaseForm


class PosterForm(BaseForm):
    place = HiddenField()


def _places():
    return store.all_places(db.session)


@bp.get("/posters")
@staff_required("posters.manage")
def posters(lang):
    places = _places()
    by_place = {place.id: [] for place in places}
    for poster in db.session.scalars(
        select(Poster).order_by(Poster.created_at.desc(), Poster.id.desc())
    ):
        by_place.setdefault(poster.place_id, []).append(poster)
    return render_template(
        "staff/posters.html",
        places=places,
        by_place=by_place,
        scans=service.scan_totals(db.session),
        answers=service.feedback_counts(db.session),
        short_url=lambda poster: printed_url(poster_url(poster.code)),
        tz=timezone(),
    )


@bp.post("/posters")
@staff_required("posters.manage")
def poster_new(lang):
    form = PosterForm()
    place = store.place_by_slug(db.session, form.place.data or "")
    if not form.validate_on_submit() or place is None:
        flash(_("Affischen kunde inte skapas. Försök igen."))
        return redirect(url_for("staff.posters"))
    poster = service.create_poster(db.session, place, now=site.now(), actor=current_user)
    db.session.commit()
    flash(
        _(
            "Affischen med koden %(code)s är skapad. Ladda ned den och skriv ut den.",
            code=poster.code,
        )
    )
    return redirect(url_for("staff.posters", _anchor=f"poster-{poster.code}"))


@bp.get("/posters/<code>.pdf")
@staff_required("posters.manage")
def poster_pdf(lang, code):
    poster = service.find_poster(db.session, code)
    if poster is None:
        abort(404)
    content = poster_content(db.session, poster, now=site.now(), municipality=site.municipality())
    pdf = build_poster_pdf(content)
    name = f"affisch-{poster.place.slug}-{poster.code}.pdf"
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
