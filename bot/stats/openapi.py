"""The OpenAPI document of the statistics API, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
_SPREAD = {
    "type": "object",
    "description": "Seconds; nearest-rank percentiles; null when there is nothing to measure.",
    "properties": {
        "n": {"type": "integer"},
        "p50": {"type": ["number", "null"]},
        "p90": {"type": ["number", "null"]},
    },
}
_RATE = {"type": ["number", "null"], "description": "0 to 1; null when the base is zero."}


def document(channels: tuple[str, ...]) -> dict[str, Any]:
    """The OpenAPI 3.1 description of `/api/v1/stats`, for the channels the bot has."""
    figures = {
        "type": "object",
        "properties": {
            "period": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "start": {"type": "string", "format": "date-time"},
                    "end": {"type": "string", "format": "date-time"},
                },
            },
            "filters": {"type": "object"},
            "volume": {
                "type": "object",
                "properties": {
                    k: {"type": "integer"}
                    for k in ("conversations", "citizens", "messages_in", "messages_out")
                },
            },
            "by_service": _COUNTS,
            "by_intent": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"intent": {"type": "string"}, "messages": {"type": "integer"}},
                },
            },
            "by_channel": _COUNTS,
            "by_district": _COUNTS,
            "handoff": {
                "type": "object",
                "description": "Human time only, never mixed with the bot's.",
                "properties": {
                    **{
                        k: {"type": "integer"}
                        for k in (
                            "requests",
                            "conversations_handed",
                            "resolved_by_bot",
                            "urgent",
                            "callbacks",
                            "cancelled",
                            "claimed",
                        )
                    },
                    "handoff_rate": _RATE,
                    "by_reason": _COUNTS,
                    "wait_buckets": {**_COUNTS, "description": "Waits for a claim, office hours"},
                    **{
                        k: _SPREAD
                        for k in (
                            "time_to_claim",
                            "time_to_claim_business",
                            "time_to_first_reply",
                            "time_to_first_reply_business",
                            "handling_time",
                        )
                    },
                },
            },
            "satisfaction": {
                "type": "object",
                "properties": {
                    "rated": {"type": "integer"},
                    "average": {"type": ["number", "null"]},
                    "distribution": _COUNTS,
                },
            },
            "helpful": {
                "type": "object",
                "properties": {
                    "up": {"type": "integer"},
                    "down": {"type": "integer"},
                    "helpful_rate": _RATE,
                },
            },
            "nlu": {
                "type": "object",
                "properties": {
                    "text_messages": {"type": "integer"},
                    "fallback": {"type": "integer"},
                    "fallback_rate": _RATE,
                },
            },
            "unanswered": {
                "type": "array",
                "description": "Questions the bot could not place, personal numbers masked.",
                "items": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "count": {"type": "integer"}},
                },
            },
            "daily": {
                "type": "array",
                "description": "One entry per local day of the period.",
                "items": {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "services": _COUNTS,
                        "conversations": {"type": "integer"},
                        "handoffs": {"type": "integer"},
                    },
                },
            },
            "by_hour": {"type": "array", "items": {"type": "integer"}, "minItems": 24},
            "by_weekday": {
                "type": "array",
                "items": {"type": "integer"},
                "minItems": 7,
                "description": "Monday first, Beijing time.",
            },
        },
    }
    error = {"description": "", "content": {"text/plain": {"schema": {"type": "string"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "legal-hotline-bot statistics", "version": "1"},
        "components": {
            "securitySchemes": {"manager": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Figures": figures},
        },
        "security": [{"manager": []}],
        "paths": {
            "/api/v1/stats": {
                "get": {
                    "summary": "Conversation statistics of a period",
                    "parameters": [
                        {
                            "name": "period",
                            "in": "query",
                            "schema": {"type": "string", "default": "7d"},
                            "description": "today, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD",
                        },
                        {
                            "name": "channel",
                            "in": "query",
                            "schema": {"type": "string", "enum": list(channels)},
                        },
                        {"name": "district", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "The figures",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Figures"}
                                }
                            },
                        },
                        "400": {**error, "description": "A parameter cannot be read"},
                        "401": {**error, "description": "Missing or wrong manager token"},
                        "403": {**error, "description": "The API is off (no STATS_TOKEN)"},
                    },
                }
            }
        },
    }
