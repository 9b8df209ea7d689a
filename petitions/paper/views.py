"""The printable signature sheet: A4, in French and Dutch, for signing in person.

A sheet is always bilingual, whoever prints it: it goes from hand to hand in a bilingual
City. Its words are therefore written here in both languages, as in the dossier's PDF,
and not in the translation catalogues. The first page carries the registered text (or
its summary and the address of the full text), the privacy notice and a QR code to the
online page; the second, in landscape, the consent statement and ten numbered rows with
the fields of the online form.
"""

from flask import Blueprint, abort, make_response

from petitions.initiatives.queries import get_initiative_or_404
from petitions.models import InitiativeState
from petitions.paper.operations import paper_count
from petitions.paper.sheet import build_sheet

bp = Blueprint("paper", __name__)


@bp.get("/initiatives/<slug>/sheet.pdf")
def sheet(slug: str):
    """Send the printable signature sheet of an initiative that collects signatures."""
    initiative = get_initiative_or_404(slug)
    if initiative.state is not InitiativeState.collecting:
        abort(404)
    response = make_response(build_sheet(initiative))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'inline; filename="signatures-{initiative.slug}.pdf"'
    )
    return response


@bp.app_context_processor
def _paper_helpers():
    # "Of which N on paper" on the public and the secretariat's initiative pages.
    return {"paper_count": paper_count}
