"""Runs that must read left to right inside right-to-left text, found once for every output:
web pages wrap them in <bdi dir="ltr"> (site.isolate), plain text (mail, PDFs) in the Unicode
isolates LRI … PDI. Pure: no Flask."""

import re

LRI, PDI = "\u2066", "\u2069"
ISOLATES = "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI

# Runs that read left to right whatever the text around them: numbers in groups, which a
# right-to-left paragraph would turn around ("114 14", "070-123 45 67", "16:00–17:00"; a lone
# "112" or "11:45" holds together by itself), e-mail addresses and domains ("polisen.se").
LTR_RUN = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:se|nu|com|org)\b"
    r"|\+?\d+(?:[:.-]\d+)*(?:[ \u00a0–]\d+(?:[:.-]\d+)*)+"
)


def isolate_runs(text: str) -> str:
    """`text` with every LTR_RUN between LRI and PDI (invisible; the bidirectional algorithm
    then keeps each run in its own order, whatever the paragraph's direction)."""
    return LTR_RUN.sub(lambda m: f"{LRI}{m[0]}{PDI}", text)
