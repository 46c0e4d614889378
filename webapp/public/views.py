"""Resident-facing pages."""

from flask import Blueprint, redirect, render_template, request, url_for

from webapp.i18n import supported
from webapp.site import template_context

bp = Blueprint("public", __name__)
bp.app_context_processor(template_context)


@bp.get("/")
def root():
    """Send visitors to their language; the choice is in the URL from then on."""
    lang = request.accept_languages.best_match(supported()) or "sv"
    response = redirect(url_for("public.home", lang=lang))
    response.vary.add("Accept-Language")
    return response


@bp.get("/<any(sv,en):lang>/")
def home(lang):
    return render_template("public/home.html")
