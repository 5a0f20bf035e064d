"""Loading an operator's row for a service that is about to change it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from predictu_console.core.errors import NotFound
from predictu_console.core.fields import is_id
from predictu_console.db.tables import Operator


def load_operator(session: Session, operator_id: str, *, for_update: bool = False) -> Operator:
    """The operator's row with its checklist, locked for this transaction if `for_update`.

    Raises NotFound.
    """
    if not is_id(operator_id, "op"):
        raise NotFound(f"No operator found with id {operator_id!r}")
    stmt = select(Operator).where(Operator.id == operator_id).options(selectinload(Operator.steps))
    if for_update:
        # Concurrent PATCHes merge into the same JSON columns: serialise them per operator.
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound(f"No operator found with id {operator_id!r}")
    return row
