"""The Atom feed (RFC 4287) of follow-up updates: a pure builder, entries in, bytes out."""

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

from webapp.xml_text import xml_safe

NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a tag: URI, stable across builds
    title: str
    updated: datetime
    link: str
    summary: str


def build_feed(entries: list[FeedEntry], *, feed_id: str, title: str, link: str, self_link: str,
               lang: str, fallback_updated: datetime) -> bytes:  # fmt: skip
    """Newest entry first; `updated` is the newest entry's time (else the fallback)."""
    ET.register_namespace("", NS)
    feed = ET.Element(f"{{{NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    entries = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", (entries[0].updated if entries else fallback_updated).isoformat())
    ET.SubElement(feed, f"{{{NS}}}link", rel="alternate", type="text/html", href=link)
    ET.SubElement(feed, f"{{{NS}}}link", rel="self", type="application/atom+xml", href=self_link)
    author = ET.SubElement(feed, f"{{{NS}}}author")
    _text(author, "name", title)
    for item in entries:
        entry = ET.SubElement(feed, f"{{{NS}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _text(entry, "updated", item.updated.isoformat())
        ET.SubElement(entry, f"{{{NS}}}link", rel="alternate", type="text/html",
                      href=xml_safe(item.link))  # fmt: skip
        _text(entry, "summary", item.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _text(parent, name, value):
    ET.SubElement(parent, f"{{{NS}}}{name}").text = xml_safe(value)
