"""PostgreSQL records a batch of delivered attempts in one statement.

The worker's thread spends most of a batch waiting on the server, and every round trip
costs it a turn at the interpreter lock against eight sending threads, so the common batch
(every send answered 2xx) is one statement: the batch goes in as one array a column,
unnested; its deliveries are settled, their attempts inserted with the numbers the settled
rows return, and the last success of operators that stay healthy moved, in data-modifying
CTEs. Its text does not depend on the batch's size, so SQLAlchemy builds and compiles it
once (a `VALUES` list of the rows would be compiled anew for every batch).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    Connection,
    Executable,
    Table,
    any_,
    bindparam,
    column,
    func,
    insert,
    null,
    select,
    update,
)

from predictu_console.db.tables import Delivery, DeliveryAttempt, Operator

_deliveries = cast(Table, Delivery.__table__)
_attempts = cast(Table, DeliveryAttempt.__table__)
_operators = cast(Table, Operator.__table__)

SENT = (
    "delivery_id",
    "started_at",
    "url",
    "http_status",
    "latency_ms",
    "ip_resolved",
    "tls_version",
    "signature",
    "response_body",
)
"""What a delivered attempt records besides its worker and number (its error is NULL)."""

DELIVERED: dict[str, Any] = {
    "status": "delivered",
    "status_reason": None,
    "delivered_at": bindparam("now"),
    "next_attempt_at": None,
    "lease_token": None,
    "failures": 0,
}
"""A delivery settled as delivered, here and on the general path (`delivery._DELIVERED`)."""


def _statement() -> Executable:
    """The statement, its parameters being `SENT` (arrays), `worker`, `now` and `operator_ids`."""
    types = {name: _attempts.c[name].type for name in SENT}
    unnested = func.unnest(*(bindparam(name, type_=ARRAY(types[name])) for name in SENT))
    rows = unnested.table_valued(*(column(name, types[name]) for name in SENT))
    sent = select(rows.render_derived(name="batch")).cte("sent")
    settled = (
        update(_deliveries)
        .where(_deliveries.c.id == sent.c.delivery_id)
        .values(
            attempt_count=_deliveries.c.attempt_count + 1,
            last_attempt_at=sent.c.started_at,
            **DELIVERED,
        )
        .returning(_deliveries.c.id, _deliveries.c.attempt_count)
        .cte("settled")
    )
    added = insert(_attempts).from_select(
        ["delivery_id", "number", "worker", *SENT[1:], "error", "error_message"],
        select(
            settled.c.id,
            settled.c.attempt_count,
            bindparam("worker", type_=_attempts.c.worker.type),
            *(sent.c[name] for name in SENT[1:]),
            null(),
            null(),
        ).join_from(settled, sent, settled.c.id == sent.c.delivery_id),
    )
    return (
        update(_operators)
        .where(
            _operators.c.id == any_(bindparam("operator_ids", type_=ARRAY(_operators.c.id.type))),
            _operators.c.callback_status == "healthy",
            _operators.c.callback_failure_count == 0,
        )
        .values(callback_last_success=bindparam("now"))
        .returning(_operators.c.id)
        .add_cte(added.cte("added"))
    )


_RECORD_DELIVERED = _statement()


def record_delivered(
    connection: Connection,
    sent: Sequence[dict[str, Any]],
    *,
    worker: str,
    now: datetime,
    operator_ids: Sequence[str],
) -> set[str]:
    """Settle the delivered attempts `sent` (each holding the `SENT` fields, no delivery
    twice) and move the last success of `operator_ids` that are healthy with no failures;
    returns those operators, the others' health is the caller's to move."""
    columns = {name: [attempt[name] for attempt in sent] for name in SENT}
    parameters = {**columns, "worker": worker, "now": now, "operator_ids": list(operator_ids)}
    return set(connection.execute(_RECORD_DELIVERED, parameters).scalars())
