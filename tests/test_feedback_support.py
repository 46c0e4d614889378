"""Helpers the feedback, poster and inbox tests share (no tests in here).

Forms are filled like a browser: fetch the page, take its token, wait past the minimum fill
time by moving the pinned clock, post.
"""

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.conftest import NOW
from tests.factories import place
from webapp.extensions import db
from webapp.feedback import service
from webapp.models import Feedback

FILLED = timedelta(seconds=30)  # how long "a person" takes to fill in the form


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def form_token(client, url) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return soup(page).find("input", attrs={"name": "token"})["value"]


def submit(app, client, url, data, *, after=FILLED, token=None, **request_options):
    """Open the form now, send `data` `after` later (the clock moves, then moves back)."""
    opened = app.config["NOW"]
    token = form_token(client, url) if token is None else token
    app.config["NOW"] = opened + after
    try:
        return client.post(url, data={"token": token, **data}, **request_options)
    finally:
        app.config["NOW"] = opened


def feedback_count() -> int:
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    return db.session.scalar(select(func.count(Feedback.id)))


def make_poster(slug="torget", now=NOW):
    poster = service.create_poster(db.session, place(slug), now=now)
    db.session.commit()
    return poster


def error_summary(response) -> list[str]:
    box = soup(response).select_one(".error-summary")
    return [a.get_text(" ", strip=True) for a in box.select("a")] if box else []


def error_links(response) -> list[str]:
    box = soup(response).select_one(".error-summary")
    return [a["href"] for a in box.select("a")] if box else []


def pdf_to_grey(pdf: bytes, tmp_path, dpi=150):
    """Render the PDF's first page with poppler's pdftoppm: (width, height, grey bytes)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603 - fixed argv, our own temp files
        [pdftoppm, "-gray", "-r", str(dpi), "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
    )
    data = (tmp_path / "page.pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    width, height = int(header[1]), int(header[2])
    return width, height, data[header.end() :]


def decode_qr_codes(pdf: bytes, tmp_path, dpi=150) -> list[str]:
    """The text of every QR code found on the rendered page."""
    zxingcpp = pytest.importorskip("zxingcpp")
    width, height, pixels = pdf_to_grey(pdf, tmp_path, dpi)
    image = memoryview(pixels).cast("B", (height, width))
    return [
        found.text
        for found in zxingcpp.read_barcodes(image)
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def pdf_lines(pdf: bytes) -> list[str]:
    """The PDF's text, line by line, as a PDF reader extracts it."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return [line.strip() for line in reader.pages[0].extract_text().splitlines() if line.strip()]


def word_boxes(pdf: bytes, tmp_path) -> list[tuple[str, float, float, float, float]]:
    """(word, x_min, y_min, x_max, y_max) of each word, in points from the page's top left,
    as poppler's pdftotext -bbox finds them, in drawing order."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "words.pdf"
    source.write_bytes(pdf)
    page = subprocess.run(  # noqa: S603 - fixed argv, our own temp file
        [pdftotext, "-bbox", str(source), "-"], capture_output=True, check=True
    ).stdout
    words = BeautifulSoup(page, "html.parser").find_all("word")
    return [(w.get_text(), *(float(w[k]) for k in ("xmin", "ymin", "xmax", "ymax"))) for w in words]


def drawn_glyphs(pdf: bytes) -> dict[str, list[str]]:
    """Per embedded font (its name without the subset tag), the glyphs the page draws with it,
    in drawing order, each named by the Unicode character the font's own cmap gives it.

    A shaped Arabic word is drawn with contextual glyphs, which Noto's cmap reaches through
    the presentation forms ("ARABIC LETTER LAM INITIAL FORM"); unshaped text uses the
    nominal glyphs ("ARABIC LETTER LAM"). A glyph reached by no code point is "?".
    """
    import io
    import unicodedata

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {}
    for key, ref in page["/Resources"]["/Font"].items():
        font = ref.get_object()
        cid_font = font["/DescendantFonts"][0].get_object()
        program = TTFont(
            io.BytesIO(cid_font["/FontDescriptor"]["/FontFile2"].get_object().get_data())
        )
        names = {}
        for code, glyph in sorted(program.getBestCmap().items(), reverse=True):
            names[glyph] = unicodedata.name(chr(code), hex(code))  # the lowest code point wins
        fonts[key] = (
            str(font["/BaseFont"]).split("+")[-1],
            cid_font["/CIDToGIDMap"].get_object().get_data(),
            program.getGlyphOrder(),
            names,
        )
    drawn, current, saved = {}, None, []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = fonts[operands[0]]
        elif operator == b"q":  # the font is part of the graphics state that q saves, Q restores
            saved.append(current)
        elif operator == b"Q":
            current = saved.pop()
        if operator not in (b"Tj", b"TJ"):
            continue
        strings = operands[0] if operator == b"TJ" else [operands[0]]
        base, gids, order, names = current
        for string in strings:
            if isinstance(string, int | float):
                continue
            data = getattr(string, "original_bytes", string)
            for index in range(0, len(data), 2):
                cid = int.from_bytes(data[index : index + 2], "big")
                glyph = order[int.from_bytes(gids[2 * cid : 2 * cid + 2], "big")]
                drawn.setdefault(base, []).append(names.get(glyph, "?"))
    return drawn


STAFF_EMAILS = {
    "police": "polis@example.se",
    "municipality": "kommun@example.se",
    "admin": "admin@example.se",
}


def staff_client(app, role):
    """A client with a live staff session, without paying for argon2 in every test.

    The account and its server-side session row are made directly; the cookie carries the
    session's token exactly as a real login leaves it (logins themselves are tested in
    test_auth.py and used by the browser test).
    """
    import hashlib
    import secrets

    from webapp.models import User, UserSession
    from webapp.staff.auth import TOKEN_KEY

    user = User(email=STAFF_EMAILS[role], password_hash="not-used", role=role, created_at=NOW)
    db.session.add(user)
    db.session.flush()
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            created_at=app.config["NOW"],
            last_seen_at=app.config["NOW"],
        )
    )
    db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
    return client
