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


def _rate_limit(name: str, default: str) -> str:
    """A limit like "300 per hour"; a typo stops the start with a message, not a 500 later."""
    from limits import parse  # noqa: PLC0415 - only needed to check the value

    value = os.environ.get(name, "").strip() or default
    try:
        parse(value)
    except ValueError:
        raise ConfigError(f'{name} must be a rate like "300 per hour", not {value!r}') from None
    return value


def _seconds(name: str, default: float) -> float:
    """A duration in seconds like "0.4"; a typo stops the start with a message, not a 500."""
    value = os.environ.get(name, "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 10:  # also refuses nan and inf
        raise ConfigError(f"{name} must be a number of seconds from 0 to 10, not {value!r}")
    return seconds


def instance_dir() -> Path:
    """Where the default SQLite database lives (NARVARO_INSTANCE overrides)."""
    return Path(os.environ.get("NARVARO_INSTANCE", ROOT / "instance"))


def from_environment() -> dict:
    """Read every setting the app knows from the environment."""
    instance = instance_dir()
    return {
        "ENV_NAME": os.environ.get("NARVARO_ENV", "development"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEFAULT_SECRET),
        # Earlier keys, separated by spaces: sessions they signed and two-step secrets they
        # sealed still open, so SECRET_KEY can be replaced without locking anyone out.
        "SECRET_KEY_FALLBACKS": os.environ.get("SECRET_KEY_FALLBACKS", "").split(),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance / 'narvaro.db'}"
        ),
        "CALENDAR_FILE": os.environ.get("CALENDAR_FILE", str(CALENDARS / "savsjo.toml")),
        # Used for feed UIDs and for links printed outside the site (QR codes, webcal://).
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL", "memory://"),
        # Kept public pages and feeds are shared by all workers through Redis when set
        # (webapp.pagecache); unset, each worker keeps its own, checked against the database.
        "PAGE_CACHE_REDIS_URL": os.environ.get(
            "PAGE_CACHE_REDIS_URL", os.environ.get("REDIS_URL", "")
        ),
        # Subscription feeds written here as files for nginx to serve (webapp.feeds.publish,
        # deploy/README.md); unset, nothing is published and the app answers every feed.
        "FEED_PUBLISH_DIR": os.environ.get("FEED_PUBLISH_DIR", ""),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 64 * 1024)),
        # Residents' feedback is an official record: kept until this many days old, then
        # `flask purge-feedback` may remove it (after exporting it). Unset: never purged.
        "FEEDBACK_RETENTION_DAYS": _optional_int("FEEDBACK_RETENTION_DAYS"),
        # Feedback submissions from everyone together, counted only once a submission has
        # passed the token, honeypot and time checks: a cap on what staff must read.
        "FEEDBACK_ALL_CLIENTS_LIMIT": _rate_limit("FEEDBACK_ALL_CLIENTS_LIMIT", "300 per hour"),
        # Proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are trusted; the
        # client address is only used, HMAC'd, for rate limits.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", 0)),
        # Two-step login: "required-for-admin" (default), "required" or "optional".
        # Password hashes at a time per worker process, seconds to wait for one, and the
        # hashing threads' nice value (accounts.passwords.HashingLimits).
        # Measured with bench/login_capacity.py (deploy/README.md, "Logins under load").
        "ARGON2_SLOTS": int(os.environ.get("ARGON2_SLOTS", 2)),
        "ARGON2_WAIT": float(os.environ.get("ARGON2_WAIT", 3)),
        "ARGON2_NICE": int(os.environ.get("ARGON2_NICE", 10)),
        "STAFF_MFA": os.environ.get("STAFF_MFA", "required-for-admin"),
        # The forgotten-password page answers no sooner than this many seconds after the
        # request reached it, so a known address (a link written, a mail sent) answers as
        # soon as an unknown one. 0 turns it off.
        "FORGOT_ANSWER_FLOOR": _seconds("FORGOT_ANSWER_FLOOR", 0.4),
        # Each request to an OpenID Provider (discovery, keys, token) gives up after this many
        # seconds: a slow provider gets a 503 page, not a hung worker.
        "OIDC_TIMEOUT": _seconds("OIDC_TIMEOUT", 5),
        **mail_settings(),
    }


def mail_settings() -> dict:
    """SMTP for password links; without MAIL_SERVER no mail is sent (admins hand links over)."""
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", ""),
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
    # Redis unreachable: count in each process's memory instead of failing (see /health).
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_SWALLOW_ERRORS": True,
    # Fail over quickly when Redis hangs instead of holding the request.
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
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
