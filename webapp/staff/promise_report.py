"""The promise report for kommunstyrelsen, per tertial and per year, as PDF and .xlsx:
/<lang>/staff/promises/<key>/report.pdf|xlsx. The figures are the public follow-up's."""

from flask import abort
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from webapp import audit, site
from webapp.extensions import db
from webapp.promise import store
from webapp.promise.document import ReportDocument, Section, Table
from webapp.promise.figures import PresenceFigures
from webapp.promise.followup import promise_followup
from webapp.promise.pdf import build_report_pdf
from webapp.promise.xlsx import build_workbook
from webapp.site import lang as page_lang
from webapp.site import municipality, timezone
from webapp.staff import bp
from webapp.staff.auth import staff_required

TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def _tertial(t) -> str:
    return _("T%(n)d %(year)d", n=t.n, year=t.year)


def _per_year(item) -> list:
    """(year, value): counts add up, a figure is the year's latest, unpublished stays None."""
    years: dict = {}
    for t, value in item.tertials:
        if value is None:
            years.setdefault(t.year, None)
        elif item.activity.measure == "figure":
            years[t.year] = value
        else:
            years[t.year] = (years.get(t.year) or 0) + value
    return list(years.items())


def _presence_tables(item, title) -> list[Table]:
    header = (_("Period"), _("Planerade"), _("Blev av"), _("Blev inte av"), _("Inställda"),
              _("Timmar som blev av"), _("Planerade timmar"))  # fmt: skip

    def row(label, f):
        return (label, f.planned, f.held, f.not_held, f.cancelled, _hours(f.held_minutes),
                _hours(f.planned_minutes))  # fmt: skip

    years: dict = {}
    for t, f in item.presence_tertials:
        years.setdefault(t.year, PresenceFigures()).merge(f)
    tables = [
        Table(f"{title}: {_('per tertial')}",
              header, tuple(row(_tertial(t), f) for t, f in item.presence_tertials), 2),
        Table(f"{title}: {_('per år')}", header,
              (*(row(str(y), f) for y, f in years.items()),
               row(_("Hela perioden"), item.presence))),
    ]  # fmt: skip
    reasons = item.presence.cancel_reasons
    if reasons:
        rows = tuple((text or _("Ingen orsak angiven"), n) for text, n in sorted(reasons.items()))
        tables.append(Table(_("Orsaker till inställda tillfällen"), (_("Orsak"), _("Tillfällen")),
                            rows))  # fmt: skip
    return tables


def _activity(item, lang) -> tuple[list, list]:
    a = item.activity
    title = a.text("title", lang)
    facts = [title]
    if item.target_total is not None:
        facts.append(_("Mål för perioden: %(n)s.", n=f"{item.target_total:g}"))
    if item.state:
        facts.append({"reached": _("Målet är nått"), "on_track": _("I fas med målet"),
                      "behind": _("Efter målet")}[item.state] + ".")  # fmt: skip
    if a.measure == "presence":
        return [" ".join(facts)], _presence_tables(item, title)
    if a.measure == "status":
        notes = [f"{u.day.isoformat()}: {u.note}" for u in item.updates]
        return [" ".join(facts), *notes], []
    label = _("Värde") if a.measure == "figure" else _("Antal")
    rows = tuple((_tertial(t), v) for t, v in item.tertials)
    years = tuple((str(y), v) for y, v in _per_year(item))
    done = (_("Hela perioden"), item.done)
    return [" ".join(facts)], [
        Table(f"{title}: {_('per tertial')}", (_("Tertial"), label), rows, 1),
        Table(f"{title}: {_('per år')}", (_("År"), label), (*years, done)),
    ]


def _feedback_table(f) -> Table:
    rows = []
    for g in f.feedback:
        place = g.place.text("name", page_lang()) if g.place else _("Alla platser")
        if g.shown:
            rows.append((_tertial(g.tertial), place, g.responses, g.mean("safety"),
                         g.mean("reach_ease")))  # fmt: skip
        else:
            rows.append((_tertial(g.tertial), place, _("färre än 5"), None, None))
    header = (_("Tertial"), _("Plats"), _("Svar"), _("Trygghet, medel (1–5)"),
              _("Lätt att nå polisen, medel (1–5)"))  # fmt: skip
    return Table(_("Svar per plats och tertial"), header, tuple(rows))


def report_document(f, town, lang) -> ReportDocument:
    """The report's content in the page's language, from one follow-up."""
    p = f.promise
    sections = []
    for n, (commitment, items) in enumerate(f.commitments, 1):
        paragraphs, tables = [], []
        for item in items:
            text, found = _activity(item, lang)
            paragraphs += text
            tables += found
        heading = _("Löfte %(n)d: %(text)s", n=n, text=commitment.text("title", lang))
        sections.append(Section(heading, _("Löfte %(n)d", n=n), tuple(paragraphs), tuple(tables)))
    sections.append(Section(_("Vad invånarna har svarat"), _("Synpunkter"), (
        _("Grupper med färre än 5 svar visas bara som ”färre än 5”, så att ingen kan pekas ut."),
    ), (_feedback_table(f),)))  # fmt: skip
    example = p.example_data or (town is not None and town.example_data)
    day = format_date(f.today, "d MMMM y")
    return ReportDocument(
        title=_("Uppföljning: %(title)s", title=p.text("title", lang)),
        municipality=town.text("name", lang) if town else "",
        period=_("%(first)s–%(last)s. Sammanställd %(day)s.",
                 first=format_date(p.first_day, "d MMMM y"),
                 last=format_date(p.last_day, "d MMMM y"), day=day),
        cover_lines=tuple(x for x in (p.text("summary", lang),) if x),
        sections=tuple(sections),
        generated_at=site.now(),
        locale=lang,
        example_notice=_("Exempeldata: uppgifterna är exempel och inte bekräftade.")
        if example else "",
        page_label=_("Sida %(page)s av %(pages)s"),
        labels={"cover": _("Rapport"), "example": _("Exempeldata")},
    )  # fmt: skip


@bp.get("/promises/<key>/report.pdf")
@staff_required("report.read")
def promise_report_pdf(lang, key):
    return _export(key, "pdf", build_report_pdf)


@bp.get("/promises/<key>/report.xlsx")
@staff_required("report.read")
def promise_report_xlsx(lang, key):
    return _export(key, "xlsx", build_workbook)


def _export(key, suffix, build):
    found = store.promise_by_key(db.session, key)
    if found is None:
        abort(404)
    now = site.now()
    followup = promise_followup(db.session, found, timezone(), now)
    body = build(report_document(followup, municipality(), page_lang()))
    audit.record(db.session, actor=current_user, action="promise_report.export", obj=found,
                 now=now, after={"format": suffix})  # fmt: skip
    db.session.commit()
    name = f"medborgarlofte-{found.key}-{followup.today:%Y%m%d}.{suffix}"
    return body, 200, {"Content-Type": TYPES[suffix],
                       "Content-Disposition": f'attachment; filename="{name}"'}  # fmt: skip
