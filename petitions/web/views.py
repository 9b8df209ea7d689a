"""The language switch: remember the visitor's choice and go back to their page."""

from flask import Blueprint, current_app, redirect, request

from petitions.web.languages import language_cookie
from petitions.web.urls import local_path

bp = Blueprint("i18n", __name__)


@bp.get("/language/<code>")
def switch(code: str):
    """Remember the chosen language and go back to the page the user was on."""
    response = redirect(local_path(request.args.get("next")) or "/")
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            language_cookie(),
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
