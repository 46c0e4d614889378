"""The data file parser: exact values, and errors that name the file, line and field."""

from datetime import date, time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CALENDAR
from webapp.schedule.calendar_file import CalendarFileError, Text, load_calendar_file

# Line numbers matter: the error tests below name them.
SMALL = """\
[municipality]
slug = "testby"
name = "Testby kommun"
timezone = "Europe/Stockholm"

[office]
slug = "kontoret"
name = "Polisen i Testby"
address = "Storgatan 1"

[office.en]
name = "Testby police office"

[[office.hours]]
valid_from = 2025-01-01
tue = ["10:00-12:00", "13:00-15:00"]
thu = ["13:00-18:00"]

[[office.closures]]
first_day = 2026-12-28
last_day = 2026-12-30
hours = ["10:00-12:00"]
note = "Kortare tider"

[[places]]
slug = "torget"
name = "Torget"

[[places]]
slug = "stationen"
name = "Stationen"

[[presence]]
key = "torget-fredag"
place = "torget"
days = ["fri"]
time = "15:00-17:00"
valid_from = 2026-09-01
valid_until = 2027-08-31
"""


def write(tmp_path, text, name="calendar.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(old, new, text=SMALL):
    assert text.count(old) == 1, old
    return text.replace(old, new)


def error_for(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(CalendarFileError) as caught:
        load_calendar_file(path)
    return path, caught.value


def test_small_file_parses_to_exact_values(tmp_path):
    data = load_calendar_file(write(tmp_path, SMALL))

    assert (data.slug, data.name, data.timezone, data.example_data) == (
        "testby",
        Text("Testby kommun"),
        "Europe/Stockholm",
        True,
    )
    assert data.office.name == Text("Polisen i Testby", {"en": "Testby police office"})
    assert [(h.weekday, h.opens, h.closes, h.valid_from, h.valid_until) for h in data.hours] == [
        (1, time(10), time(12), date(2025, 1, 1), None),
        (1, time(13), time(15), date(2025, 1, 1), None),
        (3, time(13), time(18), date(2025, 1, 1), None),
    ]
    closure = data.closures[0]
    assert (closure.first_day, closure.last_day, closure.hours, closure.note) == (
        date(2026, 12, 28),
        date(2026, 12, 30),
        [["10:00", "12:00"]],
        Text("Kortare tider"),
    )
    assert [p.slug for p in data.places] == ["torget", "stationen"]
    pattern = data.patterns[0]
    assert (
        pattern.key,
        pattern.place,
        pattern.weekdays,
        pattern.starts,
        pattern.ends,
        pattern.first_day,
        pattern.last_day,
        pattern.interval_weeks,
    ) == (
        "torget-fredag",
        "torget",
        (4,),
        time(15),
        time(17),
        date(2026, 9, 1),
        date(2027, 8, 31),
        1,
    )


# (name, change, line, field, message)
ERRORS = [
    (
        "missing required field",
        ('name = "Stationen"\n', ""),
        29,
        "places[1].name",
        "text is required here",
    ),
    (
        "date as text",
        ("first_day = 2026-12-28", 'first_day = "2026-12-28"'),
        20,
        "office.closures[0].first_day",
        "a date like 2026-01-31 is required here",
    ),
    (
        "interval out of range",
        ('thu = ["13:00-18:00"]', 'thu = ["25:00-26:00"]'),
        17,
        "office.hours[0].thu",
        "'25:00-26:00' is not a time interval like \"10:00-12:00\"",
    ),
    (
        "end before start",
        ('time = "15:00-17:00"', 'time = "17:00-15:00"'),
        37,
        "presence[0].time",
        "'17:00-15:00' ends before it starts",
    ),
    (
        "closure ends before it starts",
        ("last_day = 2026-12-30", "last_day = 2026-12-01"),
        21,
        "office.closures[0].last_day",
        "is before first_day",
    ),
    (
        "unknown place in presence",
        ('place = "torget"', 'place = "kyrkan"'),
        35,
        "presence[0].place",
        "no place has the slug 'kyrkan'",
    ),
    (
        "duplicate slug",
        ('slug = "stationen"', 'slug = "torget"'),
        30,
        "places[1].slug",
        "'torget' is used twice; every place needs its own",
    ),
    (
        "place with the office's slug",
        ('slug = "stationen"', 'slug = "kontoret"'),
        30,
        "places[1].slug",
        "'kontoret' is used twice; every place needs its own",
    ),
    (
        "unknown weekday in hours",
        ('tue = ["10:00', 'tis = ["10:00'),
        16,
        "office.hours[0].tis",
        "unknown field (days are mon, tue, wed, thu, fri, sat, sun)",
    ),
    (
        "unknown weekday in presence",
        ('days = ["fri"]', 'days = ["fre"]'),
        36,
        "presence[0].days",
        "a list of days from mon, tue, wed, thu, fri, sat, sun is required here",
    ),
    (
        "unknown section",
        ('[[places]]\nslug = "torget"', '[place]\nx = 1\n\n[[places]]\nslug = "torget"'),
        25,
        "place",
        "unknown section (expected one of feedback_themes, holidays, municipality, office, places, "
        "presence, promises, sign_in)",
    ),
    (
        "bad coordinate",
        ('address = "Storgatan 1"', 'address = "Storgatan 1"\nlatitude = 91'),
        10,
        "office.latitude",
        "a number from -90 to 90 is required here",
    ),
    (
        "unknown holiday country",
        ("[office]\n", '[holidays]\ncountry = "XX"\n\n[office]\n'),
        7,
        "holidays.country",
        'a country code like "SE" is required here',
    ),
    (
        "overlapping closure hours",
        ('hours = ["10:00-12:00"]', 'hours = ["13:00-15:00", "10:00-12:00", "11:30-12:30"]'),
        22,
        "office.closures[0].hours",
        "the intervals overlap; list each time once",
    ),
    (
        "services not a list",
        ('address = "Storgatan 1"', 'address = "Storgatan 1"\nservices = 3'),
        10,
        "office.services",
        "a list of texts is required here",
    ),
]


@pytest.mark.parametrize(
    ("change", "line", "where", "message"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_malformed_file_names_file_line_and_field(tmp_path, change, line, where, message):
    path, error = error_for(tmp_path, changed(*change))

    assert (error.path, error.line, error.where) == (str(path), line, where)
    assert str(error) == f"{path}, line {line}, {where}: {message}"


def test_error_in_the_second_hours_block_points_into_that_block(tmp_path):
    second = (
        '[[office.hours]]\nvalid_from = 2027-01-01\nfri = ["09:00-08:00"]\n\n[[office.closures]]'
    )
    path, error = error_for(tmp_path, changed("[[office.closures]]", second))

    assert (error.line, error.where) == (21, "office.hours[1].fri")
    assert (
        str(error) == f"{path}, line 21, office.hours[1].fri: '09:00-08:00' ends before it starts"
    )


def test_unknown_section_at_the_end_points_at_its_header(tmp_path):
    path, error = error_for(tmp_path, SMALL + "\n[extras]\nsomething = true\n")

    assert (error.line, error.where) == (41, "extras")


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (('name = "Torget"', 'name = "Torget'), 27),  # unterminated string
        (("first_day = 2026-12-28", "first_day = 2026-12-32"), 20),  # no such date
        (('slug = "stationen"', 'slug = "stationen"\nslug = "igen"'), 31),  # key given twice
    ],
)
def test_toml_syntax_error_names_file_and_line(tmp_path, change, line):
    path, error = error_for(tmp_path, changed(*change))

    assert (error.line, error.where) == (line, "syntax")
    assert str(error).startswith(f"{path}, line {line}, syntax: ")


def test_missing_file_names_the_file(tmp_path):
    missing = tmp_path / "nothing.toml"

    with pytest.raises(CalendarFileError) as caught:
        load_calendar_file(missing)

    assert (caught.value.line, caught.value.where) == (None, "file")
    assert str(caught.value).startswith(f"{missing}, file: cannot be read")


def test_file_that_is_not_utf8_is_an_error(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(SMALL.replace("Testby", "Sävsjö").encode("latin-1"))

    with pytest.raises(CalendarFileError) as caught:
        load_calendar_file(path)

    assert caught.value.where == "file"


lines = SMALL.splitlines()
scalars = st.sampled_from(
    [
        '""',
        "3",
        "-1.5",
        "true",
        "2026-02-30",
        '"x"',
        "[]",
        '["mon"]',
        "{}",
        '"25:00-26:00"',
        "1979-05-27T07:32:00",
        '["a", 1]',
    ]
)


@st.composite
def mutated(draw):
    """The small file with one line dropped, doubled, or given another value."""
    index = draw(st.integers(0, len(lines) - 1))
    kind = draw(st.sampled_from(["drop", "double", "value"]))
    out = list(lines)
    if kind == "drop":
        del out[index]
    elif kind == "double":
        out.insert(index, out[index])
    elif "=" in out[index]:
        out[index] = out[index].split("=")[0] + "= " + draw(scalars)
    return "\n".join(out) + "\n"


@settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=mutated())
def test_any_damaged_file_parses_or_raises_calendar_file_error_with_a_real_line(tmp_path, text):
    path = write(tmp_path, text)

    try:
        load_calendar_file(path)
    except CalendarFileError as error:
        assert error.line is not None and 1 <= error.line <= len(text.splitlines()), str(error)


def test_a_misspelt_presence_field_stops_the_load_at_its_line(tmp_path):
    text = CALENDAR.read_text(encoding="utf-8").replace("every_weeks = 2", "every_week = 2")
    path = tmp_path / "typo.toml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("every_week = 2") + 1

    with pytest.raises(CalendarFileError) as caught:
        load_calendar_file(path)

    assert caught.value.line == line
    assert caught.value.where == "presence[2].every_week"
    prefix = f"{path}, line {line}, presence[2].every_week: unknown field"
    assert str(caught.value).startswith(prefix)


def test_closure_hours_come_out_in_time_order(tmp_path):
    text = changed('hours = ["10:00-12:00"]', 'hours = ["13:00-15:00", "10:00-12:00"]')

    data = load_calendar_file(write(tmp_path, text))

    assert data.closures[0].hours == [["10:00", "12:00"], ["13:00", "15:00"]]
