"""Fuzzing the receipt URL and every form of a case (state, assignee, theme, note, reply,
masking by words, bulk changes): never a 500, and what is stored stays whole."""

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NOW
from tests.support.fuzz import examples
from tests.support.staff import csrf_token, staff_client
from webapp.extensions import db
from webapp.feedback.service import Answers, submit_feedback
from webapp.models import CASE_STATES, Feedback
from webapp.schedule.store import place_by_slug

SETTINGS = settings(
    max_examples=examples(200),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "1", "-1", "99999999999999999999", "team", "none"]),
    st.text(alphabet="ab \r\n\x00\t", min_size=1990, max_size=2010),
)
VALUES = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))


@SETTINGS
@given(code=st.text(max_size=60))
def test_fuzzed_receipt_codes_answer_200_or_404(app, code):
    app.config["RECEIPT_CLIENT_LIMIT"] = "1000000 per minute"

    response = app.test_client().get(f"/sv/feedback/receipt/{quote(code, safe='')}")

    assert response.status_code in (200, 404, 308), (code, response.status_code)


def test_fuzzed_case_forms_never_fail_and_keep_the_case_whole(app):
    item = submit_feedback(
        db.session,
        place=place_by_slug(db.session, "torget"),
        poster=None,
        answers=Answers(comment="Anna Berg ringer 070-123 45 67 i morgon."),
        lang="ar",
        now=NOW,
    )
    db.session.commit()
    url = f"/sv/staff/feedback/{item.id}"
    staff = staff_client(app, "police")
    token = csrf_token(staff, url)
    outcomes = set()

    @SETTINGS
    @given(
        action=st.sampled_from(["/case", "/note", "/reply", "/mask", "bulk"]),
        fields=st.dictionaries(
            st.sampled_from(
                [
                    "state",
                    "assignee",
                    "theme",
                    "note",
                    "reply",
                    "translated",
                    "publish",
                    "word",
                    "item",
                    "action",
                    "back",
                ]
            ),
            VALUES,
        ),  # fmt: skip
    )
    def check(action, fields):
        target = "/sv/staff/feedback/bulk" if action == "bulk" else url + action
        response = staff.post(target, data={"csrf_token": token, **fields})
        assert response.status_code in (302, 400), (action, fields, response.status_code)
        outcomes.add((action, response.status_code))
        db.session.rollback()
        row = db.session.get(Feedback, item.id)
        assert row.state in CASE_STATES
        assert row.comment == "Anna Berg ringer 070-123 45 67 i morgon."
        assert row.published_at is None or row.reply
        assert row.reply is None or (row.reply and "\x00" not in row.reply)

    check()
    rows = db.session.scalars(select(Feedback)).all()
    assert len(rows) == 1
    assert {status for _action, status in outcomes} == {302, 400}
