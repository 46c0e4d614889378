"""Locale handling: the URL decides, then Accept-Language, then Swedish."""

from flask import current_app, g, request

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """flask-babel's locale selector."""
    lang = (request.view_args or {}).get("lang") or request.args.get("lang")
    if lang is None and request.view_args is None:  # no route matched: a 404 under /<lang>/
        lang = request.path.split("/")[1]
    if lang in supported():
        return lang
    return request.accept_languages.best_match(supported()) or "sv"


def pull_lang(endpoint, values) -> None:
    """url_value_preprocessor: keep the URL's language on g for url_for defaults."""
    if values and "lang" in values:
        g.lang = values["lang"]


def push_lang(endpoint, values) -> None:
    """url_defaults: links keep the current page's language unless told otherwise."""
    if "lang" in values or not getattr(g, "lang", None):
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.lang
