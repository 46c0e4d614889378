"""The follow-up's states and slot counts in words, once for the page, the staff pages and the
board's report (PDF and workbook)."""

from flask_babel import gettext as _


def state_label(state: str) -> str:
    """A state of webapp.promise.targets.STATES in the page's language."""
    return {
        "not_reported": _("Inte rapporterat"),
        "on_track": _("I fas med målet"),
        "behind": _("Efter målet"),
        "reached": _("Målet är nått"),
        "not_reached": _("Målet nåddes inte"),
    }[state]


def tertial_value_label(status: str) -> str:
    """What stands in a tertial's cell without a figure (ActivityFollowup.status)."""
    return _("Visas när tertialet är slut") if status == "not_published" else state_label(status)


def presence_columns() -> tuple:
    """Every state a slot can be in, in the order every table shows them, with the
    PresenceFigures attribute that counts it."""
    return (
        ("planned", _("Planerade")),
        ("held", _("Blev av")),
        ("not_held", _("Blev inte av")),
        ("cancelled", _("Inställda")),
        ("unreported", _("Har varit, ej rapporterade")),
        ("upcoming", _("Kommande")),
    )
