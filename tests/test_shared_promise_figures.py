"""A promise two municipalities signed, both with a place called "torget": its follow-up
counts every municipality's presence per (municipality, place), never one merged "torget",
and the public page (HTML parsed), the API (JSON), the board's workbook (openpyxl) and its
PDF (read back through the structure tree) hold the same figures, which add up to the
promise's total. The answers table keeps each municipality's places apart and no hidden
group can be solved for from the sums shown.

Everything is rendered once for the module (the PDF is the slow part) and asserted on."""

import io
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from tests.conftest import make_app
from tests.support import tagged_pdf
from tests.support.html import soup
from tests.support.staff import staff_client
from tests.test_feedback_suppression import derivable
from tests.test_police_area_data import load_test_area
from webapp.database import writing
from webapp.extensions import db
from webapp.feedback import cases
from webapp.feedback.service import Answers, submit_feedback
from webapp.models import Municipality, Place, PresenceSlot, working_at

TZ = ZoneInfo("Europe/Stockholm")
KEY = "gemensamt-2027-2028"
PINNED = datetime(2027, 5, 20, 10, 0, tzinfo=UTC)  # T1 2027 has closed, T2 is running
COLUMNS = ("planned", "held", "not_held", "cancelled", "unreported", "upcoming")
NAMES = {"savsjo": "Sävsjö kommun", "vastby": "Västby kommun"}

# (municipality, place, start in UTC, hours, what happened): the only slots in these tests.
SLOTS = [
    ("savsjo", "torget", datetime(2027, 2, 5, 12, tzinfo=UTC), 1, {"held": True}),
    ("savsjo", "torget", datetime(2027, 3, 5, 12, tzinfo=UTC), 1, {"held": True}),
    ("savsjo", "torget", datetime(2027, 4, 2, 12, tzinfo=UTC), 1,
     {"status": "cancelled", "note": "Sjukdom"}),
    ("savsjo", "resecentrum", datetime(2027, 3, 10, 15, tzinfo=UTC), 2, {"held": True}),
    ("vastby", "torget", datetime(2027, 2, 6, 10, tzinfo=UTC), 2, {"held": True}),
    ("vastby", "torget", datetime(2027, 3, 6, 10, tzinfo=UTC), 1,
     {"held": False, "outcome_reason": "Larm"}),
    ("vastby", "torget", datetime(2027, 5, 8, 10, tzinfo=UTC), 1, {}),  # passed, unreported
    ("vastby", "hamnen", datetime(2027, 2, 10, 16, tzinfo=UTC), 1, {"held": True}),
    ("vastby", "hamnen", datetime(2027, 6, 2, 15, tzinfo=UTC), 1, {}),  # still to come
]  # fmt: skip
# (municipality, place) -> answers in T1 2027: Västby's torget is the one small group.
ANSWERS = {
    ("savsjo", "poliskontoret"): 5,
    ("savsjo", "torget"): 6,
    ("savsjo", "resecentrum"): 8,
    ("savsjo", "biblioteket"): 9,
    ("vastby", "polishuset"): 10,
    ("vastby", "torget"): 3,
    ("vastby", "hamnen"): 7,
}
HANDLED_AFTER = {("savsjo", "torget"): 2, ("vastby", "hamnen"): 20}  # days, every T1 answer
# Theme "trafik" on every T1 answer at these places. It is each municipality's own theme,
# named in its own file: Sävsjö's "Trafik", and here Västby's "Trafik och parkering".
THEMED = {("savsjo", "torget"): 6, ("vastby", "hamnen"): 3}
# Replies staff chose to publish: one at Västby's office, which comes first among its places.
PUBLISHED = {("vastby", "torget", 0), ("vastby", "polishuset", 0)}
# In T2 2027, still running: Västby has fewer than 5, so Sävsjö's are withheld beside them.
T2_ANSWERS = {("savsjo", "torget"): 6, ("vastby", "hamnen"): 2}


def tally(rows) -> tuple:
    """(planned, held, not held, cancelled, unreported, upcoming, held h, planned h) of SLOTS
    rows, counted here at the pinned time."""
    out = Counter()
    for _town, _place, start, hours, o in rows:
        out["planned"] += 1
        passed = start + timedelta(hours=hours) <= PINNED
        state = ("cancelled" if o.get("status") == "cancelled" else "held" if o.get("held")
                 else "not_held" if o.get("held") is False
                 else "unreported" if passed else "upcoming")  # fmt: skip
        out[state] += 1
        out["held_h"] += hours if state == "held" else 0
        out["planned_h"] += hours if state != "cancelled" else 0
    return (*(out[c] for c in COLUMNS), out["held_h"], out["planned_h"])


EXPECTED = {  # (municipality, place) -> tally, for every presence place of both
    (town, slug): tally([r for r in SLOTS if r[:2] == (town, slug)])
    for town, slug in [("savsjo", "torget"), ("savsjo", "resecentrum"),
                       ("savsjo", "biblioteket"), ("vastby", "torget"), ("vastby", "hamnen")]
}  # fmt: skip
TOTAL = tally(SLOTS)


def _place(town: str, slug: str) -> Place:
    return db.session.scalar(
        select(Place).join(Municipality, Place.municipality_id == Municipality.id)
        .where(Municipality.slug == town, Place.slug == slug)
    )  # fmt: skip


def _arrange():
    load_test_area()
    vastby = db.session.scalar(select(Municipality).where(Municipality.slug == "vastby"))
    themes = [{"key": "trafik", "name": {"sv": "Trafik och parkering"}}]
    vastby.translations = {**vastby.translations, "feedback_themes": themes}
    db.session.execute(delete(PresenceSlot))
    for town, slug, starts, hours, outcome in SLOTS:
        db.session.add(PresenceSlot(
            place_id=_place(town, slug).id, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), created_at=starts - timedelta(days=30),
            updated_at=starts, **outcome,
        ))  # fmt: skip
    for (town, slug), count in ANSWERS.items():
        for n in range(count):
            received = datetime(2027, 2, 1 + n, 9, tzinfo=UTC)
            item = submit_feedback(db.session, place=_place(town, slug), poster=None,
                                   answers=Answers(safety=4), lang="sv", now=received)  # fmt: skip
            if n < THEMED.get((town, slug), 0):
                item.theme = "trafik"
            if (town, slug, n) in PUBLISHED:  # a reply staff chose to publish
                item.reply, item.published_at = "Vi ser över belysningen.", received
            if (town, slug) in HANDLED_AFTER:
                days = timedelta(days=HANDLED_AFTER[(town, slug)])
                cases.set_state(db.session, item, "handled", actor=None, now=received + days)
    for (town, slug), count in T2_ANSWERS.items():
        for n in range(count):
            submit_feedback(db.session, place=_place(town, slug), poster=None,
                            answers=Answers(safety=4), lang="sv",
                            now=datetime(2027, 5, 2 + n, 9, tzinfo=UTC))  # fmt: skip
    db.session.commit()


@pytest.fixture(scope="module")
def outputs(sqlite_template, tmp_path_factory):
    """Every surface of the shared promise, rendered once."""
    path = tmp_path_factory.mktemp("shared") / "narvaro.db"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", NOW=PINNED)
    with app.app_context():
        working_at(db.session, PINNED)
        with writing():
            _arrange()
        client, staff = app.test_client(), staff_client(app, "municipality")
        query = f"/sv/staff/promises/{KEY}/report"
        yield {
            "page": soup(client.get(f"/sv/promises/{KEY}")),
            "other_page": soup(client.get(f"/vastby/sv/promises/{KEY}")),
            "api": client.get(f"/api/v1/promises/{KEY}").get_json(),
            "other_api": client.get(f"/vastby/api/v1/promises/{KEY}").get_json(),
            "openapi": client.get("/api/v1/openapi.json").get_json(),
            "book": load_workbook(io.BytesIO(staff.get(f"{query}.xlsx?period=all").data)),
            "pdf": tagged_pdf.read(staff.get(f"{query}.pdf?period=all").data).tables(),
            "municipalities": {m.slug: m.id for m in db.session.scalars(select(Municipality))},
        }
        db.session.remove()
        db.engine.dispose()


def _number(text: str) -> float:
    return float(text.replace(",", ".").replace("\u2212", "-"))


def _page_figures(page) -> dict:
    out = {}
    for town in NAMES:
        table = page.find(id=f"presence-{town}")
        for tr in table.select("tbody tr"):
            out[(town, tr["data-place"])] = tuple(_number(td.get_text()) for td in tr("td"))
        out[(town, None)] = tuple(
            _number(td.get_text()) for td in table.select_one("tfoot tr")("td")
        )
    return out


def test_the_page_shows_each_municipalitys_places_apart(outputs):
    page = outputs["page"]
    figures = _page_figures(page)
    captions = [page.find(id=f"presence-{t}").caption.get_text(strip=True) for t in NAMES]
    total = tuple(_number(td.get_text()) for td in page.select_one("#presence-total")("td"))

    assert captions == [f"Polisens närvaro per plats: {name}" for name in NAMES.values()]
    assert {k: v for k, v in figures.items() if k[1]} == EXPECTED
    for town in NAMES:
        own = [v for (t, p), v in EXPECTED.items() if t == town]
        assert figures[(town, None)] == tuple(map(sum, zip(*own, strict=True)))
    assert total == TOTAL == tuple(map(sum, zip(*EXPECTED.values(), strict=True)))
    assert _page_figures(outputs["other_page"]) == figures  # the same on Västby's site


def test_the_api_holds_the_same_figures_per_municipality_and_place(outputs):
    activity = next(a for a in outputs["api"]["activities"] if a["measure"] == "presence")
    fields = (*COLUMNS, "held_hours", "planned_hours")
    by_place = {
        (m["municipality"], p["place"]): tuple(p["presence"][f] for f in fields)
        for m in activity["presence_by_municipality"] for p in m["places"]
    }  # fmt: skip

    assert [m["municipality"] for m in activity["presence_by_municipality"]] == list(NAMES)
    assert [m["name"] for m in activity["presence_by_municipality"]] == list(NAMES.values())
    assert by_place == EXPECTED
    assert tuple(activity["presence"][f] for f in fields) == TOTAL
    assert outputs["other_api"] == outputs["api"]


def test_the_api_answer_is_as_documented(outputs):
    from tests.test_api import response_schema, validator

    document = outputs["openapi"]
    schema = response_schema(document, "/api/v1/promises/{id}")
    errors = [e.message for e in validator(document, schema).iter_errors(outputs["api"])]

    assert outputs["api"]["response_times_by_municipality"]  # the shared parts are there
    assert errors == []


def test_the_workbook_holds_the_same_figures_per_municipality_and_place(outputs):
    rows = [tuple(r) for r in outputs["book"]["Löfte 1"].iter_rows(values_only=True)]
    firsts = [r[0] for r in rows]
    for town, name in NAMES.items():
        title = next(t for t in firsts if t and t.endswith(f": {name}, per plats"))
        start = firsts.index(title) + 2
        body = rows[start : firsts.index(None, start) if None in firsts[start:] else None]
        places = {p.text("name", "sv"): p.slug for p in _places(outputs, town)}
        found = {(town, places[r[0]]): tuple(r[1:9]) for r in body[:-1]}

        assert body[-1][0] == "Hela kommunen"
        assert found == {k: v for k, v in EXPECTED.items() if k[0] == town}
        assert tuple(body[-1][1:9]) == tuple(map(sum, zip(*found.values(), strict=True)))


def _places(outputs, town):
    return db.session.scalars(
        select(Place).where(Place.municipality_id == outputs["municipalities"][town])
    ).all()


def test_the_pdf_holds_the_same_figures_per_municipality_and_place(outputs):
    tables = outputs["pdf"]
    summed = [0] * len(TOTAL)
    for town, name in NAMES.items():
        title = next(t for t in tables if t and t.endswith(f": {name}, per plats"))
        header, *body = tables[title]
        places = {p.text("name", "sv"): p.slug for p in _places(outputs, town)}
        found = {(town, places[r[0]]): tuple(map(_number, r[1:])) for r in body[:-1]}

        assert header[0] == "Plats"
        assert found == {k: v for k, v in EXPECTED.items() if k[0] == town}
        assert body[-1][0] == "Hela kommunen"
        summed = [a + _number(b) for a, b in zip(summed, body[-1][1:], strict=True)]
    assert tuple(summed) == TOTAL


def _answers(page, tertial="2027-T1") -> tuple[dict, list]:
    """{(municipality heading, place): text} of the answers table, and its headings."""
    table = page.find(id=f"feedback-{tertial}")
    out, headings = {}, []
    for body in table("tbody"):
        heading = body.select_one("th[scope=rowgroup]")
        town = heading.get_text(strip=True) if heading else None
        headings.append(town)
        for tr in body("tr"):
            if tr.td is not None:
                out[(town, tr.th.get_text(strip=True))] = tr.td.get_text(strip=True)
    return out, headings


def test_the_answers_keep_each_municipalitys_torget_apart_and_cannot_be_solved(outputs):
    cells, headings = _answers(outputs["page"])
    shown = {key for key, text in cells.items() if text.isdigit()}
    places = [key for key in cells if key[0] is not None]

    assert headings == [*NAMES.values(), None]
    assert cells[("Sävsjö kommun", "Torget")] == "6"
    assert cells[("Västby kommun", "Västby torg")] == "färre än 5"
    assert cells[("Västby kommun", "Hamnen")] == "7"
    assert cells[("Sävsjö kommun", "Poliskontoret i Sävsjö")] == "visas inte"  # the smallest shown
    assert cells[(None, "Alla platser")] == str(sum(ANSWERS.values()))
    assert derivable(cells, shown, [(places, (None, "Alla platser"))]) == set()


def test_the_board_answers_table_names_each_places_municipality_and_cannot_be_solved(outputs):
    rows = [tuple(r) for r in outputs["book"]["Synpunkter"].iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Svar per plats och tertial") + 1
    header, *body = rows[start : [r[0] for r in rows].index(None, start)]
    cells = {((town, place), period): value for period, town, place, value, *_ in body}
    shown = {key for key, value in cells.items() if isinstance(value, int)}
    periods = list(dict.fromkeys(period for _row, period in cells))
    tertials, whole = periods[:-1], periods[-1]
    places = list(dict.fromkeys(row for row, _p in cells if row[0] is not None))
    everywhere = (None, "Alla platser")
    sums = [([(p, t) for p in places], (everywhere, t)) for t in periods]
    sums += [([(p, t) for t in tertials], (p, whole)) for p in [*places, everywhere]]

    assert header[:4] == ("Period", "Kommun", "Plats", "Svar")
    assert (tertials, whole) == (["T1 2027", "T2 2027"], "Hela perioden")
    assert places == [
        ("Sävsjö kommun", "Poliskontoret i Sävsjö"), ("Sävsjö kommun", "Torget"),
        ("Sävsjö kommun", "Resecentrum"), ("Sävsjö kommun", "Biblioteket"),
        ("Västby kommun", "Polishuset i Västby"), ("Västby kommun", "Västby torg"),
        ("Västby kommun", "Hamnen"),
    ]  # fmt: skip
    assert cells[(("Västby kommun", "Västby torg"), "T1 2027")] == "färre än 5"
    assert derivable(cells, shown, sums) == set()


# (received, handled, handled within 14 days, median days) in T1 2027, counted from the
# arrangement above: Sävsjö's torget answered in 2 days, Västby's hamnen in 20.
T1_TIMES = {
    "savsjo": (28, 6, 6, 2.0),
    "vastby": (20, 7, 0, 20.0),
    None: (48, 13, 6, 20.0),
}


def _times_cells(tr) -> tuple:
    texts = [td.get_text(strip=True) for td in tr("td")]
    if len(texts) != 4:
        return texts[0]  # "färre än 5" or "visas inte"
    return tuple(None if t == "–" else _number(t) for t in texts)


def test_response_times_are_shown_per_municipality_and_cannot_be_solved(outputs):
    page = outputs["page"]
    t1 = {town: _times_cells(page.find(id=f"response-times-{town}-2027-T1")) for town in NAMES}
    t2 = {town: _times_cells(page.find(id=f"response-times-{town}-2027-T2")) for town in NAMES}
    total_t2 = _times_cells(page.find(id="response-times-2027-T2"))
    cells = {**t2, None: total_t2}

    assert t1 | {None: _times_cells(page.find(id="response-times-2027-T1"))} == T1_TIMES
    assert t2 == {"vastby": "färre än 5", "savsjo": "visas inte"}
    assert total_t2[0] == sum(T2_ANSWERS.values())
    shown = {key for key, value in cells.items() if isinstance(value, tuple)}
    assert derivable(cells, shown, [(list(NAMES), None)]) == set()


def test_the_api_and_the_workbook_give_the_same_response_times_per_municipality(outputs):
    apart = {m["municipality"]: {r["tertial"]: r for r in m["response_times"]}
             for m in outputs["api"]["response_times_by_municipality"]}  # fmt: skip
    fields = ("received", "handled", "handled_within_14_days", "median_days_to_handled")
    rows = [tuple(r) for r in outputs["book"]["Synpunkter"].iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Hur snabbt synpunkterna hanteras") + 1
    header, *body = rows[start:]
    book = {(r[0], r[1]): r[2:6] for r in body if r[0]}

    assert {town: tuple(apart[town]["2027-T1"][f] for f in fields) for town in NAMES} == {
        town: T1_TIMES[town] for town in NAMES
    }
    assert (apart["vastby"]["2027-T2"]["fewer_than_5"], apart["savsjo"]["2027-T2"]["withheld"]) == (
        True, True
    )  # fmt: skip
    assert apart["savsjo"]["2027-T2"]["received"] is None
    assert header[:3] == ("Tertial", "Kommun", "Inkomna")
    assert {town: book[("T1 2027", name)] for town, name in NAMES.items()} == {
        town: T1_TIMES[town] for town in NAMES
    }
    assert book[("T1 2027", "Totalt")] == T1_TIMES[None]
    assert book[("T2 2027", "Sävsjö kommun")][0] == "visas inte"
    assert book[("T2 2027", "Västby kommun")][0] == "färre än 5"


def _themes(page, town, tertial="2027-T1") -> tuple[str, list, dict]:
    """(caption, column headings, {place: [cells]}) of one municipality's themes table."""
    table = page.find(id=f"themes-{town}-{tertial}")
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr("td")]
            for tr in table.select("tbody tr, tfoot tr")}  # fmt: skip
    return (table.caption.get_text(strip=True),
            [th.get_text(strip=True) for th in table.thead("th")], rows)  # fmt: skip


def test_the_themes_are_counted_and_named_per_municipality(outputs):
    for page in (outputs["page"], outputs["other_page"]):
        assert _themes(page, "savsjo") == (
            "Teman per plats: Sävsjö kommun, T1 2027",
            ["Plats", "Trafik", "Alla teman"],
            {"Torget": ["6", "6"], "Alla platser": ["6", "6"]},
        )
        assert _themes(page, "vastby") == (
            "Teman per plats: Västby kommun, T1 2027",
            ["Plats", "Trafik och parkering", "Alla teman"],
            {"Hamnen": ["färre än 5", "färre än 5"],
             "Alla platser": ["färre än 5", "färre än 5"]},
        )  # fmt: skip
        assert page.find(id="themes-2027-T1") is None  # no count of both municipalities'


def test_the_api_names_the_municipality_of_every_theme_count(outputs):
    counts = {(c["tertial"], c["municipality"], c["place"], c["theme"]): (c["count"],
                                                                           c["fewer_than_5"])
              for c in outputs["api"]["themes_raised"]}  # fmt: skip

    assert counts == {
        ("2027-T1", "savsjo", "torget", "trafik"): (6, False),
        ("2027-T1", "savsjo", "torget", None): (6, False),
        ("2027-T1", "savsjo", None, "trafik"): (6, False),
        ("2027-T1", "savsjo", None, None): (6, False),
        ("2027-T1", "vastby", "hamnen", "trafik"): (None, True),
        ("2027-T1", "vastby", "hamnen", None): (None, True),
        ("2027-T1", "vastby", None, "trafik"): (None, True),
        ("2027-T1", "vastby", None, None): (None, True),
    }
    assert len(outputs["api"]["themes_raised"]) == len(counts)
    assert outputs["other_api"]["themes_raised"] == outputs["api"]["themes_raised"]


def test_published_replies_name_their_places_municipality(outputs):
    groups = outputs["page"].select("#you-said .replies-at-place")

    # Every signatory's office and places in order: Västby's office before its square.
    assert [g.h4.get_text(strip=True) for g in groups] == [
        "Svar, Västby kommun: Polishuset i Västby", "Svar, Västby kommun: Västby torg"
    ]  # fmt: skip
    assert [g.h4["id"] for g in groups] == [
        "replies-2027-T1-vastby-polishuset", "replies-2027-T1-vastby-torget"
    ]  # fmt: skip


def test_the_board_report_is_for_every_municipality_that_signed(outputs):
    cover = [r[0] for r in outputs["book"]["Rapport"].iter_rows(values_only=True)]

    assert cover[1] == "Sävsjö kommun och Västby kommun"
    assert outputs["book"].properties.creator == "Sävsjö kommun och Västby kommun"


def test_the_board_themes_table_names_each_places_municipality(outputs):
    rows = [tuple(r) for r in outputs["book"]["Synpunkter"].iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Teman per plats och tertial") + 2
    places = {r[1] for r in rows[start:] if r[0] == "T1 2027"}

    themes = {(r[1], r[2]) for r in rows[start:] if r[0] == "T1 2027" and r[2] != "Alla teman"}

    assert places == {"Sävsjö kommun: Torget", "Sävsjö kommun: Alla platser",
                      "Västby kommun: Hamnen", "Västby kommun: Alla platser"}  # fmt: skip
    assert themes == {
        ("Sävsjö kommun: Torget", "Trafik"), ("Sävsjö kommun: Alla platser", "Trafik"),
        ("Västby kommun: Hamnen", "Trafik och parkering"),
        ("Västby kommun: Alla platser", "Trafik och parkering"),
    }  # fmt: skip
