"""Languages: the user's choice (a remembered switch), else the browser, else French."""

from flask import current_app, request
from flask_babel import format_date, format_number, format_time, get_locale

from petitions import dates
from petitions.web.cookies import cookie_name


def language_cookie() -> str:
    """Return the language cookie's name (``__Host-`` prefixed with Secure cookies)."""
    return cookie_name("lang")


LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


def select_locale() -> str:
    """Return the language of this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = request.cookies.get(language_cookie())
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def select_timezone() -> str:
    """Return the legal time zone: every date shown is a Brussels date."""
    return dates.zone()


def current_language() -> str:
    """Return the language code of the current request."""
    return str(get_locale())


def register_template_helpers(app) -> None:
    """Give templates the language list and date helpers."""

    @app.context_processor
    def _languages():
        return {
            "language_names": LANGUAGE_NAMES,
            "current_language": current_language(),
        }

    @app.template_filter("number")
    def _number(value):
        return format_number(value)

    @app.template_filter("legal_datetime")
    def _legal_datetime(moment):
        # A day and an hour in the legal time zone (Flask-Babel converts to it): people
        # read "17 octobre 2026, 22:31", not seconds and UTC offsets.
        if not moment:
            return ""
        return f"{format_date(moment, format='long')}, {format_time(moment, format='short')}"

    @app.template_filter("legal_date")
    def _legal_date(day):
        return format_date(day, format="long") if day else ""
