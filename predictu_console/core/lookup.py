"""Loading an operator's row for a service that is about to change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from predictu_console.core.errors import NotFound
from predictu_console.core.fields import is_id
from predictu_console.db.tables import Operator

Columns = Row[*tuple[Any, ...]]
"""A row of selected columns, read by name."""

_BY_ID = (
    select(Operator)
    .where(Operator.id == bindparam("operator_id"))
    .options(joinedload(Operator.steps))  # one query, not two: a detail reads it per request
)
_BY_ID_FOR_UPDATE = _BY_ID.with_for_update(of=Operator)


def load_operator(session: Session, operator_id: str, *, for_update: bool = False) -> Operator:
    """The operator's row with its checklist, locked for this transaction if `for_update`.

    Raises NotFound.
    """
    if not is_id(operator_id, "op"):
        raise _missing(operator_id)
    # Concurrent PATCHes merge into the same JSON columns: serialise them per operator.
    stmt = _BY_ID_FOR_UPDATE if for_update else _BY_ID
    row = session.execute(stmt, {"operator_id": operator_id}).unique().scalar_one_or_none()
    if row is None:
        raise _missing(operator_id)
    return row


def load_row(session: Session, operator_id: str, statement: Select[*tuple[Any, ...]]) -> Columns:
    """The first row of `statement`, which selects from operators by `:operator_id`, for a
    read that needs only its columns. Raises NotFound."""
    row = None
    if is_id(operator_id, "op"):
        row = session.execute(statement, {"operator_id": operator_id}).first()
    if row is None:
        raise _missing(operator_id)
    return row


def _missing(operator_id: str) -> NotFound:
    return NotFound(f"No operator found with id {operator_id!r}")
