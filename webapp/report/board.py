"""The report for kommunstyrelsen in words: the domain's figures for one period of the promise
(webapp.promise.followup.board_report) as a ReportDocument in the page's language, which the
pure builders write out as PDF or .xlsx."""

from babel.lists import format_list
from flask import render_template
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.feedback.cases import theme_name, themes_of
from webapp.promise.document import ReportDocument, Section, Table
from webapp.promise.svg import bar_chart
from webapp.report.wording import presence_columns, state_label, tertial_value_label
from webapp.site import lang as page_lang


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def period_name(period) -> str:
    """The period's name: "T2 2025 (maj–augusti)", "2025" or "Hela perioden"."""
    if period.kind == "tertial":
        months = {1: _("januari–april"), 2: _("maj–augusti"), 3: _("september–december")}
        return _("%(tertial)s (%(months)s)", tertial=period.label(_), months=months[period.n])
    return period.label(_)


def _titled(title: str, part: str) -> str:
    """A table's title: the activity, then which of its tables ("per tertial", "summa")."""
    return f"{title.rstrip('.')}: {part}"


def _done(item):
    """The figure so far, or what stands instead: not reported, or not published yet."""
    if item.done is not None:
        return item.done
    return _("Inget publicerat ännu") if item.through is None else state_label("not_reported")


def _value(item, t, value):
    """A tertial's figure, or why there is none."""
    return value if value is not None else tertial_value_label(item.status(t, value))


def _row_label(report, item, t) -> str:
    if item.preliminary and t.key in report.open_tertials:
        return _("%(tertial)s (preliminärt)", tertial=t.label(_))
    return t.label(_)


def _presence_row(label, f) -> tuple:
    """A row of presence figures: every slot state counted, then the hours."""
    return (label, *(getattr(f, name) for name, _label in presence_columns()),
            _hours(f.held_minutes), _hours(f.planned_minutes))  # fmt: skip


def _presence_header(first: str) -> tuple:
    return (first, *(label for _name, label in presence_columns()), _("Timmar som blev av"),
            _("Planerade timmar"))  # fmt: skip


def _presence_tables(report, item, title, lang) -> list[Table]:
    header, row = _presence_header(_("Period")), _presence_row

    period, whole = report.period, period_name(report.period)
    if period.kind == "tertial":
        tables = [Table(_titled(title, whole), header, (row(whole, item.presence),))]
    else:
        several = period.kind == "all" and len(item.presence_years) > 1  # else it is the total
        years = (row(str(y), f) for y, f in item.presence_years) if several else ()
        tables = [
            Table(_titled(title, _("per tertial")), header,
                  tuple(row(t.label(_), f) for t, f in item.presence_tertials), 2),
            Table(_titled(title, _("summa")), header, (*years, row(whole, item.presence))),
        ]  # fmt: skip
    tables += _presence_apart(item, title, lang)
    for reasons, heading in (
        (item.presence.cancel_reasons, _("Orsaker till inställda tillfällen")),
        (item.presence.not_held_reasons, _("Orsaker till att tillfällen inte blev av")),
    ):
        if reasons:
            none = _("Ingen orsak angiven")
            rows = tuple((text or none, n) for text, n in sorted(reasons.items()))
            tables.append(Table(heading, (_("Orsak"), _("Tillfällen")), rows))
    return tables


def _presence_apart(item, title, lang) -> list[Table]:
    """A promise several municipalities signed: each one's presence per place, and its
    total; nothing for a promise of one."""
    header, row = _presence_header(_("Plats")), _presence_row

    return [
        Table(_titled(title, _("%(municipality)s, per plats",
                               municipality=s.municipality.text("name", lang))), header,
              (*(row(p.text("name", lang), f) for p, f in s.places),
               row(_("Hela kommunen"), s.total)))
        for s in item.presence_apart
    ]  # fmt: skip


def _goal(report, goal, title) -> Table:
    spans = {"year": lambda: str(report.period.year), "period": lambda: _("Hela perioden"),
             "level": lambda: _("Nivå")}  # fmt: skip
    days = _("%(first)s–%(last)s", first=format_date(goal.first_day, "d MMM y"),
             last=format_date(min(report.period.last_day, goal.last_day), "d MMM y"))  # fmt: skip
    header = (_("Målet gäller"), _("Mål"), _("Gjort"), _("Under dagarna"))
    done = state_label("not_reported") if goal.to_date is None else goal.to_date
    return Table(_titled(title, _("mål")), header, ((spans[goal.span](), goal.target, done,
                 days),))  # fmt: skip


def _facts(item, title) -> str:
    facts = [title]
    if item.staff_only:
        facts.append(_("Publiceras inte på webbplatsen."))
    if item.preliminary:
        facts.append(_("Preliminära siffror: ett tertial i perioden har inte stängt, och "
                       "siffrorna visas inte på webbplatsen än."))  # fmt: skip
    if item.state:
        facts.append(state_label(item.state) + ".")
    return " ".join(facts)


def _activity_section(report, item, lang) -> tuple[list, list]:
    """The paragraphs and tables for one activity."""
    a = item.activity
    title = a.text("title", lang)
    facts = _facts(item, title)
    if a.measure == "presence":
        return [facts], _presence_tables(report, item, title, lang)
    if a.measure == "status":
        notes = [f"{u.day.isoformat()}: {u.note}" for u in reversed(item.updates)]
        return [facts, *(notes or [_("Inga uppdateringar under perioden.")])], []
    label = _("Värde") if a.measure == "figure" else _("Antal")
    period, whole = report.period, period_name(report.period)
    tables = [] if item.goal is None else [_goal(report, item.goal, title)]
    if period.kind == "tertial":
        return [facts], [Table(_titled(title, whole), (_("Period"), label),
                               ((whole, _done(item)),)), *tables]  # fmt: skip
    rows = tuple((_row_label(report, item, t), _value(item, t, v)) for t, v in item.tertials)
    several = period.kind == "all" and len(item.years) > 1  # one year's row is the total
    not_reported = state_label("not_reported")
    years = tuple((str(y), not_reported if v is None else v) for y, v in item.years)
    return [facts], [
        Table(_titled(title, _("per tertial")), (_("Tertial"), label), rows, 1),
        Table(_titled(title, _("summa")), (_("Period"), label),
              (*(years if several else ()), (whole, _done(item)))),
        *tables,
    ]  # fmt: skip


def _summary(report, lang) -> Table:
    """Every activity on one table: its target, what is done, its state."""
    rows = []
    for item in report.activities:
        done = None if item.activity.measure == "status" else _done(item)
        state = state_label(item.state) if item.state else None
        rows.append((item.activity.text("title", lang), item.target_total, done, state))
    header = (_("Aktivitet"), _("Mål"), _("Gjort"), _("Läge"))
    return Table(_("Sammanfattning"), header, tuple(rows))


def _feedback_table(report) -> Table:
    """Answers per place and period; a promise several signed names each place's
    municipality in a column of its own."""
    lang, rows = page_lang(), []
    for g in report.feedback:
        place = g.place.text("name", lang) if g.place else _("Alla platser")
        town = (g.municipality.text("name", lang) if g.municipality else None,)
        where = (*(town if report.shared else ()), place)
        if g.shown:
            rows.append((g.period.label(_), *where, g.responses, g.mean("safety"),
                         g.mean("reach_ease")))  # fmt: skip
        else:
            hidden = _("färre än 5") if g.small else _("visas inte")
            rows.append((g.period.label(_), *where, hidden, None, None))
    header = (_("Period"), *((_("Kommun"),) if report.shared else ()), _("Plats"), _("Svar"),
              _("Trygghet, medel (1–5)"), _("Lätt att nå polisen, medel (1–5)"))  # fmt: skip
    return Table(_("Svar per plats och tertial"), header, tuple(rows))


def _times_row(label, r, hidden=None) -> tuple:
    if hidden or r.small:
        return (*label, hidden or _("färre än 5"), None, None, None)
    return (*label, r.received, r.handled, r.handled_within_14_days, r.median_days)


def _response_table(report) -> Table:
    """Response times per tertial; a promise several signed has each municipality's rows
    (suppressed as on the page) before the tertial's total, in a column of its own."""
    lang, rows = page_lang(), []
    apart = {t.key: parts for t, parts in report.response_times_apart}
    for t, r in report.response_times:
        for st in apart.get(t.key, ()):
            hidden = None if st.shown or st.small else _("visas inte")
            rows.append(_times_row((t.label(_), st.municipality.text("name", lang)), st.times,
                                   hidden))  # fmt: skip
        rows.append(_times_row((t.label(_), *((_("Totalt"),) if report.shared else ())), r))
    header = (_("Tertial"), *((_("Kommun"),) if report.shared else ()), _("Inkomna"),
              _("Hanterade"), _("Hanterade inom 14 dagar"),
              _("Median, dagar till hanterad"))  # fmt: skip
    return Table(_("Hur snabbt synpunkterna hanteras"), header, tuple(rows))


def _signed_by(report, town, lang) -> str:
    """Who the report is for: the municipality, or every one that signed a shared promise
    ("Sävsjö kommun och Västby kommun")."""
    if report.shared:
        return format_list([s.municipality.text("name", lang) for s in report.signatories],
                           locale=lang)  # fmt: skip
    return town.text("name", lang) if town else ""


def _themes_table(report, town, lang) -> Table | None:
    """The follow-up page's themes per place, a row per count as shown there: a shared
    promise's places with their municipality, its themes in that municipality's words."""

    def shown(cell):
        if cell.shown:
            return cell.count
        return _("färre än 5") if cell.small else _("visas inte")

    def where(place, signed):  # a shared promise's place with its municipality, as on the page
        name = _("Alla platser") if place is None else place.text("name", lang)
        return f"{signed.text('name', lang)}: {name}" if signed else name

    def theme(cell, themes):
        return theme_name(themes, cell.theme, lang) if cell.theme else _("Alla teman")

    rows = tuple(
        (y.period.label(_), where(place, table.municipality),
         theme(cell, themes_of(table.municipality or town)), shown(cell))
        for y in report.you_said
        for table in y.tables
        for place, cells, total in table.rows
        for cell in (*cells, total)
    )  # fmt: skip
    if not rows:
        return None
    header = (_("Tertial"), _("Plats"), _("Tema"), _("Synpunkter"))
    return Table(_("Teman per plats och tertial"), header, rows)


def report_document(report, town, lang) -> ReportDocument:
    """The report's content in the page's language, from the domain's figures."""
    p, period = report.promise, report.period
    sections = []
    for n, (commitment, items) in enumerate(report.commitments, 1):
        paragraphs, tables = [], []
        for item in items:
            text, found = _activity_section(report, item, lang)
            paragraphs += text
            tables += found
        heading = _("Löfte %(n)d: %(text)s", n=n, text=commitment.text("title", lang))
        sections.append(Section(heading, _("Löfte %(n)d", n=n), tuple(paragraphs), tuple(tables)))
    sections.append(Section(_("Vad invånarna har svarat"), _("Synpunkter"), (
        _("Grupper med färre än 5 svar visas bara som ”färre än 5”, så att ingen kan pekas ut."),
        _(
            "När en sådan grupp annars skulle kunna räknas fram ur summan, visas inte heller "
            "en grupp till."
        ),
    ), tuple(t for t in (_feedback_table(report), _response_table(report),
                         _themes_table(report, town, lang)) if t)))  # fmt: skip
    example = p.example_data or (town is not None and town.example_data)
    running = () if report.closed else (_("Perioden har inte stängt: siffrorna är inte slutliga."),)
    return ReportDocument(
        title=_("Uppföljning: %(title)s, %(period)s", title=p.text("title", lang),
                period=period_name(period)),
        municipality=_signed_by(report, town, lang),
        period=_("%(first)s–%(last)s. Sammanställd %(day)s.",
                 first=format_date(period.first_day, "d MMMM y"),
                 last=format_date(period.last_day, "d MMMM y"),
                 day=format_date(report.today, "d MMMM y")),
        cover_lines=(*running, *(x for x in (p.text("summary", lang),) if x)),
        sections=tuple(sections),
        generated_at=report.generated_at,
        summary=_summary(report, lang),
        locale=lang,
        example_notice=_("Exempeldata: uppgifterna är exempel och inte bekräftade.")
        if example else "",
        page_label=_("Sida %(page)s av %(pages)s"),
        labels={"cover": _("Rapport"), "example": _("Exempeldata"),
                "first_day": _("Från och med"), "last_day": _("Till och med"),
                "generated_at": _("Sammanställd")},
        first_day=period.first_day,
        last_day=period.last_day,
    )  # fmt: skip


def _css_string(text: str) -> str:
    """`text` as a CSS string inside <style>: quotes, backslashes and "<" escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'


def _css_page_counter(label: str) -> str:
    """ "Sida %(page)s av %(pages)s" as CSS content: "Sida " counter(page) " av " ..."""
    parts = (label % {"page": "\0page\0", "pages": "\0pages\0"}).split("\0")
    return " ".join(
        f"counter({part})" if n % 2 else _css_string(part) for n, part in enumerate(parts)
    )


def _cell(value) -> str:
    """A cell as the report prints it: numbers in the page's language, "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_decimal(value, "0.##")
    return str(value)


def _chart(table: Table, n: str) -> Markup | None:
    """The bar chart of a table's chart column; its title (the figure's alternative text)
    states every number it draws."""
    if table.chart_column is None:
        return None
    rows = [(str(r[0]), r[table.chart_column], _cell(r[table.chart_column])) for r in table.rows
            if isinstance(r[table.chart_column], int | float)]  # fmt: skip
    if not rows:
        return None
    title = f"{table.title}: " + "; ".join(f"{label} {text}" for label, _v, text in rows)
    return Markup(bar_chart(f"chart-{n}", title, rows))  # noqa: S704 - built from escaped parts


def report_html(doc: ReportDocument) -> str:
    """The report as the HTML the PDF is laid out from (templates/report/board.html)."""
    return render_template(
        "report/board.html",
        doc=doc,
        cell=_cell,
        charts={
            (si, ti): _chart(t, f"{si}-{ti}")
            for si, s in enumerate(doc.sections)
            for ti, t in enumerate(s.tables)
        },  # fmt: skip
        running=_css_string(f"{doc.municipality} – {doc.title}"),
        page_counter=_css_page_counter(doc.page_label),
    )
