"""The OpenAPI 3.1 document for /api/v1 and /health, served as /api/v1/openapi.json."""

import copy

from webapp.api.params import MAX_QUERY, MAX_VALUE, STATUS_DAYS, declared
from webapp.promise.targets import STATES
from webapp.schedule.slots import SlotStatus


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict, description: str = "") -> dict:
    schema = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


LOCAL_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "Local time, ISO 8601 with its UTC offset",
    "examples": ["2026-11-24T10:00:00+01:00"],
}
DATE = {"type": "string", "format": "date", "examples": ["2026-11-24"]}
URL = {"type": "string", "format": "uri"}

SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer", "examples": [400]},
                    "message": {"type": "string", "description": "What was wrong, for a developer"},
                }
            )
        }
    ),
    "Health": _object(
        {
            "status": {"type": "string", "enum": ["ok", "degraded", "unavailable"]},
            "database": {"type": "string", "enum": ["ok", "unavailable"]},
            "rate_limits": {"type": "string", "enum": ["ok", "unavailable"]},
        }
    ),
    "Place": _object(
        {
            "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
            "kind": {
                "type": "string",
                "enum": ["office", "place"],
                "description": "The police office, or a place where police are present",
            },
            "name": {"type": "string"},
            "description": {"type": "string"},
            "address": {"type": "string"},
            "latitude": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
            "longitude": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
            "phone": _nullable({"type": "string"}),
            "services": {
                "type": "array",
                "items": {"type": "string"},
                "description": "What residents can do there (the office lists them)",
            },
            "urls": _object(
                {
                    "page": _nullable(URL | {"description": "The place's page on this site"}),
                    "feed": _nullable(URL | {"description": "iCalendar feed to subscribe to"}),
                }
            ),
        }
    ),
    "Interval": _object({"opens": LOCAL_TIME, "closes": LOCAL_TIME}),
    "OfficeDay": _object(
        {
            "date": DATE,
            "is_open": {"type": "boolean", "description": "Open at some time this day"},
            "intervals": {
                "type": "array",
                "items": _ref("Interval"),
                "description": "When the office is open this day",
            },
            "usual_intervals": {
                "type": "array",
                "items": _ref("Interval"),
                "description": "The weekly hours for this weekday",
            },
            "holiday": _nullable({"type": "string", "description": "Holiday name; closed"}),
            "closure_note": _nullable(
                {"type": "string", "description": "Why the hours differ from the usual"}
            ),
            "is_exception": {
                "type": "boolean",
                "description": "A holiday or closure changes this day",
            },
        }
    ),
    "Slot": _object(
        {
            "id": {"type": "integer"},
            "place": {"type": "string", "description": "The place's slug (see /api/v1/places)"},
            "starts_at": LOCAL_TIME,
            "ends_at": LOCAL_TIME,
            "status": {"type": "string", "enum": [s.value for s in SlotStatus]},
            "note": {"type": "string", "description": "Public note; the reason if cancelled"},
            "sequence": {
                "type": "integer",
                "minimum": 0,
                "description": "Rises with every change (as in the iCalendar feeds)",
            },
            "updated_at": LOCAL_TIME,
            "urls": _object({"ics": _nullable(URL | {"description": "This slot as an .ics file"})}),
        }
    ),
    "OfficeStatus": _object(
        {
            "is_open": {"type": "boolean"},
            "closes_at": _nullable(LOCAL_TIME | {"description": "When open: when it closes"}),
            "opens_at": _nullable(
                LOCAL_TIME
                | {"description": f"When closed: the next opening within {STATUS_DAYS} days"}
            ),
            "today": _nullable(_ref("OfficeDay")),
        }
    ),
}

_COMMON = {
    "example_data": {
        "type": "boolean",
        "description": "True while the published times are examples, not confirmed",
    },
    "timezone": {"type": "string", "examples": ["Europe/Stockholm"]},
}
SCHEMAS |= {
    "Places": _object(
        {
            "example_data": _COMMON["example_data"],
            "places": {"type": "array", "items": _ref("Place")},
        }
    ),
    "OfficeHours": _object(
        _COMMON | {"from": DATE, "to": DATE, "days": {"type": "array", "items": _ref("OfficeDay")}}
    ),
    "Presence": _object(
        _COMMON
        | {
            "from": DATE,
            "to": DATE,
            "place": _nullable({"type": "string"}),
            "slots": {"type": "array", "items": _ref("Slot")},
        }
    ),
    "Status": _object(
        _COMMON
        | {
            "now": LOCAL_TIME,
            "office": _nullable(_ref("OfficeStatus")),
            "presence_now": {
                "type": "array",
                "items": _ref("Slot"),
                "description": "Presence going on now",
            },
            "next_presence": _nullable(
                _ref("Slot")
                | {"description": f"The next scheduled presence within {STATUS_DAYS} days"}
            ),
        }
    ),
}

NUMBER = _nullable({"type": "number"})
SCHEMAS |= {
    "PromisePresence": _object(
        {
            "planned": {"type": "integer", "description": "Slots in the period, cancelled too"},
            "held": {"type": "integer"},
            "not_held": {"type": "integer"},
            "cancelled": {"type": "integer"},
            "unreported": {"type": "integer", "description": "Past, no outcome recorded yet"},
            "upcoming": {"type": "integer", "description": "Not yet begun, not cancelled"},
            "hours_planned": {"type": "number", "description": "Of the slots not cancelled"},
            "hours_held": {"type": "number"},
            "planned_hours": {
                "type": "number",
                "deprecated": True,
                "description": "Same as hours_planned",
            },
            "held_hours": {
                "type": "number",
                "deprecated": True,
                "description": "Same as hours_held",
            },
        },
        "Presence figures from the schedule's recorded outcomes: held + not_held + cancelled"
        " + unreported + upcoming = planned",
    ),
    "PromiseTertial": _object(
        {
            "tertial": {"type": "string", "pattern": "^[0-9]{4}-T[123]$"},
            "first_day": DATE,
            "last_day": DATE,
            "value": NUMBER
            | {"description": "The published figure; null if not reported or not published yet"},
            "status": {
                "type": "string",
                "enum": ["reported", "not_reported", "not_published"],
                "description": "not_published: an after_tertial figure of a running tertial",
            },
        }
    ),
    "PromiseActivity": _object(
        {
            "key": {"type": "string"},
            "commitment": {"type": "integer", "description": "Index into `commitments`"},
            "title": {"type": "string"},
            "owner": {"type": "string", "enum": ["police", "municipality", "both"]},
            "measure": {"type": "string", "enum": ["presence", "count", "figure", "status"]},
            "target": NUMBER,
            "target_per": _nullable({"type": "string", "enum": ["year", "period"]}),
            "unit": _nullable({"type": "string"}),
            "publish": {
                "type": "string",
                "enum": ["live", "after_tertial"],
                "description": "after_tertial: figures appear once their tertial has closed",
            },
            "done": NUMBER
            | {"description": "Published figure so far for the whole period; null if none yet"},
            "state": _nullable(
                {"type": "string", "enum": list(STATES)}
                | {
                    "description": "Against the target, where there is one: not_reported while"
                    " nothing is; reached or not_reached once its span has ended; else on_track"
                    " or behind at an even pace; null while nothing can be published"
                }
            ),
            "expected": _nullable(
                {
                    "type": "integer",
                    "description": "Whole things due by now at an even pace,"
                    " while the state is on_track or behind",
                }
            ),
            "tertials": {"type": "array", "items": _ref("PromiseTertial")},
            "presence": _nullable(_ref("PromisePresence")),
            "presence_by_municipality": {
                "type": "array",
                "items": _ref("PromiseMunicipalityPresence"),
                "description": "A promise several municipalities signed: each one's presence,"
                " in total and per place; their totals add up to `presence`. Empty for a"
                " promise of one municipality",
            },
        }
    ),
    "PromiseMunicipalityPresence": _object(
        {
            "municipality": {"type": "string", "description": "The municipality's slug"},
            "name": {"type": "string"},
            "presence": _ref("PromisePresence"),
            "places": {
                "type": "array",
                "items": _object(
                    {
                        "place": {"type": "string", "description": "The place's slug"},
                        "name": {"type": "string"},
                        "presence": _ref("PromisePresence"),
                    }
                ),
            },
        },
        "One signatory's presence in the promise's period, per place and in total",
    ),
    "PromiseResponseTimes": _object(
        {
            "tertial": {"type": "string", "pattern": "^[0-9]{4}-T[123]$"},
            "fewer_than_5": {
                "type": "boolean",
                "description": "Under 5 received: the figures are withheld (null)",
            },
            "received": _nullable({"type": "integer"})
            | {"description": "Feedback received in the tertial"},
            "handled": _nullable({"type": "integer"}) | {"description": "Of those, handled by now"},
            "handled_within_14_days": _nullable({"type": "integer"}),
            "median_days_to_handled": NUMBER
            | {"description": "Median days from received to handled; null if none handled"},
        },
        "How fast residents' feedback is answered",
    ),
    "PromiseThemeCount": _object(
        {
            "tertial": {"type": "string", "pattern": "^[0-9]{4}-T[123]$"},
            "municipality": {
                "type": "string",
                "description": "The slug of the municipality whose places and themes are"
                " counted: a promise several municipalities signed has a table per"
                " municipality, its counts and totals apart",
            },
            "place": _nullable({"type": "string"})
            | {"description": "A place's slug; null: all of the municipality's places"},
            "theme": _nullable({"type": "string"})
            | {"description": "A theme's key from the data file; null: all themes"},
            "count": _nullable({"type": "integer"})
            | {
                "description": "Feedback that raised the theme at the place; null when under 5,"
                " or withheld so that no count under 5 can be worked out from the sums"
            },
            "fewer_than_5": {"type": "boolean"},
        },
        "What residents raised, per place, theme and tertial, as on the follow-up page",
    ),
    "Promise": _object(
        {
            "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
            "title": {"type": "string"},
            "summary": _nullable({"type": "string"}),
            "url": _nullable(URL),
            "first_day": DATE,
            "last_day": DATE,
            "in_force": {"type": "boolean", "description": "Today is within its period"},
            "example_data": {"type": "boolean", "description": "An example, not a signed promise"},
            "commitments": {"type": "array", "items": {"type": "string"}},
            "activities": {"type": "array", "items": _ref("PromiseActivity")},
            "response_times": {"type": "array", "items": _ref("PromiseResponseTimes")},
            "response_times_by_municipality": {
                "type": "array",
                "items": _ref("PromiseMunicipalityResponseTimes"),
                "description": "A promise several municipalities signed: each one's response"
                " times per tertial. Empty for a promise of one municipality",
            },
            "themes_raised": {"type": "array", "items": _ref("PromiseThemeCount")},
        }
    ),
    "PromiseMunicipalityResponseTimes": _object(
        {
            "municipality": {"type": "string", "description": "The municipality's slug"},
            "name": {"type": "string"},
            "response_times": {
                "type": "array",
                "items": _object(
                    {
                        "tertial": {"type": "string", "pattern": "^[0-9]{4}-T[123]$"},
                        "fewer_than_5": {"type": "boolean"},
                        "withheld": {
                            "type": "boolean",
                            "description": "Withheld (null figures) so that a municipality"
                            " with fewer than 5 cannot be worked out from the total",
                        },
                        "received": _nullable({"type": "integer"}),
                        "handled": _nullable({"type": "integer"}),
                        "handled_within_14_days": _nullable({"type": "integer"}),
                        "median_days_to_handled": NUMBER,
                    }
                ),
            },
        },
        "One signatory's response times per tertial",
    ),
    "Promises": _object({"promises": {"type": "array", "items": _ref("Promise")}}),
    "Municipality": _object(
        {
            "slug": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
            "name": {"type": "string"},
            "police_area": _nullable({"type": "string"})
            | {"description": "The police area's slug, when the installation serves one"},
            "site": URL
            | {"description": "Its start page (Swedish), on its own host when it has one"},
            "api": URL | {"description": "The base of its API: every path here, after it"},
            "feeds": _object({name: URL for name in ("all", "office", "presence")}),
            "languages": {"type": "array", "items": {"type": "string"}},
            "example_data": {"type": "boolean", "description": "Times not yet confirmed"},
        }
    ),
    "Municipalities": _object({"municipalities": {"type": "array", "items": _ref("Municipality")}}),
}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


BAD_REQUEST = {"$ref": "#/components/responses/BadRequest"}


def _operation(operation_id: str, summary: str, schema: str, params: tuple) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [{"$ref": f"#/components/parameters/{name}"} for name in params],
            "responses": {"200": _json(schema, "OK"), "400": BAD_REQUEST},
        }
    }


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Närvaro API",
        "version": "1.0.0",
        "summary": "When the police office is open and when police are present in town.",
        "description": (
            "Read-only, GET only, no authentication, no cookies; any origin may read it "
            "(`Access-Control-Allow-Origin: *`). Answers may be cached for a minute. Times are "
            "local ISO 8601 with their UTC offset. A parameter that is not documented for an "
            "operation, given twice, longer than "
            f"{MAX_VALUE} characters, or a query string over {MAX_QUERY} bytes or not UTF-8, "
            "is a 400. Unknown paths under /api/ are a 404 with the same error body."
        ),
        "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
    },
    "paths": {
        "/api/v1/places": _operation(
            "listPlaces",
            "The police office and the places where police are present",
            "Places",
            ("lang",),
        ),
        "/api/v1/office-hours": _operation(
            "listOfficeHours",
            "The office's opening hours, day by day, with holidays and closures",
            "OfficeHours",
            ("from", "to", "lang"),
        ),
        "/api/v1/presence": _operation(
            "listPresence",
            "Times when police are present, cancelled ones included",
            "Presence",
            ("from", "to", "place", "lang"),
        ),
        "/api/v1/status": _operation(
            "getStatus",
            "Is the office open now, and when are police present next",
            "Status",
            ("lang",),
        ),
        "/api/v1/promises": _operation(
            "listPromises",
            "Every citizen promise with its activities, targets and published figures",
            "Promises",
            ("lang",),
        ),
        "/api/v1/promises/{id}": {
            "get": {
                "operationId": "getPromise",
                "summary": "One citizen promise and its follow-up",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "The promise's id (from /api/v1/promises)",
                        "schema": {"type": "string"},
                    },
                    {"$ref": "#/components/parameters/lang"},
                ],
                "responses": {
                    "200": _json("Promise", "OK"),
                    "400": BAD_REQUEST,
                    "404": {"$ref": "#/components/responses/NotFound"},
                },
            }
        },
        "/api/v1/municipalities": _operation(
            "listMunicipalities",
            "Every municipality this installation serves, with its site, API and feeds",
            "Municipalities",
            (),
        ),
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["openapi", "info", "paths"],
                                }
                            }
                        },
                    },
                    "400": BAD_REQUEST,
                },
            }
        },
        "/health": {
            "get": {
                "operationId": "getHealth",
                "summary": "Whether the service can write to its database and reach Redis",
                "responses": {
                    "200": _json("Health", "The database can be written; rate limits are shared"),
                    "503": _json(
                        "Health",
                        "The database can't be written (unavailable), or only the rate-limit "
                        "storage is unreachable and limits count per process (degraded)",
                    ),
                },
            }
        },
    },
    "components": {
        "schemas": SCHEMAS,
        # The query parameters, filled in per request by document() from params.declared.
        "parameters": {},
        "responses": {
            "BadRequest": _json("Error", "A parameter is unknown, repeated or invalid"),
            "NotFound": _json("Error", "No such path under /api/"),
        },
    },
}


def document(languages: tuple[str, ...], places: list[str], server: str | None = None) -> dict:
    """A copy of the document for a site offering `languages` and `places` (their slugs), the
    parameters declared as the API checks them; for a municipality whose site has a prefix,
    `server` is where its paths begin."""
    copied = copy.deepcopy(DOCUMENT)
    copied["components"]["parameters"] = {
        name: parameter.openapi() for name, parameter in declared(languages, places).items()
    }
    if server is not None:
        copied["servers"] = [{"url": server}]
    return copied
