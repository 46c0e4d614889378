"""The one place the app reads the wall clock; tests pin it with the NOW setting."""

from datetime import UTC, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """The current time in UTC, or the pinned time when the app config sets NOW."""
    return now_for(current_app.config if has_app_context() else {})


def now_for(config) -> datetime:
    """The current time for an app with this config (NOW pins it: a datetime or a callable)."""
    pinned = config.get("NOW")
    if pinned is not None:
        return pinned() if callable(pinned) else pinned
    return datetime.now(UTC)
