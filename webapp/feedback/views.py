"""Public feedback: /q/<code> counts a poster scan, the form, and the confirmation page.

No cookies and no login. Nothing about the person is stored or logged: rate limits key on an
HMAC of the client address with a secret that changes every day, and the key is never stored
anywhere but the limiter's own counters, which expire with their window.
"""

import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp import ratelimits, site
from webapp.database import begin_writes
from webapp.extensions import db, limiter
from webapp.feedback import receipts, service
from webapp.feedback.forms import FeedbackForm
from webapp.feedback.privacy import keep_addresses_out_of_logs
from webapp.feedback.tokens import check_token, make_token, token_id
from webapp.i18n import supported
from webapp.masking import suggest_mask
from webapp.schedule import store

bp = Blueprint("feedback", __name__)
bp.record_once(keep_addresses_out_of_logs)
LANG = "/<lang:lang>"

MIN_SECONDS = 3  # faster than a person can read and answer
MAX_SECONDS = 4 * 60 * 60  # an open tab is fine; older forms are shown again to send
CLIENT_LIMIT = "10 per 10 minutes;40 per day"
ALL_CLIENTS_LIMIT = "300 per hour"
SCAN_LIMIT = "1 per 10 minutes"  # per client and poster: reloads and repeat scans count once
# Receipt lookups per client, every lookup counted (a miss counted alone would let a throttled
# client tell hits from misses): a resident checks now and then, a guesser is stopped.
RECEIPT_LIMIT = "10 per 10 minutes;30 per day"


def _setting(name: str, default):
    return current_app.config.get(name, default)


@bp.app_context_processor
def feedback_links():
    """feedback_form_links(): every place's form, for the public feedback page."""

    def links():
        places = store.all_places(db.session)
        return [
            {
                "name": p.text("name", site.lang()),
                "url": url_for("feedback.form", lang=site.lang(), slug=p.slug),
            }
            for p in places
        ]

    return {"feedback_form_links": links}


@bp.get("/q/<code>")
def scan(code):
    """A poster's QR code: count the scan (a number per poster and day), open the form in the
    language the phone asks for. Previews, prefetches and repeat scans are not counted."""
    begin_writes()
    poster = service.find_poster(db.session, code)
    if poster is None:
        # A mistyped or torn poster code: say so, and offer every place's form.
        page = render_template("feedback/unknown_code.html", code=code[:40])
        return page, 404, {"Cache-Control": "no-store"}
    # Link checkers and previews often only ask with HEAD; browsers prefetch links they show.
    if request.method == "GET" and not _is_prefetch() and _within_scan_limit(poster):
        service.count_scan(db.session, poster, site.now().astimezone(site.timezone()).date())
        db.session.commit()
    lang = request.accept_languages.best_match(supported(), default="sv")
    target = url_for("feedback.form", lang=lang, slug=poster.place.slug, code=poster.code)
    response = redirect(target, 303)
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Language")
    return response


def _is_prefetch() -> bool:
    purpose = request.headers.get("Sec-Purpose", "") + " " + request.headers.get("Purpose", "")
    return "prefetch" in purpose.lower()


def _within_scan_limit(poster) -> bool:
    """A hit on this client's counter for `poster` in the limiter's storage (keyed on the
    HMAC, never the address); over the limit the scan still opens the form, uncounted."""
    limit = _setting("SCAN_CLIENT_LIMIT", SCAN_LIMIT)
    return ratelimits.hit(limit, "poster-scan", ratelimits.client_key(), poster.code)


def _place_or_404(slug):
    place = store.place_by_slug(db.session, slug)
    if place is None:
        abort(404)
    return place


def _place_and_poster(slug, code):
    place = _place_or_404(slug)
    poster = None
    if code is not None:
        poster = service.find_poster(db.session, code)
        if poster is None or poster.place_id != place.id or poster.code != code:
            abort(404)
    return place, poster


TOKEN_MESSAGES = {
    "expired": lambda: _(
        "Formuläret var öppet länge, så av säkerhetsskäl skickades inget. "
        "Dina svar finns kvar: kontrollera dem och tryck på Skicka igen."
    ),
    "invalid": lambda: _(
        "Formuläret kunde inte skickas. Dina svar finns kvar: kontrollera dem "
        "och tryck på Skicka igen."
    ),
    "too-fast": lambda: _(
        "Formuläret skickades väldigt snabbt. Kontrollera dina svar och tryck på Skicka igen."
    ),
}


@bp.route(f"{LANG}/feedback/<slug>", methods=["GET", "POST"], defaults={"code": None})
@bp.route(f"{LANG}/feedback/<slug>/<code>", methods=["GET", "POST"])
@limiter.limit(
    lambda: _setting("FEEDBACK_CLIENT_LIMIT", CLIENT_LIMIT),
    key_func=ratelimits.client_key,
    methods=["POST"],
    scope="feedback-client",
)
def form(lang, slug, code):
    place, poster = _place_and_poster(slug, code)
    form = FeedbackForm()
    now = site.now()
    secret = current_app.config["SECRET_KEY"]
    status = 200
    check = None
    if request.method == "POST":
        if form.leave_empty.data:
            # A bot: pretend it worked, with a receipt that leads nowhere; keep nothing.
            fake = receipts.receipt_code(secret, secrets.token_urlsafe(16))
            return redirect(_thanks_url(place, False, fake), 303)
        check = check_token(
            form.token.data,
            secret,
            place_slug=place.slug,
            poster_code=code,
            now=now,
            min_seconds=_setting("FEEDBACK_MIN_SECONDS", MIN_SECONDS),
            max_seconds=_setting("FEEDBACK_MAX_SECONDS", MAX_SECONDS),
        )
        if form.validate() and check.ok:
            return _store(form, place, poster, lang, now)
        if not check.ok:
            form.form_errors.append(TOKEN_MESSAGES[check.state]())
        status = 400
    if check is None or check.state not in ("ok", "too-fast"):
        # The minimum fill time counts from when the form was first shown, not re-shown.
        form.token.data = make_token(secret, place_slug=place.slug, poster_code=code, now=now)
    heading = _("Synpunkter om %(place)s", place=place.text("name", lang))
    body = render_template("feedback/form.html", form=form, place=place, heading=heading)
    return body, status, {"Cache-Control": "no-store"}


def _store(form, place, poster, lang, now):
    """Store a submission that passed every check, once per token, within the shared cap."""
    answers = form.answers()
    contact = answers.wants_contact and answers.contact_consent
    lifetime = timedelta(seconds=_setting("FEEDBACK_MAX_SECONDS", MAX_SECONDS))
    # The same token gives the same receipt, so a form sent twice shows one code.
    receipt = receipts.receipt_code(current_app.config["SECRET_KEY"], form.token.data)
    if service.spend_token(db.session, token_id(form.token.data), now=now, lifetime=lifetime):
        # Only submissions that passed every check count towards everyone's cap, so junk
        # posts can't switch the form off; over it, the 429 page (and nothing spent).
        if not ratelimits.hit(_setting("FEEDBACK_ALL_CLIENTS_LIMIT", ALL_CLIENTS_LIMIT), "all"):
            abort(429)
        service.submit_feedback(
            db.session,
            place=place,
            poster=poster,
            answers=answers,
            lang=lang,
            now=now,
            receipt=receipt,
        )
    # A token sent again (a double click, a reload) stores nothing and gets the same answer.
    db.session.commit()
    return redirect(_thanks_url(place, contact, receipt), 303)


def _thanks_url(place, contact: bool, receipt: str) -> str:
    return url_for(
        "feedback.thanks", slug=place.slug, contact=contact, receipt=receipts.shown(receipt)
    )


@bp.get(f"{LANG}/feedback/<slug>/thanks", defaults={"contact": False})
@bp.get(f"{LANG}/feedback/<slug>/thanks/contact", defaults={"contact": True})
def thanks(lang, slug, contact):
    place = _place_or_404(slug)
    code = receipts.normalise_receipt(request.args.get("receipt"))
    body = render_template(
        "feedback/thanks.html",
        place=place,
        contact=contact,
        receipt=receipts.shown(code) if code else None,
    )
    return body, 200, {"Cache-Control": "no-store"}


# The receipt page's words for each state of a case (staff see their own labels).
RECEIPT_STATES = {
    "new": lambda: _("Mottagen"),
    "read": lambda: _("Läst"),
    "in_progress": lambda: _("Under behandling"),
    "handled": lambda: _("Hanterad"),
    "no_action": lambda: _("Avslutad, ingen åtgärd behövdes"),
}


@bp.get(f"{LANG}/feedback/receipt/<code>")
@limiter.limit(
    lambda: _setting("RECEIPT_CLIENT_LIMIT", RECEIPT_LIMIT),
    key_func=ratelimits.client_key,
    scope="receipt-client",
)
def receipt(lang, code):
    """A case's state and public reply; unknown, malformed and expired codes look the same."""
    item = receipts.find_case(
        db.session,
        code,
        now=site.now(),
        retention_days=_setting("FEEDBACK_RETENTION_DAYS", None),
    )
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if item is None:
        return render_template("feedback/receipt_unknown.html"), 404, headers
    page = render_template(
        "feedback/receipt.html",
        item=item,
        code=receipts.shown(receipts.normalise_receipt(code)),
        state=RECEIPT_STATES[item.state](),
        reply=public_reply(item, lang),
    )
    return page, 200, headers


def public_reply(item, lang: str) -> dict | None:
    """The reply residents see, masked: in the page's language when staff wrote one in the
    comment's language and that is the page's, else the Swedish text (marked as Swedish)."""
    if not item.reply:
        return None
    if item.reply_translated and item.lang == lang and lang != "sv":
        return {"text": suggest_mask(item.reply_translated), "lang": lang}
    return {"text": suggest_mask(item.reply), "lang": "sv"}
