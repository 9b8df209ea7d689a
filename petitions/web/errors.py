"""Error pages: a clear message in the user's language, never a stack trace or data."""

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from petitions.web.tokens import LinkProblem


def _page(status: int, title: str, message: str):
    return render_template("errors/error.html", title=title, message=message), status


def register(app) -> None:
    """Map HTTP errors and unusable links to friendly pages."""

    @app.before_request
    def _readable_query():
        # Browsers send a query string percent-encoded; raw bytes that are not UTF-8
        # can only be typed by hand or by a tool, and Werkzeug cannot read them.
        try:
            request.query_string.decode()
        except UnicodeDecodeError:
            # Dropped, so that the error page (whose language links repeat the
            # page's query) can be built; the request is refused all the same.
            request.query_string = b""
            abort(400)
        # A NUL character (%00) is never part of an address or a slug, and PostgreSQL
        # refuses it in any text it is asked to compare.
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, value in request.args.items(multi=True)
        ):
            request.query_string = b""
            abort(400)

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return _page(
            400,
            _("The form has expired"),
            _(
                "For your security, forms are valid for a limited time and only on this "
                "site. Please go back, reload the page and send the form again."
            ),
        )

    @app.errorhandler(LinkProblem)
    def _link_problem(problem: LinkProblem):
        # One page for every link from an e-mail; its advice depends on the link's use.
        page = render_template(
            "errors/link_problem.html", purpose=problem.purpose, expired=problem.expired
        )
        return page, problem.status

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error):
        # Answered 400 like any other bad form: the request is refused whole.
        return _page(
            400,
            _("The form is too large"),
            _("What you sent is far larger than this form allows. Nothing was saved."),
        )

    @app.errorhandler(HTTPException)
    def _http(error):
        titles = {
            400: _("The request could not be understood"),
            404: _("Page not found"),
            405: _("This action is not possible here"),
        }
        if error.code == 404:
            message = _(
                "The page you asked for does not exist or is no longer available."
            )
        else:
            message = _("Please go back and try again.")
        return _page(
            error.code or 500,
            titles.get(error.code, _("Something went wrong")),
            message,
        )

    @app.errorhandler(500)
    def _server_error(error):
        return _page(
            500,
            _("Something went wrong"),
            _(
                "Please try again in a few minutes. Nothing you sent was lost or half-saved."
            ),
        )
