"""Extensions, created unbound and bound to the app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from webapp.models.base import Base


def _no_client_key() -> str:
    # Per-client keys would mean handling IP addresses; routes set their own key functions.
    return "global"


# Plain SQLAlchemy models (webapp.models) on their own metadata; Flask-SQLAlchemy gives the
# request-scoped session and the engine.
db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=_no_client_key, default_limits=[])
