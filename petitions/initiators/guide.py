"""How starting an initiative works: the page that leads initiators in.

Every figure comes from the configuration and the admissibility criteria are the
secretariat's own checklist questions, so the page cannot drift from the rules applied.
"""

from flask import current_app, render_template

from petitions.initiators.views import bp
from petitions.secretariat.forms import checklist_questions


@bp.get("/how-it-works")
def how_it_works():
    """Explain who may start, the admissibility check, the collection and its outcomes."""
    config = current_app.config
    return render_template(
        "initiators/how_it_works.html",
        criteria=list(checklist_questions().values()),
        threshold=config["SIGNATURE_THRESHOLD"],
        collection_months=config["COLLECTION_MONTHS"],
        council_months=config["COUNCIL_DEADLINE_MONTHS"],
        max_representatives=config["MAX_REPRESENTATIVES"],
        retention_months=config["RETENTION_ENDED_MONTHS"],
    )
