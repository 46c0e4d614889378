"""One feedback case for staff: open it (read on first opening), set its state, assignee and
theme, write internal notes and a public reply, mask words; and bulk changes from the inbox."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from webapp import site
from webapp.extensions import db
from webapp.feedback import cases, inbox, word_mask
from webapp.feedback.forms import MET_LABELS, REACH_LABELS, SAFETY_LABELS
from webapp.forms import choices
from webapp.masking import MASK
from webapp.models import Feedback, User
from webapp.site import lang as page_lang
from webapp.site import timezone
from webapp.staff import bp
from webapp.staff.auth import current_user, staff_required
from webapp.staff.case_forms import (
    NO_THEME,
    STATE_CHOICES,
    STATE_LABELS,
    TEAM,
    BulkForm,
    CaseForm,
    NoteForm,
    ReplyForm,
    WordsForm,
)
from webapp.tenant import municipality

ITEM = "/feedback/<int(max=2147483647):feedback_id>"
# The answers in words, for the list and the case page.
LABELS = {"met_police": MET_LABELS, "safety": SAFETY_LABELS, "reach_ease": REACH_LABELS}


def _feedback_or_404(feedback_id) -> Feedback:
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None:
        abort(404)
    return feedback


def _themes() -> dict:
    return cases.themes_of(municipality())


def theme_choices() -> list[tuple[str, str]]:
    """The data file's themes as (key, name in the page's language)."""
    themes, lang = _themes(), page_lang()
    return [(key, cases.theme_name(themes, key, lang)) for key in themes]


def _assignee_choices():
    workers = cases.caseworkers(db.session, municipality().id)
    return [(TEAM, _("Gruppen"))] + [(str(u.id), u.email) for u in workers]


def case_form(feedback=None, formdata=None) -> CaseForm:
    form = CaseForm(formdata=formdata) if formdata is not None else CaseForm()
    form.assignee.choices = choices(_assignee_choices())
    form.theme.choices = choices([(NO_THEME, _("Inget tema")), *theme_choices()])
    if feedback is not None and formdata is None:
        form.state.data = feedback.state
        form.assignee.data = str(feedback.assigned_to_id) if feedback.assigned_to_id else TEAM
        form.theme.data = feedback.theme or NO_THEME
    return form


def bulk_form() -> BulkForm:
    form = BulkForm()
    form.action.choices = {
        _("Sätt läge"): [(f"state:{c.value}", c.label) for c in STATE_CHOICES],
        _("Ge till"): [(f"assign:{value}", label) for value, label in _assignee_choices()],
        _("Sätt tema"): [
            (f"theme:{v}", label) for v, label in [(NO_THEME, _("Inget tema")), *theme_choices()]
        ],
    }
    return form


def _render_case(feedback, status=200, **forms):
    reply = ReplyForm()
    if "reply_form" not in forms:
        reply.reply.data, reply.translated.data = feedback.reply, feedback.reply_translated
        reply.publish.data = feedback.published_at is not None
    context = {
        "case_form": case_form(feedback),
        "note_form": NoteForm(),
        "reply_form": reply,
        **forms,
    }
    form = next((f for f in forms.values() if f.errors), None)
    page = render_template(
        "staff/inbox_item.html",
        form=form,
        item=feedback,
        tz=timezone(),
        state_labels=STATE_LABELS,
        labels=LABELS,
        theme=cases.theme_name(_themes(), feedback.theme, page_lang()) if feedback.theme else "",
        mask=MASK,
        **context,
    )
    return page, status


@bp.get(ITEM)
@staff_required("feedback.read")
def inbox_item(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    now = site.now()
    inbox.audit_access(db.session, "feedback.view", actor=current_user, now=now, obj=feedback)
    # The "read when first opened": recorded with the view's own audit entry.
    cases.open_case(db.session, feedback, actor=current_user, now=now)
    db.session.commit()
    return _render_case(feedback)


def _user(value: str) -> User | None:
    return None if value == TEAM else db.session.get(User, int(value))


@bp.post(f"{ITEM}/case")
@staff_required("feedback.handle")
def inbox_case(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = case_form(formdata=request.form)
    if not form.validate():
        return _render_case(feedback, 400, case_form=form)
    now, theme = site.now(), form.theme.data
    changed = [
        cases.set_state(db.session, feedback, form.state.data, actor=current_user, now=now),
        cases.assign(db.session, feedback, _user(form.assignee.data), actor=current_user, now=now),
        cases.set_theme(
            db.session,
            feedback,
            None if theme == NO_THEME else theme,
            _themes(),
            actor=current_user,
            now=now,
        ),
    ]
    db.session.commit()
    flash(_("Ärendet är sparat.") if any(changed) else _("Inget ändrades."))
    return redirect(url_for("staff.inbox_item", feedback_id=feedback.id))


@bp.post(f"{ITEM}/note")
@staff_required("feedback.handle")
def inbox_note(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_case(feedback, 400, note_form=form)
    cases.add_note(db.session, feedback, form.note.data, actor=current_user, now=site.now())
    db.session.commit()
    flash(_("Anteckningen är sparad. Den visas bara för personalen."))
    return redirect(url_for("staff.inbox_item", feedback_id=feedback.id, _anchor="notes-heading"))


@bp.post(f"{ITEM}/reply")
@staff_required("feedback.handle")
def inbox_reply(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_case(feedback, 400, reply_form=form)
    cases.set_reply(
        db.session,
        feedback,
        form.reply.data or "",
        form.translated.data or "",
        publish=form.publish.data,
        actor=current_user,
        now=site.now(),
    )
    db.session.commit()
    flash(_("Svaret är sparat.") if feedback.reply else _("Svaret är borttaget."))
    return redirect(url_for("staff.inbox_item", feedback_id=feedback.id, _anchor="reply-heading"))


@bp.route(f"{ITEM}/mask", methods=["GET", "POST"])
@staff_required("feedback.handle")
def inbox_mask(lang, feedback_id):
    feedback = _feedback_or_404(feedback_id)
    form = WordsForm()
    text = feedback.comment or ""
    spans = word_mask.words(text)
    if request.method == "GET":
        saved = feedback.comment_masked
        form.word.data = sorted(
            word_mask.chosen_in(text, saved) if saved is not None else word_mask.suggested(text)
        )
    elif form.validate_on_submit():
        if all(0 <= index < len(spans) for index in form.word.data):
            masked = word_mask.mask_chosen(text, form.word.data)
            inbox.save_masked_copy(db.session, feedback, masked, actor=current_user, now=site.now())
            db.session.commit()
            flash(_("Den maskerade texten är sparad. Originalet finns kvar."))
            return redirect(url_for("staff.inbox_item", feedback_id=feedback.id))
        form.word.errors.append(_("Välj bland orden i texten"))
    chosen = set(form.word.data or [])
    words = [
        {"index": i, "text": text[start:end], "before": text[spans[i - 1][1] if i else 0 : start]}
        for i, (start, end) in enumerate(spans)
    ]
    status = 400 if form.errors else 200
    page = render_template(
        "staff/inbox_mask.html",
        form=form,
        item=feedback,
        words=words,
        tail=text[spans[-1][1] :] if spans else text,
        chosen=chosen,
        preview=word_mask.mask_chosen(text, chosen),
        mask=MASK,
        tz=timezone(),
    )
    return page, status


def bulk_change(items, action: str) -> int:
    """Apply a bulk form's `action` ("state:handled", "assign:7", "theme:trafik") to `items`,
    validated against the form's choices; how many changed."""
    kind, _sep, value = action.partition(":")
    now, actor = site.now(), current_user
    if kind == "state":
        return sum(cases.set_state(db.session, i, value, actor=actor, now=now) for i in items)
    if kind == "assign":
        user = _user(value)
        return sum(cases.assign(db.session, i, user, actor=actor, now=now) for i in items)
    theme, themes = None if value == NO_THEME else value, _themes()
    return sum(cases.set_theme(db.session, i, theme, themes, actor=actor, now=now) for i in items)
