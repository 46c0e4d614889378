"""Read a tagged PDF back through its structure tree: the text of every structure element
(its marked content, as pdfplumber extracts it), its tables as rows of cells, the headings in
order, and the figures' alternative text. What a screen reader gets, not where words sit."""

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pdfplumber
import pikepdf


@dataclass
class Element:
    tag: str  # "H1", "Table", "TH", ...
    alt: str | None
    kids: list = field(default_factory=list)  # Element or (page index, mcid)
    attributes: dict = field(default_factory=dict)

    def marks(self):
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.marks()
            else:
                yield kid

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Element):
                yield from kid.walk()


@dataclass
class TaggedPdf:
    root: Element
    texts: dict  # (page index, mcid) -> text
    catalog: dict

    def text(self, element: Element) -> str:
        """Its lines joined by a space, except after a dash (a line broken at "maj–augusti")."""
        joined = " ".join(" ".join(self.texts.get(m, "") for m in element.marks()).split())
        return re.sub(r"(?<=\w[–-]) (?=\w)", "", joined)

    def elements(self, tag: str | None = None) -> list:
        return [e for e in self.root.walk() if tag is None or e.tag == tag]

    def headings(self) -> list:
        """(level, text) of every heading, in reading order."""
        return [(int(e.tag[1]), self.text(e)) for e in self.root.walk()
                if len(e.tag) == 2 and e.tag[0] == "H" and e.tag[1].isdigit()]  # fmt: skip

    def tables(self) -> dict:
        """The title (the heading just before it) -> rows of cell texts, the header first."""
        out, title = {}, None
        for e in self.root.walk():
            if len(e.tag) == 2 and e.tag[0] == "H":
                title = self.text(e)
            elif e.tag == "Table":
                rows = [[self.text(c) for c in tr.kids if isinstance(c, Element)]
                        for tr in e.walk() if tr.tag == "TR"]  # fmt: skip
                if title in out and rows and out[title][0] == rows[0]:
                    rows = out[title] + rows[1:]  # split by a page break, its header repeated
                out[title] = rows
        return out


def _element(node, pages: dict) -> Element:
    element = Element(str(node.S)[1:], str(node.Alt) if "/Alt" in node else None)
    attributes = node.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        element.attributes = {str(k)[1:]: str(v) for k, v in attributes.items()}
    page = pages.get(node.Pg.objgen) if "/Pg" in node else None
    kids = node.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            element.kids.append(_element(kid, pages))
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            kid_page = pages.get(kid.Pg.objgen) if "/Pg" in kid else page
            element.kids.append((kid_page, int(kid.MCID)))
        elif not isinstance(kid, pikepdf.Dictionary):
            element.kids.append((page, int(kid)))
    return element


def read(data: bytes) -> TaggedPdf:
    texts: dict = defaultdict(str)
    with pdfplumber.open(io.BytesIO(data)) as plumber:
        for n, page in enumerate(plumber.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    texts[(n, char["mcid"])] += char["text"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {p.obj.objgen: n for n, p in enumerate(pdf.pages)}
        root = Element("StructTreeRoot", None)
        tree = pdf.Root.StructTreeRoot
        kids = tree.K
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            root.kids.append(_element(kid, pages))
        catalog = {
            "Lang": str(pdf.Root.get("/Lang", "")),
            "Marked": bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False)),
            "DisplayDocTitle": bool(
                pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)
            ),
            "Title": str(pdf.open_metadata().get("dc:title", "")),
            "pdfuaid:part": str(pdf.open_metadata().get("pdfuaid:part", "")),
        }
    return TaggedPdf(root, dict(texts), catalog)
