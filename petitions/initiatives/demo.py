"""A demo initiative in collection, for the embedded default."""

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from petitions import dates
from petitions.extensions import db
from petitions.initiatives.rules import collection_ends_on
from petitions.models import Initiative, InitiativeState, InitiativeText

DEMO_SLUG = "more-trees-in-our-streets"

DEMO_TEXTS = {
    "fr": (
        "Plus d'arbres dans nos rues",
        "Planter 1 000 arbres d'alignement dans les rues de la Ville d'ici 2030.",
        "Le conseil communal décide de planter au moins 1 000 arbres d'alignement dans "
        "les rues de la Ville de Bruxelles d'ici 2030, en priorité dans les quartiers "
        "les moins verts, et de publier chaque année l'état d'avancement.",
    ),
    "nl": (
        "Meer bomen in onze straten",
        "Tegen 2030 1.000 laanbomen planten in de straten van de Stad.",
        "De gemeenteraad beslist om tegen 2030 ten minste 1.000 laanbomen te planten in "
        "de straten van de Stad Brussel, met voorrang voor de minst groene wijken, en "
        "jaarlijks de stand van zaken te publiceren.",
    ),
    "en": (
        "More trees in our streets",
        "Plant 1,000 street trees in the City's streets by 2030.",
        "The municipal council decides to plant at least 1,000 street trees in the "
        "streets of the City of Brussels by 2030, first in the least green "
        "neighbourhoods, and to publish the progress every year.",
    ),
}


def add_demo_initiative(now: datetime) -> bool:
    """Add the demo initiative unless it exists; say whether it was added."""
    if db.session.scalar(select(Initiative.id).where(Initiative.slug == DEMO_SLUG)):
        return False
    config = current_app.config
    today = dates.day_of(now)
    initiative = Initiative(
        slug=DEMO_SLUG,
        register_number=f"{today.year}-001",
        state=InitiativeState.collecting,
        initiators="Collectif Rues Vertes / Collectief Groene Straten",
        threshold=config["SIGNATURE_THRESHOLD"],
        collection_starts_on=today,
        collection_ends_on=collection_ends_on(today),
        created_at=now,
    )
    initiative.texts = [
        InitiativeText(language=lang, title=t, summary=s, body=b)
        for lang, (t, s, b) in DEMO_TEXTS.items()
    ]
    db.session.add(initiative)
    db.session.flush()
    return True
