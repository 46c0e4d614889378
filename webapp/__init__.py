"""Närvaro: when and where residents can meet the police.

`flask --app webapp` finds create_app here. The application is built in webapp.app, imported
only when called, so that importing the domain (webapp.schedule, webapp.models) loads no Flask.
"""


def create_app(overrides: dict | None = None):
    """Build the app: config, extensions, blueprints, CLI, error pages."""
    from webapp.app import create_app as build

    return build(overrides)
