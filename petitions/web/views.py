"""The language switch: remember the visitor's choice and go back to their page."""

from flask import Blueprint, current_app, redirect, request

from petitions.web.languages import remember_language
from petitions.web.urls import local_path

bp = Blueprint("i18n", __name__)


@bp.get("/language/<code>")
def switch(code: str):
    """Remember the chosen language and go back to the page the user was on."""
    response = redirect(local_path(request.args.get("next")) or "/")
    if code in current_app.config["LANGUAGES"]:
        remember_language(response, code)
    return response
