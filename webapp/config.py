"""Settings from the environment, with safe defaults for `make run`."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent


def _data_dir(name: str) -> Path:
    """A top-level folder of the checkout, or the copy inside an installed wheel."""
    top = ROOT / name
    return top if top.is_dir() else PACKAGE / name


TEMPLATES = _data_dir("templates")
TRANSLATIONS = _data_dir("translations")
CALENDARS = _data_dir("calendars")
DEFAULT_SECRET = "dev-only-not-secret"  # noqa: S105 - refused in production, see check_production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def _optional_int(name: str) -> int | None:
    value = os.environ.get(name, "").strip()
    return int(value) if value else None


def instance_dir() -> Path:
    """Where the default SQLite database lives (NARVARO_INSTANCE overrides)."""
    return Path(os.environ.get("NARVARO_INSTANCE", ROOT / "instance"))


def from_environment() -> dict:
    """Read every setting the app knows from the environment."""
    instance = instance_dir()
    return {
        "ENV_NAME": os.environ.get("NARVARO_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'narvaro.db'}"
        ),
        "CALENDAR_FILE": os.environ.get("CALENDAR_FILE", str(CALENDARS / "savsjo.toml")),
        # Used for feed UIDs and for links printed outside the site (QR codes, webcal://).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 64 * 1024)),
        # Residents' feedback is an official record: kept until this many days old, then
        # `flask purge-feedback` may remove it (after exporting it). Unset: never purged.
        "FEEDBACK_RETENTION_DAYS": _optional_int("FEEDBACK_RETENTION_DAYS"),
        # Proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are trusted; the
        # client address is only used, HMAC'd, for rate limits.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", 0)),
    }


BASE = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
    # None: every language the data file lists whose catalogue is complete; a tuple narrows it.
    "LANGUAGES": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": 3600,
    "RATELIMIT_HEADERS_ENABLED": True,
    "JSON_SORT_KEYS": False,
}


class ConfigError(RuntimeError):
    """The configuration is unsafe to run with."""


def check_production(config: dict) -> None:
    """Refuse to start in production with a default secret, debug on or no public base URL."""
    if config.get("ENV_NAME") != "production":
        return
    if config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET):
        raise ConfigError("SECRET_KEY must be set to a random value in production")
    if config.get("DEBUG"):
        raise ConfigError("DEBUG must be off in production")
    # Feed UIDs and QR codes must not depend on the Host header a client sends.
    if not str(config.get("PUBLIC_BASE_URL") or "").startswith(("https://", "http://")):
        raise ConfigError(
            "PUBLIC_BASE_URL must be set in production, like https://narvaro.example.se"
        )
