"""The words each audience reads for a state, an action, an outcome or a reason.

One home for every label: the public pages, the initiators' dashboard and the
secretariat name the same state differently (what a resident needs to know, what an
initiator waits for, what the staff must do next), so each audience has its table.
"""

from flask_babel import lazy_gettext as _l

from petitions.models import InitiativeState

S = InitiativeState

# What the initiators' dashboard says of their initiative.
INITIATOR_STATE_LABELS = {
    S.draft: _l("Draft"),
    S.submitted: _l("Submitted: the secretariat checks admissibility"),
    S.inadmissible: _l("Inadmissible"),
    S.collecting: _l("Collecting signatures"),
    S.closed: _l("Closed: the collection ended below the threshold"),
    S.filed: _l("Filed with the council: signatures being verified"),
    S.verified: _l("Signatures verified"),
    S.insufficient: _l("Not enough valid signatures"),
    S.with_council: _l("With the council"),
    S.decided: _l("Decided by the council"),
    S.withdrawn: _l("Withdrawn"),
}

MAIL_LABELS = {
    "confirm-representative": _l("Request to confirm as representative"),
    "management-link": _l("Management link"),
    "admissibility-decision": _l("Admissibility decision"),
    "threshold-reached": _l("Threshold reached"),
    "initiative-filed": _l("Filed with the council"),
    "verification-result": _l("Result of the signature verification"),
    "consultation-scheduled": _l("Consultation meeting scheduled"),
    "council-decided": _l("The council's decision"),
}

# What residents read on the public pages (drafts and submissions are not public).
PUBLIC_STATE_LABELS = {
    S.inadmissible: _l("Inadmissible"),
    S.collecting: _l("Collecting signatures"),
    S.closed: _l("Closed: not enough signatures"),
    S.filed: _l("Filed with the council; signatures being verified"),
    S.verified: _l("Signatures verified; awaiting the council"),
    S.insufficient: _l("Not enough valid signatures"),
    S.with_council: _l("With the municipal council"),
    S.decided: _l("Decided by the municipal council"),
    S.withdrawn: _l("Withdrawn by the initiators"),
}

# The public timeline names each audited action in the reader's language.
ACTION_LABELS = {
    "submitted": _l("Submitted to the council secretariat"),
    "admissible": _l("Declared admissible: signature collection opened"),
    "inadmissible": _l("Declared inadmissible"),
    "withdrawn": _l("Withdrawn by the initiators"),
    "closed": _l("Collection period ended below the threshold"),
    "threshold-reached": _l("Signature threshold reached"),
    "filed": _l("Filed with the municipal council"),
    "verified": _l("Signatures verified: threshold reached"),
    "insufficient": _l("Signatures verified: not enough valid signatures"),
    "with-council": _l("Taken up by the municipal council"),
    "consultation-scheduled": _l("Consultation meeting scheduled"),
    "agenda-set": _l("Put on the council's agenda"),
    "decided": _l("Decided by the municipal council"),
    "dossier-exported": _l("Certified dossier exported for the council"),
    "signatures-invalidated": _l("Signatures invalidated by the secretariat"),
}

OUTCOME_LABELS = {
    "adopted": _l("Adopted"),
    "amended": _l("Adopted with amendments"),
    "rejected": _l("Rejected"),
}


def action_label(action: str) -> str:
    """Return the reader's words for an audited action (the code when it has none)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def outcome_label(outcome) -> str:
    """Return the reader's words for a council outcome (enum or value)."""
    value = getattr(outcome, "value", outcome)
    return str(OUTCOME_LABELS.get(value, value or ""))


# What the secretariat's pages say: the next step for the staff.
STAFF_STATE_LABELS = {
    S.draft: _l("Draft"),
    S.submitted: _l("Submitted, to review"),
    S.inadmissible: _l("Inadmissible"),
    S.collecting: _l("Collecting signatures"),
    S.closed: _l("Closed below the threshold"),
    S.filed: _l("Filed, signatures to verify"),
    S.verified: _l("Verified, for the council"),
    S.insufficient: _l("Not enough valid signatures"),
    S.with_council: _l("With the council"),
    S.decided: _l("Decided by the council"),
    S.withdrawn: _l("Withdrawn"),
}

REASONS = (
    "not_registered",
    "not_resident",
    "under_age",
    "duplicate",
    "unreadable",
    "other",
)

REASON_LABELS = {
    "not_registered": _l("Not registered in the population register"),
    "not_resident": _l("Not living in the City"),
    "under_age": _l("Under age"),
    "duplicate": _l("Signed twice"),
    "unreadable": _l("Data unreadable or incomplete"),
    "other": _l("Other reason"),
    # Not a register code: the secretariat's batch invalidation (models.BULK_REASON).
    "secretariat": _l("Invalidated by the secretariat with a batch"),
}


# The street register names each neighbourhood of the City in French (its statistical
# "quartiers"); their official Dutch names, for Dutch pages. A name missing here
# shows in French, marked as French.
NEIGHBOURHOODS_NL = {
    "Pentagone": "Vijfhoek",
    "Laeken": "Laken",
    "Haren": "Haren",
    "Neder-Over-Heembeek": "Neder-Over-Heembeek",
    "Louise": "Louiza",
    "Quartier Nord": "Noordwijk",
    "Quartier Nord-Est": "Noordoostwijk",
    "Quartier européen": "Europese Wijk",
    "Marolles": "Marollen",
    "Sablon": "Zavel",
    "Bruxelles-Centre": "Brussel-Centrum",
}


def neighbourhood_name(name: str, language: str) -> tuple[str, str]:
    """Return a neighbourhood's name for a page in ``language``, and its own language."""
    if language == "nl" and name in NEIGHBOURHOODS_NL:
        return NEIGHBOURHOODS_NL[name], "nl"
    return name, "fr"
