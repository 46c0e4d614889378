"""Bar charts as inline SVG: one bar a row, the number written beside it, black on white with
a grey pace mark, so they read in greyscale and shrink to 260 px. Each chart has a table
equivalent on the page; the SVG carries the same numbers as text."""

from html import escape

WIDTH, ROW, LABEL, VALUE = 260, 30, 72, 48


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float, str]],
              mark: float | None = None, label_width: int = LABEL) -> str:  # fmt: skip
    """rows: (label, value, value as text); `mark` draws a dashed line at that value;
    `label_width` keeps long labels clear of the bars."""
    top = max([v for _label, v, _text in rows] + [mark or 0, 1])
    width_all = max(WIDTH, label_width + 160)
    span = width_all - label_width - VALUE
    height = ROW * len(rows) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width_all} {height}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * ROW
        width = round(span * value / top, 1)
        parts += [
            f'<text x="0" y="{y + 19}" font-size="15" fill="#000">{escape(label)}</text>',
            f'<rect x="{label_width}" y="{y + 5}" width="{width}" height="18" fill="#333"/>',
            f'<text class="chart-value" x="{label_width + width + 4}" y="{y + 19}" font-size="15" '
            f'fill="#000">{escape(text)}</text>',
        ]
    if mark is not None:
        x = round(label_width + span * mark / top, 1)
        parts.append(
            f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#777" stroke-width="2" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
