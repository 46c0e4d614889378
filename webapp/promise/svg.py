"""Bar charts as inline SVG: one bar a row, the number written beside it, black on white with
a grey pace mark, so they read in greyscale. Positions are logical: on a right-to-left page
the chart is drawn mirrored (labels at the right edge, bars growing leftwards). The SVG is
sized in em, so it grows with the text. Each chart has a table equivalent on the page; the
SVG carries the same numbers as text."""

from html import escape

WIDTH, ROW, LABEL, VALUE = 260, 30, 72, 48
EM = 16  # user units per em of the page's text: the SVG is its width / EM em wide


def label_room(rows) -> int:
    """Room for the longest label, so it stays clear of the bars."""
    return max(LABEL, 8 * max((len(label) for label, _v, _t in rows), default=0) + 8)


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, float, str]],
              mark: float | None = None, label_width: int | None = None, *,
              rtl: bool = False) -> str:  # fmt: skip
    """rows: (label, value, value as text); `mark` draws a dashed line at that value;
    `label_width` (default: label_room) keeps long labels clear of the bars."""
    label_width = label_room(rows) if label_width is None else label_width
    top = max([v for _label, v, _text in rows] + [mark or 0, 1])
    width_all = max(WIDTH, label_width + 160)
    span = width_all - label_width - VALUE
    height = ROW * len(rows) + 8

    def x(start: float, length: float = 0) -> float:
        """A logical position (from the start edge) as the x of the shape's left edge."""
        return round(width_all - start - length, 1) if rtl else round(start, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width_all} {height}" width="{width_all / EM:g}em" '
        f'direction="{"rtl" if rtl else "ltr"}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * ROW
        width = round(span * value / top, 1)
        parts += [
            f'<text x="{x(0)}" y="{y + 19}" font-size="15" fill="#000">{escape(label)}</text>',
            f'<rect x="{x(label_width, width)}" y="{y + 5}" width="{width}" height="18" '
            'fill="#333"/>',
            f'<text class="chart-value" x="{x(label_width + width + 4)}" y="{y + 19}" '
            f'font-size="15" fill="#000">{escape(text)}</text>',
        ]
    if mark is not None:
        at = x(label_width + span * mark / top)
        parts.append(
            f'<line x1="{at}" y1="0" x2="{at}" y2="{height}" stroke="#777" stroke-width="2" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
