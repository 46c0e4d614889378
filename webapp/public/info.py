"""Subscribe, about, accessibility, feedback, the embeddable snippet, robots.txt and favicon."""

from datetime import date
from pathlib import Path

from flask import abort, current_app, g, render_template, request
from flask_babel import gettext as _

from webapp.extensions import db
from webapp.promise import records
from webapp.public import LANG, bp
from webapp.public.cache import cached_page
from webapp.public.formatting import local_today
from webapp.public.qr import qr_svg
from webapp.public.reads import schedule
from webapp.public.summary import next_presences, office_summary
from webapp.public.urls import absolute_url, all_feeds
from webapp.schedule import store

# When the accessibility statement was last checked against the site; update on each review.
STATEMENT_REVIEWED = date(2026, 11, 24)
DIGG_COMPLAINTS = "https://www.digg.se/tdosanmalan"
ROBOTS = "User-agent: *\nAllow: /\nAllow: /feeds/\nDisallow: /staff/\n"


@bp.get(f"{LANG}/subscribe")
@cached_page(params=("feed",))
def subscribe(lang):
    """One calendar at a time (?feed=<key>, all by default): its buttons, then its QR code."""
    feeds = all_feeds(store.get_office(db.session), store.presence_places(db.session))
    chosen = next((f for f in feeds if f.key == request.args.get("feed", "all")), None)
    if chosen is None:
        abort(404)
    code = qr_svg(chosen.https, label=_("QR-kod till kalendern %(title)s", title=chosen.title))
    return render_template("public/subscribe.html", feeds=feeds, chosen=chosen, code=code)


@bp.get(f"{LANG}/about")
@cached_page
def about(lang):
    promises = records.all_promises(db.session)
    today = local_today()
    return render_template(
        "public/about.html",
        promises=promises,
        current=records.promise_in_force(promises, today),
        latest=records.latest_started(promises, today),
    )


# Lättläst (easy Swedish) versions: Swedish only, each beside the page it simplifies.
EASY_PAGES = {
    "om": "public.about",
    "prenumerera": "public.subscribe",
    "synpunkter": "public.feedback",
}


@bp.get(f"{LANG}/lattlast/<any(om,prenumerera,synpunkter):topic>")
def easy(lang, topic):
    """The page in easy Swedish; the language switch leads to the ordinary page."""
    if lang != "sv":
        abort(404)
    g.alternate_endpoint = EASY_PAGES[topic]
    return render_template(f"public/easy/{topic}.html")


@bp.get(f"{LANG}/editors")
def editors(lang):
    """For web editors: how to show the times on another site (linked from the footer)."""
    return render_template(
        "public/editors.html",
        embed_url=absolute_url("public.embed"),
        fragment_url=absolute_url("public.embed_fragment"),
    )


@bp.get(f"{LANG}/accessibility")
@cached_page
def accessibility(lang):
    return render_template(
        "public/accessibility.html", reviewed=STATEMENT_REVIEWED, digg_url=DIGG_COMPLAINTS
    )


@bp.get(f"{LANG}/feedback")
def feedback(lang):
    return render_template("public/feedback.html")


def embed_context():
    now = schedule()
    return {
        "summary": office_summary(now.days, now.now, now.tz),
        "office": now.office,
        "now": now.now,
        "upcoming": next_presences(now.listing(), now.now),
    }


@bp.get(f"{LANG}/embed")
def embed(lang):
    """A compact page other sites may show in an iframe; links open in the top window."""
    g.embeddable = True
    return render_template("public/embed.html", **embed_context())


@bp.get(f"{LANG}/embed/fragment")
def embed_fragment(lang):
    """The same snippet as bare HTML with absolute links, for server-side includes."""
    body = render_template("public/_embed_fragment.html", href=absolute_url, **embed_context())
    return (
        body,
        200,
        {"Content-Type": "text/html; charset=utf-8", "Access-Control-Allow-Origin": "*"},
    )


@bp.get("/robots.txt")
def robots():
    return ROBOTS, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    icon = Path(current_app.static_folder, "favicon.svg").read_bytes()
    return icon, 200, {"Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=86400"}
