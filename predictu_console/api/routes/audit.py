"""`GET /operators/{id}/audit`: who changed what, and whether the log still verifies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from predictu_console.api.deps import Db, GodMode
from predictu_console.api.errors import responses
from predictu_console.core import audit
from predictu_console.core.audit import AuditPage, AuditQuery
from predictu_console.core.database import transaction
from predictu_console.core.lookup import load_operator

router = APIRouter(tags=["audit"])


@router.get("/operators/{operator_id}/audit", responses=responses(400, 401, 403, 404, 429))
def operator_audit(
    actor: GodMode, db: Db, operator_id: str, query: Annotated[AuditQuery, Query()]
) -> AuditPage:
    """Who changed what on the operator, newest first, each change as `{"from", "to"}`;
    `chain` says whether the tamper-evident log still verifies (rows appended since the last
    check are verified, and the checkpoint moves past them: hence a writing transaction)."""
    with transaction(db) as session:
        load_operator(session, operator_id)
        return audit.page(session, operator_id=operator_id, query=query)
