"""What /openapi.json says about the answers: the problem+json error responses every route shares,
the models of the main JSON bodies, the real media types; FastAPI's 422 (never sent: a request
that fails validation is a 400 problem, see problems.py) is taken out of the document."""

from typing import Any, Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from app.routes.problems import PROBLEM_JSON

GEOJSON = "application/geo+json"
HTML = "text/html"
SCHEMA_JSON = "application/schema+json"
MVT = "application/vnd.mapbox-vector-tile"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
# The operations that need a token; the others take one when anonymous reading is off.
SIGNED_IN: dict[str, Any] = {"security": [{"oauth2": []}]}


class Problem(BaseModel):
    """RFC 9457 problem details; some problems add `errors`, a list of what was wrong."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str


STATUS_DESCRIPTIONS = {
    400: "Invalid parameter, body or request; the detail says what is valid",
    401: "Sign-in required, or the token is invalid, expired or revoked",
    403: "Signed in, but not allowed to do this",
    404: "No such collection, feature, tile or document",
    409: "The same thing was written meanwhile",
    412: "Changed since it was read (If-Match no longer matches)",
    413: "Request body too large",
    415: "Unsupported file type",
    428: "If-Match required",
    429: "Too many attempts; see Retry-After",
    503: "The database (or the report reader) is busy or down; see Retry-After",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries of problem+json answers with these statuses."""
    return {
        status: {
            "description": STATUS_DESCRIPTIONS[status],
            "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
        }
        for status in statuses
    }


def also(*media_types: str) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a 200 that may also come as these media types (HTML pages, downloads)."""
    schema = {"type": "string"}
    return {200: {"content": {media_type: {"schema": schema} for media_type in media_types}}}


# Any route: a NUL character or a host the server does not answer (guards.py).
ANY = problems(400)
# Routes that read the database.
READS = problems(400, 503)
# The routes mounted with the `reader` dependency (anonymous reading may be off).
READER = problems(400, 401, 503)
# Writes: who may, bodies, revisions.
WRITES = problems(400, 401, 403, 404, 409, 412, 413, 415, 428, 503)


class GeoJSONResponse(JSONResponse):
    media_type = GEOJSON


class SchemaJSONResponse(JSONResponse):
    media_type = SCHEMA_JSON


class MVTResponse(Response):
    media_type = MVT


class Link(BaseModel):
    model_config = ConfigDict(extra="allow")

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class LandingPage(BaseModel):
    title: str
    description: str
    links: list[Link]


class Conformance(BaseModel):
    conformsTo: list[str]


class Collection(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    title: str
    description: str | None = None
    keywords: list[str] = Field(default_factory=list)
    links: list[Link]
    extent: dict[str, Any] | None = None
    itemType: str = "feature"
    crs: list[str] = Field(default_factory=list)
    storageCrs: str | None = None


class Collections(BaseModel):
    links: list[Link]
    collections: list[Collection]


class Feature(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    id: str | int
    geometry: dict[str, Any] | None
    properties: dict[str, Any] | None
    links: list[Link] = Field(default_factory=list)


class FeatureCollection(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: Literal["FeatureCollection"]
    features: list[Feature]
    numberMatched: int | None = None
    numberReturned: int | None = None
    links: list[Link] = Field(default_factory=list)


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter is given or not, never null: `anyOf [X, null]` (from `X | None`) becomes X."""
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) != 1 or len(schema["anyOf"]) != 2:
        return schema
    return {**branches[0], **{k: v for k, v in schema.items() if k != "anyOf"}}


def install(app: FastAPI) -> None:
    """Have `app.openapi()` add the Problem schema and the sign-in scheme, and drop the 422s."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                operation.get("responses", {}).pop("422", None)
                for parameter in operation.get("parameters", []):
                    parameter["schema"] = _not_null(parameter["schema"])
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        # A form field too is sent or not, never null (FastAPI's Body_… schemas of the forms).
        for name, schema in schemas.items():
            if name.startswith("Body_") and "properties" in schema:
                fields = schema["properties"]
                schema["properties"] = {key: _not_null(value) for key, value in fields.items()}
        schemas["Problem"] = Problem.model_json_schema()
        components["securitySchemes"] = {
            "oauth2": {
                "type": "oauth2",
                "description": "Sign in at POST /auth/token; send 'Authorization: Bearer <token>'",
                "flows": {"password": {"tokenUrl": "/auth/token", "scopes": {}}},
            }
        }
        document["security"] = [{}, {"oauth2": []}]
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
