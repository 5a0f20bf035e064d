"""Liveness: answers without auth so load balancers and scripts can probe it."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The service is up."""

    status: str = "ok"


@router.get("/healthz")
def healthz() -> Health:
    """200 while the process serves requests."""
    return Health()
