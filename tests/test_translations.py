"""Every UI text is translated: English covers everything the sources say today; the other
languages (public pages only) every public text; placeholders match the Swedish ones."""

import re

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from webapp.config import ROOT
from webapp.i18n import KEYWORDS, STAFF_LANGUAGES, public_messages

LOCALES = ("en", "ar", "fa", "so", "ti", "uk")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def source_messages() -> set[str]:
    """msgids extracted from the code and templates now, as `flask translate extract` would."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def test_every_source_message_is_in_each_catalogue():
    everything, public = source_messages(), public_messages()
    for locale in LOCALES:
        wanted = everything if locale in STAFF_LANGUAGES else public
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
        assert sorted(wanted - have) == [], f"run `flask translate update` ({locale})"


def test_placeholders_are_the_swedish_ones():
    for locale in LOCALES:
        for m in catalogue(locale):
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            for string in strings:
                assert sorted(PLACEHOLDER.findall(string)) == sorted(
                    PLACEHOLDER.findall(ids[-1 if len(strings) > 1 else 0])
                ), (locale, m.id, string)


def test_police_numbers_and_site_are_kept_as_written():
    for locale in LOCALES:
        for m in catalogue(locale):
            for term in ("112", "114 14", "polisen.se"):
                if m.id and isinstance(m.id, str) and term in m.id:
                    assert term in m.string, (locale, m.id)


def test_no_catalogue_entry_is_empty_or_fuzzy():
    for locale in LOCALES:
        missing = [
            m.id
            for m in catalogue(locale)
            if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
        ]
        assert missing == [], f"untranslated in {locale}"
