"""Every UI text is translated: the English catalogue covers what the sources say today."""

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from webapp.config import ROOT

LOCALES = ("en",)


def source_messages() -> set[str]:
    """msgids extracted from the code and templates now, as `flask translate extract` would."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "pgettext": ((1, "c"), 2),
        "npgettext": ((1, "c"), 2, 3),
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale):
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


def test_every_source_message_is_in_each_catalogue():
    wanted = source_messages()
    for locale in LOCALES:
        have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
        assert sorted(wanted - have) == [], f"run `flask translate update` ({locale})"


def test_no_catalogue_entry_is_empty_or_fuzzy():
    for locale in LOCALES:
        missing = [
            m.id
            for m in catalogue(locale)
            if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
        ]
        assert missing == [], f"untranslated in {locale}"
