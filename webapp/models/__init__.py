"""Tables and small properties. Times are stored as UTC and returned timezone-aware.

Plain SQLAlchemy models on one declarative base; nothing here imports Flask or reads a clock.
"""

from webapp.models.base import NAMING, Base, Owned, Translatable, UTCDateTime
from webapp.models.feedback import (
    CASE_STATES,
    MET_POLICE,
    Feedback,
    FeedbackNote,
    Poster,
    PosterScan,
    SpentFeedbackToken,
)
from webapp.models.promise import (
    Promise,
    PromiseActivity,
    PromiseCommitment,
    PromiseEntry,
    promise_municipality,
)
from webapp.models.schedule import (
    SCHEDULE_MODELS,
    Closure,
    Municipality,
    OfficeHours,
    Place,
    PoliceArea,
    PresenceSeries,
    PresenceSlot,
    ScheduleStamp,
    SlotStatus,
    changed_at,
    working_at,
)
from webapp.models.scope import (
    EVERY_ACCOUNT,
    scope_accounts_to,
    scope_of,
    scope_to,
    signatories_of,
)
from webapp.models.staff import (
    ROLES,
    AuditEvent,
    LoginRecord,
    PasswordToken,
    RecoveryCode,
    User,
    UserSession,
)

__all__ = [
    "EVERY_ACCOUNT",
    "MET_POLICE",
    "NAMING",
    "ROLES",
    "SCHEDULE_MODELS",
    "AuditEvent",
    "Base",
    "Closure",
    "CASE_STATES",
    "Feedback",
    "FeedbackNote",
    "LoginRecord",
    "Municipality",
    "OfficeHours",
    "Owned",
    "PasswordToken",
    "Place",
    "PoliceArea",
    "Poster",
    "PosterScan",
    "PresenceSeries",
    "Promise",
    "PromiseActivity",
    "PromiseCommitment",
    "PromiseEntry",
    "PresenceSlot",
    "RecoveryCode",
    "ScheduleStamp",
    "SlotStatus",
    "SpentFeedbackToken",
    "Translatable",
    "UTCDateTime",
    "User",
    "UserSession",
    "changed_at",
    "promise_municipality",
    "scope_accounts_to",
    "scope_of",
    "scope_to",
    "signatories_of",
    "working_at",
]
