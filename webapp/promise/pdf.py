"""The promise report as a tagged PDF (PDF/UA-1): WeasyPrint lays out the report's HTML
(templates/report/board.html) with its print CSS in the bundled Noto fonts, tagging headings,
tables and figures from the HTML; pikepdf then finishes what WeasyPrint leaves open.

Pure: HTML in, bytes out; fonts from webapp/fonts/, nothing fetched.
"""

import io

import pikepdf
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from webapp.pdf_text import FACES, FONTS
from webapp.xml_text import xml_safe

PAGINATION = pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def _font_faces() -> str:
    """@font-face rules for the bundled Noto fonts, so every glyph comes from a font that is
    embedded, never from whatever the server has installed."""
    rules = []
    for (family, style), name in FACES.items():
        weight = "bold" if style == "B" else "normal"
        rules.append(
            f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
            f'src: url("{(FONTS / name).as_uri()}"); }}'
        )
    return "\n".join(rules)


def build_report_pdf(html: str) -> bytes:
    """The report's HTML as a PDF/UA-1 document."""
    fonts = FontConfiguration()
    local = URLFetcher(allowed_protocols={"file"})  # the bundled fonts; never the network
    faces = CSS(string=_font_faces(), font_config=fonts, url_fetcher=local)
    pdf = HTML(string=xml_safe(html), base_url=FONTS.as_uri() + "/", url_fetcher=local).write_pdf(
        stylesheets=[faces], font_config=fonts, pdf_variant="pdf/ua-1"
    )
    return finish_tagging(pdf)


def finish_tagging(pdf: bytes) -> bytes:
    """What PDF/UA-1 needs beyond WeasyPrint's tags: the page furniture (running header and
    page numbers, which WeasyPrint tags outside the structure tree) marked as pagination
    artifacts, and each table header cell's scope (a column's in the table head, else its
    row's)."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        root = doc.Root.StructTreeRoot
        reachable = set()
        _walk(root, reachable, doc)
        parents = pikepdf.NumberTree(root.ParentTree)
        for page in doc.pages:
            index = page.obj.get("/StructParents")
            if index is None or index not in parents:
                continue
            mapping = parents[index]
            orphans = {
                mcid
                for mcid, elem in enumerate(mapping)
                if isinstance(elem, pikepdf.Dictionary) and elem.objgen not in reachable
            }
            if orphans:
                _mark_artifacts(doc, page, orphans)
                for mcid in orphans:
                    mapping[mcid] = None
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def _walk(elem, reachable: set, doc, section: str = "") -> None:
    """Every structure element under `elem`; header cells get their scope on the way."""
    kids = elem.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
            continue
        reachable.add(kid.objgen)
        tag = str(kid.S)
        if tag == "/TH":
            attributes = kid.get("/A") or pikepdf.Dictionary(O=pikepdf.Name.Table)
            attributes.Scope = pikepdf.Name.Column if section == "/THead" else pikepdf.Name.Row
            kid.A = attributes
        _walk(kid, reachable, doc, tag if tag in ("/THead", "/TBody", "/TFoot") else section)


def _mark_artifacts(doc, page, orphans: set) -> None:
    ops = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and len(operands) == 2:
            props = operands[1]
            if isinstance(props, pikepdf.Dictionary) and int(props.get("/MCID", -1)) in orphans:
                operands = [pikepdf.Name.Artifact, PAGINATION]
        ops.append((operands, operator))
    page.Contents = doc.make_stream(pikepdf.unparse_content_stream(ops))
