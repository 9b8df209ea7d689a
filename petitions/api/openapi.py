"""The OpenAPI 3.1 document of the public API.

Its enums come from the code (the public states, the council's outcomes, the public
timeline's actions), so that a value the API can answer is never one the document
rules out.
"""

from petitions.initiatives.labels import ACTION_LABELS
from petitions.initiatives.queries import PUBLIC_STATES
from petitions.models import Outcome

# The states of the initiatives the API shows (drafts and submissions are not public).
STATES = [state.value for state in PUBLIC_STATES]

OUTCOMES = [outcome.value for outcome in Outcome]

# The actions of the public timeline. No module owns that list yet: the audit log marks
# entries public one call at a time (audit.record(..., public=True), and move_to, whose
# public defaults to True). ACTION_LABELS is the one place that names them all, because
# the timeline and the feed show each with its label, and it names nothing else.
PUBLIC_ACTIONS = list(ACTION_LABELS)

_DATE = {"type": ["string", "null"], "format": "date"}

_INSTANT = {"type": ["string", "null"], "format": "date-time"}

TIMELINE_ENTRY_SCHEMA = {
    "type": "object",
    "required": ["at", "action", "reason", "details"],
    "properties": {
        "at": {
            "type": "string",
            "format": "date-time",
            "description": "When the step was recorded (an instant, UTC).",
        },
        "action": {
            "type": "string",
            "description": "The step.",
            "enum": PUBLIC_ACTIONS,
        },
        "reason": {
            "type": "string",
            "description": "The published reasons of a decision (empty when none).",
        },
        "details": {
            "type": "object",
            "description": "What the step set, by action: register_number (admissible); "
            "failed checklist items (inadmissible); confirmed (closed); "
            "council_deadline (filed); valid, invalid (verified, insufficient); "
            "starts_at, place (consultation-scheduled); agenda_date (agenda-set); "
            "outcome, vote_date, minutes_url (decided); root, leaf_count "
            "(dossier-exported: the Merkle root and the number of signatures of the "
            "certified dossier sent to the council).",
            "additionalProperties": True,
        },
    },
}

INITIATIVE_SCHEMA = {
    "type": "object",
    "required": [
        "slug",
        "state",
        "titles",
        "threshold",
        "confirmed_count",
        "overdue",
    ],
    "properties": {
        "slug": {"type": "string"},
        "register_number": {"type": ["string", "null"], "example": "2027-004"},
        "state": {"type": "string", "enum": STATES},
        "titles": {
            "type": "object",
            "description": "Title per language code (fr, nl, en).",
            "additionalProperties": {"type": "string"},
        },
        "threshold": {"type": "integer"},
        "confirmed_count": {"type": "integer", "description": "Confirmed signatures."},
        "collection_starts_on": _DATE,
        "collection_ends_on": _DATE,
        "council_deadline": {
            **_DATE,
            "description": "Last day for the council's vote.",
        },
        "council_days_left": {
            "type": ["integer", "null"],
            "description": "Legal days left for the council's vote, the deadline "
            "included; null when no council clock runs (before filing, after the vote).",
        },
        "filed_at": {
            **_INSTANT,
            "description": "When the initiative was filed with the council.",
        },
        "overdue": {
            "type": "boolean",
            "description": "The council's deadline passed without a recorded vote.",
        },
        "outcome": {
            "type": ["string", "null"],
            "enum": [*OUTCOMES, None],
            "description": "The council's decision, once voted.",
        },
        "vote_date": {**_DATE, "description": "Day of the council's vote."},
        "minutes_url": {
            "type": ["string", "null"],
            "format": "uri",
            "description": "The minutes of the council meeting that voted.",
        },
        "timeline": {
            "type": "array",
            "description": "Public steps, oldest first (in the detail only).",
            "items": {"$ref": "#/components/schemas/TimelineEntry"},
        },
    },
}

COUNT_LOG_ENTRY_SCHEMA = {
    "type": "object",
    "description": "One day's entry of the public count log. hash = SHA-256 (hex) of "
    "the canonical JSON (keys sorted, no spaces, UTF-8) of every other field, prev_hash "
    "included; prev_hash = the previous entry's hash (64 zeros for the first). "
    "confirmed_count = the previous count (0 before the first) + confirmations - "
    "withdrawals - invalidations (0 when absent).",
    "required": [
        "initiative",
        "seq",
        "day",
        "published_at",
        "confirmed_count",
        "root",
        "changes",
        "prev_hash",
        "hash",
    ],
    "properties": {
        "initiative": {"type": "string", "description": "The initiative's slug."},
        "seq": {"type": "integer", "description": "1 for the first entry, then +1."},
        "day": {
            "type": "string",
            "format": "date",
            "description": "The legal day (Europe/Brussels) of the entry.",
        },
        "published_at": {"type": "string", "format": "date-time"},
        "confirmed_count": {"type": "integer"},
        "root": {
            "type": "string",
            "description": "RFC 6962 Merkle root (hex, SHA-256) over the counted "
            "signatures' receipt commitments, in signature order.",
        },
        "changes": {
            "type": "object",
            "description": "What moved the count since the previous entry.",
            "properties": {
                "confirmations": {"type": "integer"},
                "withdrawals": {"type": "integer"},
                "invalidations": {
                    "type": "integer",
                    "description": "Signatures the secretariat invalidated in a "
                    "batch (see the timeline for the reason).",
                },
                "verdicts": {
                    "type": "object",
                    "description": "The register check's totals at publication.",
                    "properties": {
                        "valid": {"type": "integer"},
                        "invalid": {"type": "integer"},
                    },
                },
            },
        },
        "audit_head": {
            "type": "object",
            "description": "The audit log's last entry at publication (absent from "
            "entries published before it was anchored): keep it to check later that "
            "the audit log was neither shortened nor rewritten.",
            "properties": {"seq": {"type": "integer"}, "hash": {"type": "string"}},
        },
        "prev_hash": {"type": "string"},
        "hash": {"type": "string"},
    },
}


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string", "enum": ["not_found"]}},
}

HEALTH_SCHEMA = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]}},
}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


_NOT_FOUND = {
    "description": "No public initiative with this slug",
    "content": _json({"$ref": "#/components/schemas/Error"}),
}

_HEALTH = _json({"$ref": "#/components/schemas/Health"})


def openapi_document() -> dict:
    """Return the API description."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "City of Brussels citizens' initiatives",
            "version": "1.0.0",
            "description": "Public, read-only data on citizens' initiatives. Dates are "
            "legal days in Europe/Brussels. An Atom feed of the initiatives' steps is "
            "at /feed.atom (one initiative: /initiatives/{slug}/feed.atom).",
        },
        "paths": {
            "/api/v1/initiatives": {
                "get": {
                    "summary": "List public initiatives",
                    "responses": {
                        "200": {
                            "description": "The initiatives",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["initiatives"],
                                        "properties": {
                                            "initiatives": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/Initiative"
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        }
                    },
                }
            },
            "/api/v1/initiatives/{slug}": {
                "get": {
                    "summary": "One initiative",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The initiative",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "$ref": "#/components/schemas/Initiative"
                                    }
                                }
                            },
                        },
                        "404": _NOT_FOUND,
                    },
                }
            },
            "/api/v1/initiatives/{slug}/log": {
                "get": {
                    "summary": "The daily, hash-chained count log of an initiative",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The entries, oldest first",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["initiative", "entries"],
                                        "properties": {
                                            "initiative": {"type": "string"},
                                            "entries": {
                                                "type": "array",
                                                "items": {
                                                    "$ref": "#/components/schemas/CountLogEntry"
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "404": _NOT_FOUND,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health check",
                    "responses": {
                        "200": {
                            "description": "The database is reachable",
                            "content": _HEALTH,
                        },
                        "503": {
                            "description": "The database is not reachable",
                            "content": _HEALTH,
                        },
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Initiative": INITIATIVE_SCHEMA,
                "TimelineEntry": TIMELINE_ENTRY_SCHEMA,
                "CountLogEntry": COUNT_LOG_ENTRY_SCHEMA,
                "Error": ERROR_SCHEMA,
                "Health": HEALTH_SCHEMA,
            }
        },
    }
