"""Who may do what in the staff area: one table, read by the route guards, the navigation and
the templates. Plain Python, no Flask."""


def _l(text: str) -> str:
    """Marks a label for the catalogues (babel.cfg extracts `_l`); the pages translate it."""
    return text


# role -> what the pages call it
ROLE_LABELS = {"police": _l("Polis"), "municipality": _l("Kommunen"), "admin": _l("Administratör")}
ROLES = tuple(ROLE_LABELS)
EVERYONE = frozenset(ROLES)

# action -> the roles that may do it
PERMISSIONS: dict[str, frozenset[str]] = {
    "staff.enter": EVERYONE,  # the overview, one's own account
    "schedule.read": EVERYONE,  # presence, office hours, outcomes as a list
    "schedule.edit": frozenset({"police"}),  # plan presence, cancel, move; hours and closures
    "outcome.record": frozenset({"police"}),
    "report.read": EVERYONE,
    "promise.read": EVERYONE,
    "promise.record": frozenset({"police", "municipality"}),  # each its own activities:
    "promise.record.police": frozenset({"police"}),  # activities the police own
    "promise.record.municipality": frozenset({"municipality"}),  # the municipality's
    "promise.record.both": frozenset({"police", "municipality"}),  # owned by both
    "feedback.read": frozenset({"police", "municipality"}),
    "feedback.handle": frozenset({"police", "municipality"}),  # state, notes, replies, masking
    "posters.manage": frozenset({"police", "municipality"}),
    "accounts.manage": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
}


def can(role: str | None, action: str) -> bool:
    """True when `role` may do `action`; an unknown action is a programming error."""
    return role in PERMISSIONS[action]


def roles_for(action: str) -> frozenset[str]:
    return PERMISSIONS[action]


def actions_of(role: str) -> list[str]:
    """What `role` may do beyond what everyone may, in the table's order."""
    return [action for action, roles in PERMISSIONS.items() if role in roles and roles != EVERYONE]
