"""Fuzzing the feedback form and the poster URLs with hypothesis: thousands of inputs, no 500,
and a submission either stores one complete, consistent row or nothing at all."""

from datetime import timedelta
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import make_poster
from tests.support.fuzz import examples
from webapp.extensions import db
from webapp.feedback.tokens import make_token
from webapp.models import Feedback, PosterScan

FIELDS = [
    "met_police",
    "safety",
    "reach_ease",
    "comment",
    "wants_contact",
    "contact_name",
    "contact_details",
    "contact_consent",
    "leave_empty",
    "csrf_token",
    "unknown",
]
LIKELY = [
    "",
    "met",
    "saw",
    "no",
    "1",
    "3",
    "5",
    "0",
    "6",
    "-1",
    "y",
    "on",
    "false",
    "070-123 45 67",
    "anna@example.se",
    '=HYPERLINK("x")',
    " \x00 ",
    "\r\n",
]
VALUE = st.one_of(
    st.sampled_from(LIKELY),
    st.text(max_size=40),
    st.text(alphabet="ab \r\n\x00\t", min_size=1990, max_size=2010),
)


def _answer(*good):
    """Mostly a real option, sometimes anything at all, sometimes several values."""
    return st.one_of(
        st.sampled_from(good), st.sampled_from(good), VALUE, st.lists(VALUE, min_size=2, max_size=3)
    )


SCALE = ("1", "2", "3", "4", "5")
CHECKED = ("y", "on", "1")
ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "met_police": _answer("met", "saw", "no"),
        "safety": _answer(*SCALE),
        "reach_ease": _answer(*SCALE),
        "comment": _answer("Bra att ni syns.", "Ring 070-123 45 67", "  mellanslag  "),
    },
)
# Contact details: usually none; else the whole group, each part sometimes wrong or missing.
CONTACT = st.one_of(
    st.just({}),
    st.just({}),
    st.fixed_dictionaries(
        {"wants_contact": _answer(*CHECKED), "contact_details": _answer("070-123 45 67")},
        optional={
            "contact_name": _answer("Anna", ""),
            "contact_consent": _answer(*CHECKED),
        },
    ),
)
EXTRAS = st.fixed_dictionaries(
    {},
    optional={
        # The honeypot: usually empty, as people leave it; a bot fills it.
        "leave_empty": st.sampled_from(["", "", "", " ", "http://spam.example", "x"]),
        "csrf_token": VALUE,
        "unknown": VALUE,
    },
)
FORM = st.builds(
    lambda *parts: {k: v for part in parts for k, v in part.items()}, ANSWERS, CONTACT, EXTRAS
)
SUBMISSIONS = examples(300)
SETTINGS = settings(
    max_examples=SUBMISSIONS,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Feedback.id)))


def _check_consistent(row: Feedback) -> None:
    """A stored row is whole: answers in range, contact only with consent, clean text."""
    assert row.met_police in (None, "met", "saw", "no")
    assert row.safety in (None, 1, 2, 3, 4, 5)
    assert row.reach_ease in (None, 1, 2, 3, 4, 5)
    assert row.met_police or row.safety or row.reach_ease or row.comment
    assert len(row.comment) <= 2000
    assert "\x00" not in row.comment and "\r\n" not in row.comment
    assert row.comment == row.comment.strip()
    assert row.wants_contact == row.contact_consent
    if row.wants_contact:
        assert row.contact_details
    else:
        assert (row.contact_name, row.contact_details) == (None, None)
    assert row.created_at == NOW + timedelta(seconds=30)
    assert row.place.slug == "torget"


def test_fuzzed_submissions_never_fail_and_never_half_save(app):
    app.config["FEEDBACK_CLIENT_LIMIT"] = "1000000 per minute"
    app.config["FEEDBACK_ALL_CLIENTS_LIMIT"] = "1000000 per minute"
    poster = make_poster("torget")
    urls = ["/sv/feedback/torget", f"/en/feedback/torget/{poster.code}"]
    codes = dict(zip(urls, [None, poster.code], strict=True))
    app.config["NOW"] = NOW + timedelta(seconds=30)
    client = app.test_client()
    seen = {"saved": 0, "refused": 0, "honeypot": 0}

    @SETTINGS
    @given(
        form=FORM,
        url=st.sampled_from(urls),
        token=st.one_of(st.just("valid"), st.just("valid"), st.just("valid"), st.text(max_size=60)),
    )
    def check(form, url, token):
        before = _rows()
        if token == "valid":  # a form shown 30 seconds ago; each token sends once
            token = make_token("test-secret", place_slug="torget", poster_code=codes[url], now=NOW)
        data = {**form, "token": token}

        response = client.post(url, data=data)

        after = _rows()
        assert response.status_code in (303, 400), response.status_code
        assert after - before in (0, 1)
        trapped = response.status_code == 303 and after == before
        if after - before == 1:
            assert response.status_code == 303
            assert response.headers["Location"].startswith(url.split("/torget")[0])
            row = db.session.scalars(select(Feedback).order_by(Feedback.id.desc())).first()
            _check_consistent(row)
            seen["saved"] += 1
        elif trapped:
            assert form.get("leave_empty")  # only the honeypot pretends
            seen["honeypot"] += 1
        else:
            seen["refused"] += 1

    check()
    print(f"fuzzed feedback outcomes: {seen}")

    # The fuzzing reached all three outcomes, not just the error page.
    assert all(count > SUBMISSIONS // 10 for count in seen.values()), seen


@settings(
    max_examples=examples(150),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    code=st.text(max_size=30),
    slug=st.one_of(st.sampled_from(["torget", "poliskontoret"]), st.text(max_size=20)),
)
def test_fuzzed_poster_and_form_urls_answer_303_200_or_404(app, code, slug):
    client = app.test_client()

    scan = client.get("/q/" + quote(code, safe=""))
    form = client.get(f"/sv/feedback/{quote(slug, safe='')}/{quote(code, safe='')}")

    # 308: werkzeug merges the double slash of an encoded "/" (/q//x -> /q/x).
    assert scan.status_code in (303, 308, 404), (code, scan.status_code)
    assert form.status_code in (200, 308, 404), (slug, code, form.status_code)
    assert db.session.scalar(select(func.count(PosterScan.id))) == 0
