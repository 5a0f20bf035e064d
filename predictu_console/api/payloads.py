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
    body = model.model_dump_json()
    return Response(body, media_type="application/json", headers=dict(response.headers))
