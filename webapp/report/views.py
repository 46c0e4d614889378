"""The staff's reports, registered on the staff blueprint behind its role guard:
/<lang>/staff/report and its CSV, the follow-up for a tertial, a year or any days; and
/<lang>/staff/promises/<key>/report.pdf|xlsx?period=all|2026|2026-T2, the report for
kommunstyrelsen on one period of a promise."""

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from webapp import audit, site
from webapp.extensions import db
from webapp.feedback.forms import MET_LABELS, REACH_LABELS, SAFETY_LABELS
from webapp.promise import records
from webapp.promise.figures import followup_report
from webapp.promise.followup import board_report
from webapp.promise.pdf import build_report_pdf
from webapp.promise.periods import (
    ALL,
    PeriodError,
    period_named,
    periods_begun,
    tertial_holding,
    whole,
)
from webapp.promise.xlsx import build_workbook
from webapp.report.board import period_name, report_document, report_html
from webapp.report.export import report_csv
from webapp.report.forms import PeriodForm
from webapp.site import lang as page_lang
from webapp.site import municipality, timezone
from webapp.staff import bp, render_form
from webapp.staff.auth import current_user, staff_required

TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.context_processor
def _report_helpers():
    return {"period_name": period_name}


def _period_form() -> PeriodForm:
    """The form from the query string; without one, the current tertial."""
    if request.args:
        form = PeriodForm(formdata=request.args)
    else:
        current = tertial_holding(site.now().astimezone(timezone()).date())
        form = PeriodForm(formdata=None, data={"year": current.year, "tertial": str(current.n)})
    form.validate()
    return form


def _audit(action: str, first: date, last: date, now) -> None:
    audit.record(
        db.session,
        actor=current_user,
        action=action,
        now=now,
        after={"first_day": first, "last_day": last},
    )


@bp.get("/report")
@staff_required("report.read")
def report(lang):
    form = _period_form()
    if form.errors:
        return render_form("staff/report.html", form, status=400, report=None)
    first, last, heading = form.period()
    now, tz = site.now(), timezone()
    figures = followup_report(
        db.session, first, last, tz, now, page_lang(), municipality=municipality()
    )
    _audit("report.view", first, last, now)
    db.session.commit()
    return render_form(
        "staff/report.html",
        form,
        status=200,
        report=figures,
        heading=heading,
        tz=tz,
        dates=(format_date(first, "d MMMM y"), format_date(last, "d MMMM y")),
        query=form.query(),
        promise=records.promise_in_force(records.all_promises(db.session), first),
        labels={"met_police": MET_LABELS, "safety": SAFETY_LABELS, "reach_ease": REACH_LABELS},
    )


@bp.get("/report/export.csv")
@staff_required("report.read")
def report_export(lang):
    form = _period_form()
    if form.errors:
        query = request.query_string.decode("latin-1")
        return redirect(url_for("staff.report") + ("?" + query if query else ""))
    first, last, _heading = form.period()
    now, tz = site.now(), timezone()
    figures = followup_report(
        db.session, first, last, tz, now, page_lang(), municipality=municipality()
    )
    _audit("report.export", first, last, now)
    db.session.commit()
    name = f"uppfoljning-{first:%Y%m%d}-{last:%Y%m%d}.csv"
    return (
        report_csv(figures, tz, page_lang()),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


def file_name(promise, period, today, suffix) -> str:
    name = "hela-perioden" if period.key == ALL else period.key
    return f"medborgarlofte-{promise.key}-{name}-{today:%Y%m%d}.{suffix}"


@bp.get("/promises/<key>/report.pdf")
@staff_required("report.read")
def promise_report_pdf(lang, key):
    return _export(key, "pdf", lambda doc: build_report_pdf(report_html(doc)))


@bp.get("/promises/<key>/report.xlsx")
@staff_required("report.read")
def promise_report_xlsx(lang, key):
    return _export(key, "xlsx", build_workbook)


def _period_error(promise, error: PeriodError, today):
    """A 400 (malformed) or 404 (not within the promise, or not begun) that lists the periods
    there are, so the next click is the right one."""
    titles = {
        "malformed": _("Perioden ska skrivas som all, ett år (2026) eller ett tertial (2026-T2)"),
        "outside": _("Löftet gäller inte under den perioden"),
        "not_begun": _("Perioden har inte börjat än"),
    }
    body = render_template(
        "staff/report_period.html", title=titles[error.reason], chosen=promise,
        periods=periods_begun(whole(promise), today), today=today,
    )  # fmt: skip
    return body, 400 if error.reason == "malformed" else 404


def _export(key, suffix, build):
    found = records.promise_by_key(db.session, key)
    if found is None:
        abort(404)
    now = site.now()
    today = now.astimezone(timezone()).date()
    asked = request.args.getlist("period")
    try:
        if len(asked) > 1:
            raise PeriodError("malformed")
        period = period_named(whole(found), (asked or [ALL])[0], today)
    except PeriodError as error:
        return _period_error(found, error, today)
    report = board_report(db.session, found, period, timezone(), now)
    body = build(report_document(report, municipality(), page_lang()))
    audit.record(db.session, actor=current_user, action="promise_report.export", obj=found,
                 now=now, after={"format": suffix, "period": period.key})  # fmt: skip
    db.session.commit()
    name = file_name(found, period, today, suffix)
    return body, 200, {"Content-Type": TYPES[suffix],
                       "Content-Disposition": f'attachment; filename="{name}"'}  # fmt: skip
