"""The Flask application factory: config, extensions, blueprints, CLI, error pages."""

import importlib

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import config as settings
from webapp.config import PACKAGE, TEMPLATES
from webapp.database import configure_engine, end_writes
from webapp.extensions import babel, csrf, db, limiter, migrate
from webapp.routing import LazyBuildRule
from webapp.template_code import TEMPLATE_CODE


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error pages."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(PACKAGE / "static"),
        instance_path=str(settings.instance_dir()),
    )
    app.url_rule_class = LazyBuildRule
    app.jinja_options = {**app.jinja_options, "bytecode_cache": TEMPLATE_CODE}
    app.config.update(settings.BASE)
    app.config.update(settings.from_environment())
    app.config.update(overrides or {})
    settings.check_production(app.config)
    _ensure_sqlite_folder(app)

    _init_extensions(app)
    from webapp.i18n import LangConverter

    app.url_map.converters["lang"] = LangConverter
    _register_blueprints(app)
    _register_hooks(app)

    from webapp import cli, errors
    from webapp.addresses import MunicipalityAddresses
    from webapp.feeds import publish  # noqa: F401 - republishes feeds after a commit
    from webapp.pagecache import FrontCache

    errors.register(app)
    cli.register(app)
    # The municipality from the address (a prefix moves to SCRIPT_NAME), then the kept
    # public pages and feeds, served before Flask runs; behind the proxy fix, so they are
    # kept under the scheme and host the client asked for.
    app.wsgi_app = app.extensions["narvaro_addresses"] = MunicipalityAddresses(app.wsgi_app, app)
    app.wsgi_app = app.extensions["narvaro_front_cache"] = FrontCache(app.wsgi_app, app)
    app.wsgi_app.towns_for = app.extensions["narvaro_addresses"].towns_for
    if app.config.get("PROXY_HOPS"):
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


def _ensure_sqlite_folder(app):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        from pathlib import Path

        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def _render_type(type_, obj, autogen_context):
    """Migrations store UTCDateTime as a plain DateTime, so they never import the models."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime()"
    return False


def _init_extensions(app):
    from webapp.i18n import select_locale

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PACKAGE / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_type,
    )
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        configure_engine(db.engine)


def _register_blueprints(app):
    from webapp.api import municipalities, promises  # noqa: F401 - add api.municipalities, api.promises*
    from webapp.api.health import bp as health_bp
    from webapp.api.views import bp as api_bp
    from webapp.feeds.views import bp as feeds_bp
    from webapp.followup import bp as followup_bp
    from webapp.public import bp as public_bp
    from webapp.public import info, views  # noqa: F401 - their routes register on public.bp

    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    csrf.exempt(api_bp)

    from webapp.feedback.views import bp as feedback_bp

    app.register_blueprint(feedback_bp)
    csrf.exempt(feedback_bp)  # the form carries its own signed token: public pages set no cookies

    from webapp.staff import bp as staff_bp
    from webapp.staff.auth import init_app as init_staff_auth

    staff_pages()
    init_staff_auth(app)
    app.register_blueprint(staff_bp)


# Every module that adds pages (or hooks) to the staff blueprint: each registers them when
# imported, and this is the one place that imports them for that.
STAFF_PAGE_MODULES = (
    "webapp.report.views",
    "webapp.staff.account_admin_views",
    "webapp.staff.account_views",
    "webapp.staff.admin_views",
    "webapp.staff.cases",
    "webapp.staff.guards",
    "webapp.staff.inbox",
    "webapp.staff.login_views",
    "webapp.staff.oidc_logout",
    "webapp.staff.oidc_views",
    "webapp.staff.office_views",
    "webapp.staff.posters",
    "webapp.staff.presence_views",
    "webapp.staff.promise_views",
    "webapp.staff.reset_views",
    "webapp.staff.two_step_views",
    "webapp.staff.week_views",
)


def staff_pages() -> tuple:
    """The modules of STAFF_PAGE_MODULES, imported (their pages registered)."""
    return tuple(importlib.import_module(name) for name in STAFF_PAGE_MODULES)


def _register_hooks(app):
    from webapp import i18n, site, tenant
    from webapp.database import begin_writes
    from webapp.models import working_at
    from webapp.security import add_security_headers

    app.url_value_preprocessor(i18n.pull_lang)
    app.url_defaults(i18n.push_lang)

    @app.before_request
    def _write_intent():
        # The request's time, read once at the edge; changes in this request carry it.
        working_at(db.session, site.now())
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            begin_writes()

    app.before_request(tenant.scope_request)
    app.before_request(i18n.check_lang)

    @app.teardown_request
    def _reset(_exc):
        end_writes()

    @app.after_request
    def _headers(response):
        https = request.is_secure or app.config["PREFERRED_URL_SCHEME"] == "https"
        return add_security_headers(response, https=https, embeddable=bool(g.get("embeddable")))
