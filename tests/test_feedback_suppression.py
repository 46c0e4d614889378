"""Complementary suppression: in every table of answers the public sees, no group shown as
"färre än 5" (or withheld beside one) can be worked out from the groups and totals shown. The
tests solve for each hidden cell with the table's row and column sums, exactly (fractions)."""

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.fuzz import examples
from tests.support.html import soup
from webapp.promise.followup import MIN_GROUP, FeedbackGroup, withhold_derivable
from webapp.promise.periods import Period


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(r) for r in rows if any(r)]
    rank, column, width = 0, 0, len(rows[0]) if rows else 0
    while rank < len(rows) and column < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot is None:
            column += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column]:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank, column = rank + 1, column + 1
    return rank


def derivable(cells: dict, shown: set, sums: list[tuple[list, object]]) -> set:
    """The hidden cells the sums determine: cell k is determined when its unit vector lies in
    the span of the sums' rows over the hidden cells (shown cells move to the other side)."""
    hidden = [key for key in cells if key not in shown]
    index = {key: i for i, key in enumerate(hidden)}
    equations = []
    for parts, total in sums:
        row = [Fraction(0)] * len(hidden)
        for key in (*parts, total):
            if key in index:
                row[index[key]] += -1 if key == total else 1
        equations.append(row)
    if not hidden:
        return set()
    base = _rank(equations)
    found = set()
    for key, i in index.items():
        unit = [Fraction(int(j == i)) for j in range(len(hidden))]
        if _rank([*equations, unit]) == base:
            found.add(key)
    return found


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
