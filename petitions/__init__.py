"""The citizens' initiative service of the City of Brussels (Flask application)."""

import os

from flask import Flask

from petitions import config as default_config


class ConfigurationError(RuntimeError):
    """The app is configured in a way it must not run with."""


def configured_app(test_config: dict | None = None) -> Flask:
    """Return the bare application with its configuration read, and nothing more.

    Defaults, instance/config.py, PETITIONS_* env, test mapping, then the paths that
    default to the instance folder. create_app builds on it; `flask --app petitions
    check` (petitions/preflight/) reads the very same configuration without refusing it,
    so as to report every problem of it.
    """
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )
    app.config.from_object(default_config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PETITIONS")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _fill_instance_defaults(app)
    return app


def create_app(test_config: dict | None = None) -> Flask:
    """Create the application: defaults, instance/config.py, PETITIONS_* env, test mapping."""
    app = configured_app(test_config)
    if not app.testing:
        # Tests leave the log to pytest (caplog), which has its own handlers.
        from petitions.logs import configure_logging

        configure_logging(app.config)
    _refuse_weak_secrets(app)
    _secure_cookies(app)

    from petitions.extensions import babel, csrf, db, migrate
    from petitions.web import caching, errors, headers, languages
    from petitions.web.languages import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=migrations_directory(app))
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=select_timezone
    )
    csrf.init_app(app)
    from petitions.web import limits, proxies

    proxies.trust_proxies(app)
    limits.init_app(app)

    from petitions.database import configure_engine_events

    with app.app_context():
        configure_engine_events(db.engine)

    _register_blueprints(app)
    errors.register(app)
    caching.init_app(app)
    headers.init_app(app)
    languages.register_template_helpers(app)

    from petitions.cli import register_cli

    register_cli(app)
    return app


def migrations_directory(app: Flask) -> str:
    """Return the folder of the Alembic migrations, beside the package."""
    return os.path.join(app.root_path, "..", "migrations")


def _register_blueprints(app: Flask) -> None:
    # Imported here, once the app exists (the Flask tutorial's pattern). The
    # secretariat's key-using and paper pages, and the initiators' guide, add their
    # routes to their feature's blueprint.
    from petitions.api import views as api
    from petitions.extensions import csrf
    from petitions.initiators import guide as _initiators_guide  # noqa: F401
    from petitions.initiators import views as initiators
    from petitions.paper import views as paper
    from petitions.public import about, feed, sharing
    from petitions.public import views as public
    from petitions.receipts import views as receipts
    from petitions.secretariat import fraud as _secretariat_fraud  # noqa: F401
    from petitions.secretariat import login as _secretariat_login  # noqa: F401
    from petitions.secretariat import paper as _secretariat_paper  # noqa: F401
    from petitions.secretariat import register as _secretariat_register  # noqa: F401
    from petitions.secretariat import views as secretariat
    from petitions.signing import views as signing
    from petitions.web import views as web

    for module in (
        public,
        signing,
        api,
        feed,
        web,
        initiators,
        secretariat,
        receipts,
        paper,
        about,
        sharing,
    ):
        app.register_blueprint(module.bp)
    # The API is read-only and public: no form, no session, nothing to forge.
    csrf.exempt(api.bp)


def _fill_instance_defaults(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = os.path.join(app.instance_path, "petitions.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    if not app.config.get("MAIL_FILE_DIRECTORY"):
        app.config["MAIL_FILE_DIRECTORY"] = os.path.join(app.instance_path, "mail")
    keys = app.config.get("KEYS_DIRECTORY") or os.path.join(app.instance_path, "keys")
    app.config["KEYS_DIRECTORY"] = keys
    for key, name in (
        ("SEALING_PUBLIC_KEY_FILE", "sealing-public.pem"),
        ("DOSSIER_PUBLIC_KEY_FILE", "dossier-public.pem"),
    ):
        if not app.config.get(key):
            app.config[key] = os.path.join(keys, name)
    if "CLOCK" not in app.config:
        from petitions.models import utcnow

        app.config["CLOCK"] = utcnow


def is_development(app: Flask) -> bool:
    """Say whether this is a developer's machine or the tests (``DEVELOPMENT``).

    ``--debug`` does not make it one: a production configuration stays checked.
    """
    return app.testing or bool(app.config.get("DEVELOPMENT"))


def weak_secret_problem(value) -> str | None:
    """Say what is wrong with a secret key, or None when it will do."""
    if value in (None, "", default_config.DEFAULT_SECRET):
        return "is the development default"
    if str(value).startswith(default_config.SAMPLE_SECRET_PREFIX):
        return "is the sample's placeholder"
    if len(str(value).encode()) < default_config.MIN_SECRET_BYTES:
        return f"is shorter than {default_config.MIN_SECRET_BYTES} bytes"
    return None


def secret_problems(config) -> list[str]:
    """Say what is wrong with SECRET_KEY and IDENTITY_KEY, and what to do, one line each."""
    return [
        f"{key} {problem}: set a long random value in instance/config.py or "
        f"PETITIONS_{key} (python -c 'import secrets; "
        "print(secrets.token_urlsafe(48))' makes one)"
        for key in ("SECRET_KEY", "IDENTITY_KEY")
        if (problem := weak_secret_problem(config.get(key)))
    ]


def _refuse_weak_secrets(app: Flask) -> None:
    if is_development(app):
        return
    problems = secret_problems(app.config)
    if problems:
        raise ConfigurationError("; ".join(problems))


def _secure_cookies(app: Flask) -> None:
    # Outside development every cookie is Secure and __Host- prefixed: sent over HTTPS
    # only, to this host only, and no subdomain or plain-HTTP page can plant one.
    if is_development(app):
        return
    app.config["SESSION_COOKIE_SECURE"] = True
    if app.config["SESSION_COOKIE_NAME"] == "session":
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
