"""GET /health: can the app write to its database, and do its shared rate limits answer?

200 only when everything works. 503 with "unavailable" when the database can't be written
(down, read-only, full), and with "degraded" when only the rate-limit storage (Redis) is
unreachable: the site still works, counting limits per process, but monitoring must see it.
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError

from webapp import ratelimits, site
from webapp.extensions import db
from webapp.models import SpentFeedbackToken

bp = Blueprint("health", __name__)


def _database_writable() -> bool:
    """A real write: forget expired feedback tokens, and commit."""
    try:
        db.session.execute(
            delete(SpentFeedbackToken).where(SpentFeedbackToken.expires_at < site.now())
        )
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", type(error).__name__)
        return False
    return True


@bp.get("/health")
def health():
    database = _database_writable()
    rate_limits = ratelimits.storage_reachable()
    if not rate_limits:
        current_app.logger.warning("health check: rate-limit storage unreachable")
    status = "ok" if database and rate_limits else "degraded" if database else "unavailable"
    response = jsonify(
        status=status,
        database="ok" if database else "unavailable",
        rate_limits="ok" if rate_limits else "unavailable",
    )
    response.status_code = 200 if status == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response
