"""How long does building one poster PDF take, and how big is it?

Prints figures; asserts nothing. Times the pure builder (webapp.feedback.poster_pdf) on a
poster like Sävsjö's: two columns of times, the QR code, and, where the checkout has them,
the weekly pattern, the site's address and a line in each of seven languages. Point
PYTHONPATH at another checkout to compare (e.g. main, which sets Helvetica and no languages).
Usage: python bench/poster_render.py [-n 30]
"""

import argparse
import dataclasses
import statistics
import time
from datetime import UTC, datetime

from webapp.feedback import poster_pdf

LANGUAGES = (
    ("sv", "Formuläret finns på svenska", False),
    ("en", "The form is in English", False),
    ("ar", "النموذج متوفر باللغة العربية", True),
    ("fa", "فرم به زبان فارسی موجود است", True),
    ("so", "Foomku wuxuu ku qoran yahay af-Soomaali", False),
    ("ti", "እቲ ቅጥዒ ብትግርኛ ኣሎ", False),
    ("uk", "Форма є українською мовою", False),
)


def content():
    """A full poster's content, with only the fields this checkout's PosterContent knows."""
    section = poster_pdf.PosterSection
    fields = {
        "kicker": "Sävsjö kommun och Polisen",
        "title": "Träffa polisen här",
        "place_name": "Torget",
        "address": "Torget, Sävsjö",
        "notice": "Exempeldata: tiderna är ännu inte bekräftade av polisen och kommunen.",
        "sections": (
            section(
                "Polisen på plats här",
                tuple((f"Fredag {d} december", "13:00–14:30") for d in (4, 11, 18, 25)),
                note="Tiderna kan ändras. De senaste tiderna finns på webbplatsen.",
            ),
            section("Poliskontoret har öppet", (("Tisdag", "09:30–11:45"),)),
        ),
        "call_to_action": "Vad tycker du? Skanna koden och svara på tre korta frågor.",
        "qr_url": "https://narvaro.example/q/K7M3QX",
        "short_url": "narvaro.example/q/K7M3QX",
        "subscribe_label": "Tiderna i din kalender:",
        "subscribe_url": "https://narvaro.example/feeds/places/torget.ics",
        "emergency": "Anmäl inte brott här. Vid nödläge: ring 112.",
        "footer": "Affischkod K7M3QX · skapad 2026-11-24",
        "created_at": datetime(2026, 11, 24, 9, 30, tzinfo=UTC),
        "site_line": "Alla tider och ändringar: narvaro.example",
    }
    if hasattr(poster_pdf, "LanguageLine"):
        fields["languages"] = tuple(poster_pdf.LanguageLine(*line) for line in LANGUAGES)
    known = {f.name for f in dataclasses.fields(poster_pdf.PosterContent)}
    return poster_pdf.PosterContent(**{k: v for k, v in fields.items() if k in known})


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", "--runs", type=int, default=30)
    runs = parser.parse_args().runs
    poster = content()
    pdf = poster_pdf.build_poster_pdf(poster)  # warm imports once
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        poster_pdf.build_poster_pdf(poster)
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    print(f"{poster_pdf.__file__}")
    print(
        f"poster PDF: {len(pdf)} bytes, {len(getattr(poster, 'languages', ()))} language lines, "
        f"{runs} builds: median {statistics.median(spent):.1f} ms, min {spent[0]:.1f} ms, "
        f"max {spent[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
