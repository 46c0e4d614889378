"""What every page needs: the municipality, the language, links to the other language."""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, g, request, url_for
from flask_babel import get_locale
from markupsafe import Markup, escape

from webapp import i18n
from webapp.addresses import MOUNT, VIA_HOST, is_default, municipality_base
from webapp.bidi import LTR_RUN
from webapp.clock import utcnow
from webapp.tenant import municipality


def now():
    """The request's time, read from the clock once per request (at the edge)."""
    if "now" not in g:
        g.now = utcnow()
    return g.now


def public_base_url() -> str:
    """PUBLIC_BASE_URL, or this request's scheme and host when it is not set (development);
    for a municipality served on a host of its own, that host. `url_for` adds the
    municipality's prefix, if it has one."""
    if request.environ.get(VIA_HOST):
        return request.host_url.rstrip("/")
    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")


def installation_url() -> str:
    """The installation's own absolute address, where the default municipality's addresses
    begin: PUBLIC_BASE_URL (else this request's scheme and host) and the server's root,
    without the prefix of the request's municipality or police area."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return base + request.environ.get(MOUNT, request.script_root)


def municipality_url(town, *, own_host: bool = True) -> str:
    """Where `town`'s addresses begin, absolute (webapp.addresses.municipality_base): for
    links to another municipality's pages, feeds or API; `own_host=False` for staff pages."""
    return municipality_base(town, installation_url(), own_host=own_host)


def site_url() -> str:
    """The absolute address of this municipality's site, its prefix included: for links
    built by hand (a poster's /q/CODE)."""
    return public_base_url() + request.script_root


def uid_domain() -> str:
    """The domain in feed UIDs: the site's host, with another than the default municipality's
    slug before it, so two municipalities' office hours on one day never share a UID."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    host = urlsplit(base).hostname or "localhost"
    town = municipality()
    return host if town is None or is_default(town) else f"{town.slug}.{host}"


def timezone() -> ZoneInfo:
    """The request's municipality's time zone (or, within `in_zone`, the one given)."""
    if g.get("zone") is not None:
        return g.zone
    town = municipality()
    return ZoneInfo(town.timezone if town else "Europe/Stockholm")


@contextmanager
def in_zone(tz: ZoneInfo):
    """Within: times are read and shown in `tz` (another municipality's, on an area page)."""
    outer = g.get("zone")
    g.zone = tz
    try:
        yield tz
    finally:
        g.zone = outer


def lang() -> str:
    return str(get_locale() or "sv")


def other_languages() -> list[dict]:
    """The same page in every other language, each in its own name, for the language switch."""
    codes = [c for c in i18n.offered_here() if c != lang()]
    if request.url_rule is None or "lang" not in (request.view_args or {}):
        urls = {c: url_for("public.home", lang=c) for c in codes}
    else:
        # A page that exists in one language only (easy Swedish) names its ordinary page.
        endpoint = g.get("alternate_endpoint")
        args = {} if endpoint else {**request.view_args}
        endpoint = endpoint or request.endpoint
        urls = {c: url_for(endpoint, **{**args, "lang": c}) for c in codes}
    return [
        {"code": c, "name": i18n.language_name(c), "dir": i18n.direction(c), "url": urls[c]}
        for c in codes
    ]


class _LanguageNames(dict):
    def __missing__(self, code):
        return i18n.language_name(code)

    def get(self, code, default=None):
        return self[code]


def template_context() -> dict:
    return {
        "municipality": municipality(),
        "lang": lang(),
        "dir": i18n.direction(lang()),
        "reviewed": i18n.reviewed(lang()),
        "other_languages": other_languages,
        "language_names": _LanguageNames(),
        "data_text": data_text,
    }


def data_text(row, field: str, locale: str | None = None) -> Markup:
    """A data text in the page's language; the Swedish fallback is marked lang="sv"."""
    locale = locale or lang()
    text = row.text(field, locale) if row is not None else ""
    own = ((getattr(row, "translations", None) or {}).get(locale) or {}).get(field)
    if locale == i18n.SOURCE or own or not text:
        return escape(text)
    return swedish(text)


def swedish(text: str) -> Markup:
    """Swedish text on another language's page: marked, and isolated left-to-right so its
    words and punctuation keep their order inside right-to-left text."""
    return Markup('<span lang="sv" dir="ltr">%s</span>') % text


TAG = re.compile(r"(<[^>]*>)")


def isolate(text) -> Markup:
    """Text with every bidi.LTR_RUN wrapped in <bdi dir="ltr">, so a right-to-left page shows
    "114 14", not "14 114". Markup keeps its tags; plain text is escaped first."""
    html = text if isinstance(text, Markup) else escape(text)
    parts = TAG.split(str(html))
    for n in range(0, len(parts), 2):  # the text between tags
        parts[n] = LTR_RUN.sub(lambda m: f'<bdi dir="ltr">{m[0]}</bdi>', parts[n])
    return Markup("".join(parts))  # noqa: S704 - escaped above; only <bdi> tags added
