"""Generated municipality and police area files, for the suite's area of 12 and for
bench/national.py's 290: plausible offices, places, weekly patterns and a promise each,
varied by number so no two municipalities share times, names or languages."""

from pathlib import Path

LANGUAGE_SETS = (["sv", "en"], ["sv", "en", "ar"], ["sv", "en", "so", "uk"], ["sv", "en", "fa"])
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat")


def municipality_text(n: int) -> str:
    """One municipality's data file: an office, 2 to 4 places, a pattern each, a promise."""
    slug, lat, lon = f"kommun-{n:03d}", 55.5 + (n % 90) * 0.1, 12.5 + (n % 70) * 0.15
    places = 2 + n % 3
    lines = [
        "[municipality]",
        f'slug = "{slug}"',
        f'name = "Kommun {n}"',
        "example_data = true",
        f"languages = {LANGUAGE_SETS[n % len(LANGUAGE_SETS)]!r}".replace("'", '"'),
        "",
        "[municipality.en]",
        f'name = "Municipality {n}"',
        "",
        "[[promises]]",
        'key = "2025-2026"',
        "first_day = 2025-01-01",
        "last_day = 2026-12-31",
        f'title = "Medborgarlöfte för kommun {n}"',
        "",
        "[[promises.commitments]]",
        'text = "Polisen syns i centrum."',
        "",
        "[[promises.commitments.activities]]",
        'key = "narvaro"',
        'owner = "police"',
        'measure = "presence"',
        f'text = "Polisen finns på plats i kommun {n}."',
        "",
        "[office]",
        'slug = "poliskontoret"',
        f'name = "Polisen i kommun {n}"',
        f'address = "Storgatan {n}, kommun {n}"',
        f"latitude = {lat:.4f}",
        f"longitude = {lon:.4f}",
        "",
        "[[office.hours]]",
        "valid_from = 2026-01-01",
        f'{DAYS[n % 5]} = ["{9 + n % 3:02d}:00-12:00", "13:00-{15 + n % 3}:00"]',
        f'{DAYS[(n + 2) % 5]} = ["13:00-{16 + n % 2}:30"]',
        "",
    ]
    for p in range(places):
        lines += [
            "[[places]]",
            f'slug = "plats-{p}"',
            f'name = "Plats {p} i kommun {n}"',
            f'address = "Torget {p}, kommun {n}"',
            f"latitude = {lat + p * 0.001:.4f}",
            f"longitude = {lon + p * 0.001:.4f}",
            "",
            "[[presence]]",
            f'key = "plats-{p}-vecka"',
            f'place = "plats-{p}"',
            f'days = ["{DAYS[(n + p) % 6]}"]',
            f'time = "{10 + (n + p) % 8:02d}:00-{11 + (n + p) % 8:02d}:30"',
            "valid_from = 2026-09-01",
            "valid_until = 2027-06-30",
            f"every_weeks = {1 + (n + p) % 2}",
            "",
        ]
    return "\n".join(lines)


def write_area(folder: Path, slug: str, numbers: range | list) -> Path:
    """The municipalities `numbers` and their police area's file in `folder`; the area's path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for n in numbers:
        name = f"kommun-{n:03d}.toml"
        (folder / name).write_text(municipality_text(n), encoding="utf-8")
        files.append(name)
    area = folder / f"{slug}.toml"
    area.write_text(
        "\n".join(
            [
                "[police_area]",
                f'slug = "{slug}"',
                f'name = "Lokalpolisområde {slug}"',
                f"municipalities = {files!r}".replace("'", '"'),
                f'default = "kommun-{numbers[0]:03d}"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    return area
