"""Languages: the user's choice (a remembered switch), else the browser, else French."""

from flask import current_app, request
from flask_babel import format_date, format_number, format_time, get_locale
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from petitions import dates
from petitions.web.cookies import cookie_name


def language_cookie() -> str:
    """Return the language cookie's name (``__Host-`` prefixed with Secure cookies)."""
    return cookie_name("lang")


LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


# The field by which the language switch of a form's answer re-posts what was typed.
SWITCH_FIELD = "switch_language"


def switched_language() -> str | None:
    """Return the language chosen by re-posting a form's answer, if it was."""
    if request.method != "POST":
        return None
    try:
        chosen = request.form.get(SWITCH_FIELD)
    except HTTPException:
        return None
    return chosen if chosen in current_app.config["LANGUAGES"] else None


def remember_language(response, code: str) -> None:
    """Keep the chosen language in its cookie for a year."""
    response.set_cookie(
        language_cookie(),
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def _remember_switched_language(response):
    chosen = switched_language()
    if chosen is not None:
        remember_language(response, chosen)
    return response


def reposted_fields() -> list[tuple[str, str]]:
    """Return what a form's answer re-posts when its language is switched.

    Everything that was posted, so that the same page comes back in the other
    language with what was typed (and its errors); never a password.
    """
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != SWITCH_FIELD and "password" not in name
    ]


def answers_a_post_only_route() -> bool:
    """Say whether this is the answer to a POST whose address has no page to GET.

    Its language switch cannot go back to that address (405, and what was typed is
    lost): it re-posts the form instead.
    """
    if request.method != "POST":
        return False
    try:
        request.form  # noqa: B018 - a body too large to read has nothing to re-post
    except HTTPException:
        return False
    adapter = current_app.url_map.bind("", url_scheme=request.scheme)
    try:
        adapter.match(request.path, method="GET")
    except MethodNotAllowed:
        return True
    except HTTPException:
        return False
    return False


def select_locale() -> str:
    """Return the language of this request."""
    languages = current_app.config["LANGUAGES"]
    chosen = switched_language() or request.cookies.get(language_cookie())
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
    """Give templates the language list and date helpers; remember a re-posted switch."""
    app.after_request(_remember_switched_language)
    app.jinja_env.globals.update(
        answers_a_post_only_route=answers_a_post_only_route,
        reposted_fields=reposted_fields,
        switch_field=SWITCH_FIELD,
    )

    @app.context_processor
    def _languages():
        return {
            "language_names": LANGUAGE_NAMES,
            "current_language": current_language(),
        }

    @app.template_filter("in_days")
    def _in_days(seconds):
        # A link's lifetime is configured in seconds; people read it in whole days.
        return int(seconds) // 86400

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
