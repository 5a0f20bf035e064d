"""Responses serialised straight from the core's pydantic models."""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_response(model: BaseModel, response: Response) -> Response:
    """`model` as the JSON body of a 200, with the headers set on the route's `response`
    (its own, and the rate limits' from its dependencies).

    A route declared to return a model has FastAPI validate it again, on the thread pool
    for a plain `def` route, before serialising it; the core already built the model, so
    the reads that scripts poll answer with this instead. Declare `response_model=` on the
    route so the OpenAPI document still describes the body.
    """
    return json_response(model, dict(response.headers))


def json_response(model: BaseModel, headers: dict[str, str]) -> Response:
    """`model` as the JSON body of a 200 with `headers`."""
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)


def etag(version: int) -> str:
    """The entity tag of one version of an operator."""
    return f'"v{version}"'
