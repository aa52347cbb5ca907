"""The OpenAPI document tells every status an operation can answer, in one place.

Each operation declares in its `response=` what its own logic answers (its success, 403 for a
permission it checks, 429 when it is rate-limited, …). What follows from the shape of the
operation is added here, for every operation alike, so the document and the API cannot disagree:

- 400 (a body that cannot be parsed) and 413 (a body over the size limit): operations with a body;
- 401: operations that require authentication (a missing or wrong token or session);
- 403: such operations with an unsafe method (a browser session without its CSRF token);
- 404: operations with a path parameter (nothing at that address, or not visible to the caller);
- 422: operations with any parameter or body (a value out of its type or range, a field error);
- 500: every operation (a fault on the server; the body has the same shape).

An operation answering a media type other than JSON says so with
`openapi_extra=media_type("application/geo+json")`.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from .api_errors import ErrorOut

MEDIA_TYPE_KEY = "x-sharehub-media-type"
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}


def media_type(value: str) -> dict[str, Any]:
    """`openapi_extra` for an operation whose successful answer is not application/json."""
    return {MEDIA_TYPE_KEY: value}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}


DESCRIPTIONS = {
    400: "Bad Request: the body cannot be parsed",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Content Too Large",
    422: "Unprocessable Content: field errors",
    500: "Internal Server Error",
}


def statuses_of(method: str, operation: dict[str, Any]) -> set[int]:
    parameters = operation.get("parameters") or []
    has_body = "requestBody" in operation
    statuses = {500}
    if parameters or has_body:
        statuses.add(422)
    if has_body:
        statuses |= {400, 413}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if operation.get("security"):
        statuses.add(401)
        if method in UNSAFE_METHODS:
            statuses.add(403)
    return statuses


def document_errors(schema: dict[str, Any], error_schema: dict[str, Any]) -> dict[str, Any]:
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", error_schema
    )
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {int(status) for status in responses}
            for status in sorted(statuses_of(method, operation) - declared):
                responses[status] = _error(DESCRIPTIONS[status])
            if kind := operation.pop(MEDIA_TYPE_KEY, None):
                for status, response in responses.items():
                    content = response.get("content") or {}
                    if 200 <= int(status) < 300 and "application/json" in content:
                        response["content"] = {kind: content["application/json"]}
    return schema


class HubNinjaAPI(NinjaAPI):
    """The hub's API: its OpenAPI document lists the error statuses of every operation."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict | None = None
    ):

        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(
            schema, ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
