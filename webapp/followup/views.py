"""Thin views: read the world once, call webapp.promise, render."""

from datetime import datetime, time, timedelta
from functools import partial

from flask import Blueprint, abort, render_template
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from webapp import i18n, ratelimits, site
from webapp.extensions import db, limiter
from webapp.feedback.cases import theme_name, themes_of
from webapp.promise import records
from webapp.promise.atom import FeedEntry, build_feed
from webapp.promise.followup import board_report, promise_followup
from webapp.promise.pdf import build_report_pdf
from webapp.promise.periods import tertials_closed, whole
from webapp.promise.svg import bar_chart
from webapp.promise.xlsx import build_workbook
from webapp.public import LANG
from webapp.public.urls import absolute_url
from webapp.report.board import report_document, report_html
from webapp.report.wording import presence_columns, state_label, tertial_value_label

bp = Blueprint("followup", __name__)


def number(value, unit=None) -> str:
    """A figure in the page's language: "15", "94,5 %"; an en dash when there is none."""
    if value is None:
        return "–"
    text = format_decimal(value, "0.#")
    return f"{text} {unit}" if unit else text


def charts(followup) -> dict:
    """One bar chart per activity with figures per tertial (published ones only)."""
    out = {}
    for item in followup.activities:
        rows = [
            (t.label(_), value, number(value, item.activity.unit))
            for t, value in item.tertials
            if value is not None
        ]
        if rows and item.activity.measure in ("presence", "count", "figure"):
            title = _(
                "%(activity)s, per tertial", activity=item.activity.text("title", site.lang())
            )
            rtl = i18n.direction(site.lang()) == "rtl"
            svg = bar_chart(f"chart-{item.activity.key}", chart_title(title, rows), rows, rtl=rtl)
            out[item.activity.key] = Markup(svg)  # noqa: S704 - built from escaped parts
    return out


def chart_title(title: str, rows) -> str:
    """A chart's title states its numbers, so its text alternative says what it shows."""
    return f"{title}: " + "; ".join(f"{label} {text}" for label, _value, text in rows)


@bp.app_context_processor
def followup_helpers():
    return {
        "promise_number": number,
        "period_label": lambda period: period.label(_),
        "promise_day": lambda day: format_date(day, "d MMMM y"),
        "promise_state": state_label,
        "tertial_value_label": tertial_value_label,
        "presence_columns": presence_columns,
    }


@bp.get(f"{LANG}/promises")
def index(lang):
    today = site.now().astimezone(site.timezone()).date()
    promises = records.all_promises(db.session)
    return render_template(
        "followup/index.html",
        promises=promises,
        current=records.promise_in_force(promises, today),
        latest=records.latest_started(promises, today),
        today=today,
    )


@bp.get(f"{LANG}/promises/<key>")
def promise(lang, key):
    found = records.promise_by_key(db.session, key)
    if found is None:
        abort(404)
    followup = promise_followup(db.session, found, site.timezone(), site.now())
    today = site.now().astimezone(site.timezone()).date()
    return render_template(
        "followup/promise.html", f=followup, promise=found, charts=charts(followup),
        tz=site.timezone(), reports=tertials_closed(whole(found), today),
        theme_name=partial(theme_in, found, lang),
    )  # fmt: skip


# A report is laid out anew for each request (about a second of CPU): a client may ask for a
# few at a time, not flood the workers.
REPORT_LIMIT = "20 per 10 minutes"
REPORT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get(f"{LANG}/promises/<key>/reports/<period>.<any(pdf, xlsx):kind>")
@limiter.limit(REPORT_LIMIT, key_func=lambda: ratelimits.client_key("report"),
               scope="published-report")  # fmt: skip
def published_report(lang, key, period, kind):
    """The board's report of a closed tertial as the website publishes it (no staff-only
    activities), in Swedish (English on English pages), for the municipality to link to."""
    found = records.promise_by_key(db.session, key)
    now, tz = site.now(), site.timezone()
    closed = tertials_closed(whole(found), now.astimezone(tz).date()) if found else []
    chosen = next((t for t in closed if t.key == period), None)
    if chosen is None:
        abort(404)
    report = board_report(db.session, found, chosen, tz, now, public=True)
    report_lang = "en" if lang == "en" else "sv"
    with force_locale(report_lang):
        doc = report_document(report, site.municipality(), report_lang)
        body = build_report_pdf(report_html(doc)) if kind == "pdf" else build_workbook(doc)
    name = f"medborgarlofte-{found.key}-{chosen.key}.{kind}"
    return body, 200, {"Content-Type": REPORT_TYPES[kind],
                       "Content-Disposition": f'inline; filename="{name}"'}  # fmt: skip


def theme_in(promise, lang: str, key: str, town=None) -> Markup:
    """A theme's name as the municipality that signed `promise` names it (`town`, a row or an
    id: themes are each municipality's own), else as the request's municipality does."""
    if isinstance(town, int):
        town = next((m for m in promise.municipalities if m.id == town), None)
    return theme_label(themes_of(town or site.municipality()), lang, key)


def theme_label(themes: dict, lang: str, key: str) -> Markup:
    """A theme's name in the page's language, or the Swedish name marked as Swedish."""
    names = themes.get(key) or {}
    if lang in names:
        return Markup.escape(names[lang])
    return Markup('<span lang="sv">{}</span>').format(theme_name(themes, key, "sv"))


def _feed_entries(followups, tz) -> list[FeedEntry]:
    host = site.uid_domain()
    out = []
    for f in followups:
        key, title = f.promise.key, f.promise.text("title", site.lang())
        link = absolute_url("followup.promise", key=key)
        for item in f.activities:
            for u in item.updates:
                out.append(FeedEntry(
                    id=f"tag:{host},2026:promise/{key}/entry/{u.entry_id}",
                    title=f"{title}: {item.activity.text('title', site.lang())}",
                    updated=u.updated_at, link=link, summary=u.note,
                ))  # fmt: skip
        for t in f.tertials:
            if t.closed(f.today):
                closed = datetime.combine(t.last_day + timedelta(days=1), time(0), tz)
                out.append(FeedEntry(
                    id=f"tag:{host},2026:promise/{key}/tertial/{t.key}",
                    title=_("%(title)s: %(tertial)s är slut", title=title,
                            tertial=t.label(_)),
                    updated=closed, link=link,
                    summary=_("Siffrorna för %(tertial)s är publicerade.",
                              tertial=t.label(_)),
                ))  # fmt: skip
    return out


@bp.get(f"{LANG}/promises/feed.atom")
def feed(lang):
    now, tz = site.now(), site.timezone()
    followups = [promise_followup(db.session, p, tz, now) for p in records.all_promises(db.session)]
    body = build_feed(
        _feed_entries(followups, tz),
        feed_id=absolute_url("followup.feed"),
        title=_("Uppföljning av medborgarlöftet"),
        link=absolute_url("followup.index"),
        self_link=absolute_url("followup.feed"),
        lang=lang,
        fallback_updated=now,
    )
    return body, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}
