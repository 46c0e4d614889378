"""QR codes as small inline SVG: one path, one rectangle per run of dark modules in a row."""

import functools
from html import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules for `data` (medium error correction), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def _row_runs(row: list[bool]):
    """(start, length) of each run of dark modules in one row."""
    start = None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            yield start, x - start
            start = None


def qr_path(matrix: list[list[bool]], offset: int = QUIET_ZONE) -> str:
    """SVG path data drawing each horizontal run of dark modules as one rectangle."""
    return "".join(
        f"M{x + offset} {y + offset}h{length}v1h-{length}z"
        for y, row in enumerate(matrix)
        for x, length in _row_runs(row)
    )


# The subscribe page draws one code per feed on every request; the URLs hardly ever change.
@functools.lru_cache(maxsize=128)
def qr_svg(url: str, *, label: str | None = None) -> str:
    """An inline SVG QR code for `url`, black on white, sized by CSS through its viewBox.

    With `label` the image gets an accessible name (role="img", aria-label and <title>);
    without it the code is hidden from assistive technology, for when the URL is written
    out beside it.
    """
    matrix = qr_matrix(url)
    size = len(matrix) + 2 * QUIET_ZONE
    if label:
        name = escape(label, quote=True)
        opening = f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}"'
        title = f"<title>{name}</title>"
    else:
        opening = '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true"'
        title = ""
    return (
        f'{opening} viewBox="0 0 {size} {size}" shape-rendering="crispEdges">{title}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="#000" d="{qr_path(matrix)}"/></svg>'
    )
