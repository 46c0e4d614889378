"""Complementary suppression: in every table of answers the public sees, no group shown as
"färre än 5" (or withheld beside one) can be worked out from the groups and totals shown. The
tests solve for each hidden cell with the table's row and column sums, exactly (fractions)."""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.support.fuzz import examples
from tests.support.html import soup
from webapp.promise.followup import FeedbackGroup, withhold_derivable
from webapp.promise.periods import Period
from webapp.promise.suppression import MIN_GROUP


def _kernel(rows: list[list[Fraction]], width: int) -> list[list[Fraction]]:
    """A basis of the solutions of rows · x = 0 (Gauss–Jordan over the rationals)."""
    rows = [list(r) for r in rows if any(r)]
    pivots, rank = [], 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        rows[rank] = [v / rows[rank][column] for v in rows[rank]]
        for i in range(len(rows)):
            if i != rank and rows[i][column]:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        pivots.append(column)
        rank += 1
    basis = []
    for free in (c for c in range(width) if c not in pivots):
        vector = [Fraction(0)] * width
        vector[free] = Fraction(1)
        for row, column in zip(rows, pivots, strict=False):
            vector[column] = -row[free]
        basis.append(vector)
    return basis


def derivable(cells: dict, shown: set, sums: list[tuple[list, object]]) -> set:
    """The hidden cells the sums determine (shown cells move to the other side): those that
    every solution of the sums' equations without their right-hand sides leaves at 0, so
    that any two fillings of the hidden cells that fit the sums agree on them."""
    hidden = [key for key in cells if key not in shown]
    index = {key: i for i, key in enumerate(hidden)}
    equations = []
    for parts, total in sums:
        row = [Fraction(0)] * len(hidden)
        for key in (*parts, total):
            if key in index:
                row[index[key]] += -1 if key == total else 1
        equations.append(row)
    kernel = _kernel(equations, len(hidden))
    return {key for key, i in index.items() if all(v[i] == 0 for v in kernel)}


class _Figures:
    def __init__(self, responses):
        self.responses = responses


class _Place:
    def __init__(self, slug, municipality_id=1):
        self.slug, self.municipality_id = slug, municipality_id


TERTIALS = [
    Period("tertial", date(2026, 1, 1), date(2026, 4, 30), 2026, 1),
    Period("tertial", date(2026, 5, 1), date(2026, 8, 31), 2026, 2),
    Period("tertial", date(2026, 9, 1), date(2026, 12, 31), 2026, 3),
]
YEAR = Period("year", date(2026, 1, 1), date(2026, 12, 31), 2026)


def _table(counts: list[list[int]], with_year: bool):
    """Groups for places × tertials (plus all places, plus the year when asked), suppressed."""
    places = [_Place(f"p{i}") for i in range(len(counts))]
    periods = [*TERTIALS[: len(counts[0])], *([YEAR] if with_year else [])]
    groups = []
    for n, period in enumerate(periods):
        column = [row[n] if period.kind == "tertial" else sum(row) for row in counts]
        groups += [
            FeedbackGroup(p, period, _Figures(c)) for p, c in zip(places, column, strict=True)
        ]
        groups.append(FeedbackGroup(None, period, _Figures(sum(column))))
    withhold_derivable(groups)
    cells = {(g.place.slug if g.place else None, g.period.key): g for g in groups}
    tertial_keys = [t.key for t in periods if t.kind == "tertial"]
    rows = [p.slug for p in places] + [None]
    sums = [([(r, k) for r in rows[:-1]], (None, k)) for k in [p.key for p in periods]]
    if with_year:
        sums += [([(r, k) for k in tertial_keys], (r, YEAR.key)) for r in rows]
    return cells, sums


@settings(max_examples=examples(300), deadline=None, derandomize=True)
@given(
    counts=st.integers(1, 4).flatmap(
        lambda places: st.integers(1, 3).flatmap(
            lambda tertials: st.lists(
                st.lists(st.integers(0, 14), min_size=tertials, max_size=tertials),
                min_size=places,
                max_size=places,
            )
        )
    ),
    with_year=st.booleans(),
)
def test_no_hidden_group_can_be_solved_for_from_the_sums_shown(counts, with_year):
    cells, sums = _table(counts, with_year and len(counts[0]) > 1)
    shown = {key for key, g in cells.items() if g.shown}

    assert derivable(cells, shown, sums) == set()
    assert all(g.shown or g.withheld or g.responses < MIN_GROUP for g in cells.values())
    assert {key for key, g in cells.items() if g.responses < MIN_GROUP} & shown == set()


def test_the_issues_example_no_longer_gives_one_residents_answers():
    """3 answers at one place, 10 and 8 at the others, total 21: before, 21 - 10 - 8 = 3."""
    cells, sums = _table([[3], [10], [8]], with_year=False)

    assert [(key[0], g.shown, g.small) for key, g in cells.items()] == [
        ("p0", False, True),
        ("p1", True, False),
        ("p2", False, False),  # withheld: the smallest other group
        (None, True, False),
    ]


def test_the_public_page_table_cannot_be_solved(app, client):
    from webapp.extensions import db
    from webapp.feedback.service import Answers, submit_feedback
    from webapp.schedule.store import all_places

    places = all_places(db.session)
    counts = [3, 10, 8] + [9] * (len(places) - 3)  # one small group, the rest shown
    for place, count in zip(places, counts, strict=True):
        for _ in range(count):
            submit_feedback(
                db.session,
                place=place,
                poster=None,
                answers=Answers(safety=4),
                lang="sv",
                now=datetime(2026, 10, 1, 9, tzinfo=UTC),
            )
    db.session.commit()

    table = soup(client.get("/sv/promises/2025-2026")).find(id="feedback-2026-T3")
    rows = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in table.select("tbody tr")
    }
    values = {name: int(text) for name, text in rows.items() if text.isdigit()}
    hidden = [name for name, text in rows.items() if not text.isdigit()]
    names = [p.name for p in places]

    assert rows[names[0]] == "färre än 5"
    assert rows[names[2]] == "visas inte"
    assert values["Alla platser"] == sum(counts)
    # One equation (the places add up to the total) and two or more unknowns: none solvable.
    assert len(hidden) >= 2
    cells = {name: None for name in rows}
    assert derivable(cells, set(values), [(names, "Alla platser")]) == set()


@pytest.mark.parametrize("period", ["2026"])
def test_the_board_workbook_table_cannot_be_solved(app, period):
    import io

    from openpyxl import load_workbook

    from tests.factories import load_test_promises
    from tests.support.staff import staff_client
    from webapp.extensions import db
    from webapp.feedback.service import Answers, submit_feedback
    from webapp.schedule.store import all_places

    load_test_promises()
    places = all_places(db.session)
    plan = {  # place index -> answers in T1, T2, T3
        0: (6, 3, 7),
        1: (5, 9, 0),
        2: (0, 0, 2),
    }
    months = (2, 6, 10)
    for i, answers in plan.items():
        for month, count in zip(months, answers, strict=True):
            for _ in range(count):
                submit_feedback(
                    db.session,
                    place=places[i],
                    poster=None,
                    answers=Answers(safety=3),
                    lang="sv",
                    now=datetime(2026, month, 2, 9, tzinfo=UTC),
                )
    db.session.commit()
    staff = staff_client(app, "municipality")

    book = load_workbook(
        io.BytesIO(staff.get(f"/sv/staff/promises/p2026/report.xlsx?period={period}").data)
    )
    rows = [tuple(r) for sheet in book for r in sheet.iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Svar per plats och tertial") + 2
    table = []
    for row in rows[start:]:
        if row[0] is None:
            break
        table.append(row[:3])
    cells = {(place, label): value for label, place, value in table}
    shown = {key for key, value in cells.items() if isinstance(value, int)}
    labels = list(dict.fromkeys(label for _p, label in cells))
    tertials, whole = labels[:-1], labels[-1]
    place_names = list(dict.fromkeys(p for p, _l in cells if p != "Alla platser"))
    sums = [([(p, t) for p in place_names], ("Alla platser", t)) for t in labels]
    sums += [([(p, t) for t in tertials], (p, whole)) for p in [*place_names, "Alla platser"]]

    assert len(tertials) == 3
    assert any(value == "färre än 5" for value in cells.values())
    assert derivable(cells, shown, sums) == set()


@settings(max_examples=examples(200), deadline=None, derandomize=True)
@given(
    counts=st.integers(1, 3).flatmap(
        lambda tertials: st.lists(
            st.lists(st.integers(0, 12), min_size=tertials, max_size=tertials),
            min_size=2,
            max_size=4,
        )
    )
)
def test_no_signatorys_response_times_can_be_solved_for(counts):
    """A shared promise's response times: each signatory per tertial beside the total."""
    from webapp.promise.followup import withhold_times
    from webapp.promise.you_said import ResponseTimes, SignatoryTimes

    towns = [f"town{i}" for i in range(len(counts))]
    periods = TERTIALS[: len(counts[0])]
    apart = [
        (t, [SignatoryTimes(town, t, ResponseTimes(received=row[n]))
             for town, row in zip(towns, counts, strict=True)])
        for n, t in enumerate(periods)
    ]  # fmt: skip
    totals = [(t, ResponseTimes(received=sum(r.responses for r in rows))) for t, rows in apart]
    withhold_times(apart, totals)
    cells = {(r.municipality, t.key): r for t, rows in apart for r in rows}
    cells |= {(None, t.key): total for t, total in totals}
    shown = {key for key, r in cells.items() if not r.small and not getattr(r, "withheld", False)}
    sums = [([(town, t.key) for town in towns], (None, t.key)) for t in periods]

    assert derivable(cells, shown, sums) == set()
    assert {key for key, r in cells.items() if r.small} & shown == set()


# --- The themes residents raised: places × themes, with each row's and column's total ---


class _Item:
    """Feedback as the themes table reads it: a place and a theme."""

    def __init__(self, place, theme):
        self.place, self.theme = place, theme


THEMES = ("bemotande", "narkotika", "trafik", "trygghet")


def _theme_table(counts: list[list[int]]):
    """The suppressed table for places × themes with these counts, and the sums it shows
    (keyed by place slug or None, theme or None, as the page's rows and columns are)."""
    from webapp.promise.you_said import theme_table

    places = [_Place(f"p{i}") for i in range(len(counts))]
    items = [
        _Item(place, theme)
        for place, row in zip(places, counts, strict=True)
        for theme, count in zip(THEMES, row, strict=False)
        for _ in range(count)
    ]
    table = theme_table(items, places)
    if table is None:
        return None, {}, []
    rows = [(p.municipality_id, p.slug) for p in table.places]  # as the cells are keyed
    cells = dict(table.cells)
    sums = [([(r, t) for t in table.themes], (r, None)) for r in [*rows, None]]
    sums += [([(r, t) for r in rows], (None, t)) for t in [*table.themes, None]]
    return table, cells, sums


@settings(max_examples=examples(100), deadline=None, derandomize=True)
@given(
    counts=st.integers(1, 4).flatmap(
        lambda places: st.integers(1, 4).flatmap(
            lambda themes: st.lists(
                st.lists(st.integers(0, 9), min_size=themes, max_size=themes),
                min_size=places,
                max_size=places,
            )
        )
    )
)
def test_no_hidden_theme_count_can_be_solved_for_from_the_row_and_column_sums(counts):
    table, cells, sums = _theme_table(counts)
    shown = {key for key, c in cells.items() if c.shown}

    assert derivable(cells, shown, sums) == set()
    assert {key for key, c in cells.items() if c.count < MIN_GROUP} & shown == set()
    if table is not None:  # every count the table has is the count of its items
        assert cells[(None, None)].count == sum(map(sum, counts))


def test_a_small_count_joined_to_others_only_through_several_lines_is_protected_too():
    """Two 2 × 2 blocks of small counts and one small count between them: every row and
    column holds two hidden counts or more, yet the rows of the first block less its columns
    give the one between. Withholding only where a line has one hidden count misses it."""
    from webapp.promise.suppression import Count, withhold_derivable

    class Cell(Count):
        def __init__(self, size):
            self._size = size

        @property
        def size(self):
            return self._size

    small = {(0, 0), (0, 1), (1, 0), (1, 1), (1, 2), (2, 2), (2, 3), (3, 2), (3, 3)}
    grid = {(r, c): Cell(1 if (r, c) in small else 9) for r in range(4) for c in range(4)}
    for r in range(4):
        grid[(r, None)] = Cell(sum(grid[(r, c)].size for c in range(4)))
    for c in [*range(4), None]:
        grid[(None, c)] = Cell(sum(grid[(r, c)].size for r in range(4)))
    keys = {cell: key for key, cell in grid.items()}
    lines = [([grid[(r, c)] for c in range(4)], grid[(r, None)]) for r in [*range(4), None]]
    lines += [([grid[(r, c)] for r in range(4)], grid[(None, c)]) for c in [*range(4), None]]
    sums = [([keys[p] for p in parts], keys[total]) for parts, total in lines]

    before = derivable(grid, {k for k, c in grid.items() if c.shown}, sums)
    withhold_derivable(lines)
    after = derivable(grid, {k for k, c in grid.items() if c.shown}, sums)

    assert before == {(1, 2)}
    assert after == set()
    assert [k for k, c in grid.items() if c.withheld]  # more than the small ones are hidden


# On the public page: each place's themes in one tertial (T3 2026), as the test sends them.
RAISED = {
    "Torget": {"trygghet": 7, "trafik": 6, "narkotika": 2},
    "Resecentrum": {"trygghet": 5, "trafik": 8},
    "Biblioteket": {"trygghet": 9, "trafik": 1, "narkotika": 6},
}
SLUGS = {"Torget": "torget", "Resecentrum": "resecentrum", "Biblioteket": "biblioteket"}
NAMES = {"trygghet": "Trygghet", "trafik": "Trafik", "narkotika": "Narkotika"}


@pytest.fixture
def themes_page(app, client):
    """The follow-up page in Swedish with RAISED's feedback in T3 2026 (and some in T2 and
    without a theme, which the T3 table must not count), and a published reply at two places."""
    from datetime import timedelta

    from tests.factories import make_feedback
    from webapp.extensions import db
    from webapp.feedback import cases

    day = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for name, themes in RAISED.items():
        for theme, count in themes.items():
            for n in range(count):
                make_feedback(place=SLUGS[name], theme=theme, created_at=day + timedelta(hours=n))
    make_feedback(place="torget", theme="trafik", created_at=datetime(2026, 6, 1, 9, tzinfo=UTC))
    make_feedback(place="torget", created_at=day)  # no theme
    for slug, reply in (("biblioteket", "Vi har pratat med skolan."), ("torget", "Mer ljus.")):
        item = make_feedback(place=slug, theme="trygghet", created_at=day + timedelta(days=30))
        cases.set_reply(db.session, item, reply, "", publish=True, actor=None, now=NOW)
    db.session.commit()
    return soup(client.get("/sv/promises/2025-2026"))


def _parsed(table) -> tuple[list, dict]:
    """The table as (theme names, {(place, theme): text}); "Alla …" for the totals."""
    header = [th.get_text(strip=True) for th in table.thead.find_all("th")][1:]
    cells = {}
    for tr in table.find_all("tr")[1:]:
        place = tr.th.get_text(strip=True)
        for theme, td in zip(header, tr.find_all("td"), strict=True):
            cells[(place, theme)] = td.get_text(strip=True)
    return header, cells


def test_the_themes_table_counts_each_place_and_theme_and_cannot_be_solved(themes_page):
    header, cells = _parsed(themes_page.find(id="themes-2026-T3"))
    raised = dict(RAISED)
    raised["Torget"] = {**raised["Torget"], "trygghet": 8}  # and the published reply's
    raised["Biblioteket"] = {**raised["Biblioteket"], "trygghet": 10}
    truth = {(p, NAMES[t]): n for p, themes in raised.items() for t, n in themes.items()}
    for place in raised:
        truth[(place, "Alla teman")] = sum(raised[place].values())
    for theme in [*NAMES.values(), "Alla teman"]:
        truth[("Alla platser", theme)] = sum(n for (p, t), n in truth.items() if t == theme)
    shown = {key for key, text in cells.items() if text.isdigit()}
    places = list(raised)
    sums = [([(p, t) for t in header[:-1]], (p, "Alla teman")) for p in [*places, "Alla platser"]]
    sums += [([(p, t) for p in places], ("Alla platser", t)) for t in header]

    assert header == ["Trygghet", "Trafik", "Narkotika", "Alla teman"]  # shown totals first
    assert set(cells) == {(p, t) for p in [*places, "Alla platser"] for t in header}
    assert {key: int(cells[key]) for key in shown} == {key: truth.get(key, 0) for key in shown}
    assert {key for key, text in cells.items() if text == "färre än 5"} == {
        key for key in cells if truth.get(key, 0) < 5
    }
    assert cells[("Alla platser", "Alla teman")] == "46"
    assert derivable(cells, shown, sums) == set()
    # Only the sums are left: with Resecentrum's trafik shown (8), its trygghet ("visas inte",
    # so 5 or more) and narkotika ("färre än 5") would add up to 5: 5 and 0 exactly.
    assert shown == {(p, t) for (p, t) in cells if "Alla" in p or "Alla" in t}


def test_published_replies_are_grouped_per_place(themes_page):
    section = themes_page.find(id="you-said")
    groups = {
        group.h4.get_text(): [q.get_text() for q in group.select("blockquote")]
        for group in section.select(".replies-at-place")
    }

    assert groups == {
        "Svar, Torget": ["Mer ljus."],
        "Svar, Biblioteket": ["Vi har pratat med skolan."],
    }
    assert [h.get_text() for h in section.select("h3")] == ["T2 2026", "T3 2026"]


def test_the_api_has_the_pages_themes_per_place_cell_for_cell(themes_page, client):
    from tests.test_api import response_schema, validator

    _header, on_page = _parsed(themes_page.find(id="themes-2026-T3"))
    names = {slug: name for name, slug in SLUGS.items()} | {None: "Alla platser"}
    themes = NAMES | {None: "Alla teman"}
    body = client.get("/api/v1/promises/2025-2026").get_json()

    in_api = {
        (names[c["place"]], themes[c["theme"]]): str(c["count"])
        if c["count"] is not None
        else "färre än 5"
        if c["fewer_than_5"]
        else "visas inte"
        for c in body["themes_raised"]
        if c["tertial"] == "2026-T3"
    }

    document = client.get("/api/v1/openapi.json").get_json()
    schema = response_schema(document, "/api/v1/promises/{id}")

    assert in_api == on_page
    assert {c["tertial"] for c in body["themes_raised"]} == {"2026-T2", "2026-T3"}
    assert [e.message for e in validator(document, schema).iter_errors(body)] == []


def test_the_board_report_has_the_pages_themes_per_place_in_pdf_and_workbook(themes_page, app):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.support.staff import staff_client

    _header, on_page = _parsed(themes_page.find(id="themes-2026-T3"))
    staff = staff_client(app, "municipality")
    report = "/sv/staff/promises/2025-2026/report.{}?period=2026-T3"
    book = load_workbook(io.BytesIO(staff.get(report.format("xlsx")).data))
    rows = [tuple(r) for sheet in book for r in sheet.iter_rows(values_only=True)]
    start = [r[0] for r in rows].index("Teman per plats och tertial") + 2
    in_book = {}
    for label, place, theme, value in (r[:4] for r in rows[start:]):
        if label is None:
            break
        in_book[(place, theme)] = str(value)
    pdf = PdfReader(io.BytesIO(staff.get(report.format("pdf")).data))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)

    assert in_book == on_page
    missing = [key for key, value in on_page.items() if f"T3 2026 {key[0]} {key[1]} {value}"
               not in text]  # fmt: skip
    assert missing == []


def test_the_words_shown_are_bounds_too_and_cannot_pin_a_small_count():
    """ "färre än 5" is 0 to 4 and "visas inte" 5 or more: 0, 5 and 8 beside a total of 13
    would, with only the 5 withheld beside the 0, give 0 + 5 = 13 - 8 and so both exactly.
    Every filling of the hidden counts that fits the sums and the words is tried."""
    from itertools import product

    from webapp.promise.suppression import Count, withhold_derivable

    class Cell(Count):
        def __init__(self, size):
            self._size = size

        @property
        def size(self):
            return self._size

    parts = [Cell(0), Cell(5), Cell(8)]
    total = Cell(13)
    withhold_derivable([(parts, total)])
    hidden = [c for c in (*parts, total) if not c.shown]
    ranges = [range(0, 5) if c.small else range(5, 14) for c in hidden]
    fillings = []
    for values in product(*ranges):
        size = {id(c): v for c, v in zip(hidden, values, strict=True)}
        value = [size.get(id(c), c.size) for c in (*parts, total)]
        if sum(value[:-1]) == value[-1]:
            fillings.append(value)

    assert [c.shown for c in parts] == [False, False, False]
    assert total.shown
    assert len({f[0] for f in fillings}) > 1  # the small count could be any of several
