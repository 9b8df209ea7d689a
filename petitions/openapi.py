"""The OpenAPI 3.1 document of the public API."""

_DATE = {"type": ["string", "null"], "format": "date"}

INITIATIVE_SCHEMA = {
    "type": "object",
    "required": ["slug", "state", "titles", "threshold", "confirmed_count"],
    "properties": {
        "slug": {"type": "string"},
        "register_number": {"type": ["string", "null"], "example": "2027-004"},
        "state": {
            "type": "string",
            "enum": [
                "inadmissible",
                "collecting",
                "closed",
                "filed",
                "verified",
                "insufficient",
                "with_council",
                "decided",
                "withdrawn",
            ],
        },
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
        "council_days_left": {"type": ["integer", "null"]},
    },
}


def openapi_document() -> dict:
    """Return the API description."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "City of Brussels citizens' initiatives",
            "version": "1.0.0",
            "description": "Public, read-only data on citizens' initiatives. Dates are "
            "legal days in Europe/Brussels.",
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
                        "404": {"description": "No public initiative with this slug"},
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health check",
                    "responses": {
                        "200": {"description": "The database is reachable"},
                        "503": {"description": "The database is not reachable"},
                    },
                }
            },
        },
        "components": {"schemas": {"Initiative": INITIATIVE_SCHEMA}},
    }
