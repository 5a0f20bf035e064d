"""Operators: create, list, read and update (spec §1–§4) under DESIGN §5's rules.

Services flush and never commit: the caller's transaction holds the change, its audit rows
and its notifications together. Uniqueness races are settled by unique indexes, so the
pre-checks here only make the common case's message friendlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from pydantic import MISSING
from sqlalchemy import BindParameter, Select, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from predictu_console.core import audit, notifications, onboarding
from predictu_console.core.callbacks import events, health, outbox
from predictu_console.core.callbacks.events import DomainEvent
from predictu_console.core.changes import diff, snapshot
from predictu_console.core.clock import SYSTEM_CLOCK, Clock
from predictu_console.core.errors import (
    DomainExists,
    NameExists,
    OnboardingIncomplete,
    StaleVersion,
)
from predictu_console.core.ids import new_id
from predictu_console.core.invoices import recent_invoices
from predictu_console.core.keys import list_keys
from predictu_console.core.labels import field_label
from predictu_console.core.lookup import load_operator
from predictu_console.core.models import (
    ONBOARDING_STEPS,
    Actor,
    Branding,
    ConfigPatch,
    FieldChange,
    OperatorConfig,
    OperatorCreate,
    OperatorDetail,
    OperatorListQuery,
    OperatorOut,
    OperatorPage,
    OperatorSummary,
    OperatorUpdate,
    OperatorUpdated,
    step_name,
)
from predictu_console.core.stats import (
    StatsOut,
    load_stats,
    new_rollup,
    stats_columns,
    stats_of,
    stats_parameters,
)
from predictu_console.core.validation import invalid
from predictu_console.db.tables import OnboardingStep, Operator, OperatorStats

NAME_TAKEN = "another operator already has this name"
DOMAIN_TAKEN = "another operator already has this domain"
STATUS_TRANSITIONS = {("onboarding", "active"), ("active", "inactive"), ("inactive", "active")}
# (key, tie-break) per sort, each matching an index so a page is read, not the whole table.
# Names are unique, so they need no tie-break.
_SORT_KEYS = {
    "name": (Operator.name_key,),
    "created": (Operator.created_at, Operator.id),
    "volume": (OperatorStats.total_volume, OperatorStats.operator_id),
    "users": (OperatorStats.user_count, OperatorStats.operator_id),
}
_COPIED_COLUMNS = (
    "id",
    "name",
    "domain",
    "status",
    "contact_email",
    "billing_email",
    "callback_url",
    "callback_status",
    "callback_last_success",
    "callback_failure_count",
    "revenue_share_predictu",
    "allowed_categories",
    "allowed_origins",
    "created_at",
    "updated_at",
    "version",
)


def _fields(row: Operator, stats: StatsOut) -> dict[str, Any]:
    done = sum(1 for step in row.steps if step.completed_at is not None)
    return {
        **{column: getattr(row, column) for column in _COPIED_COLUMNS},
        "revenue_share_operator": 100 - row.revenue_share_predictu,
        "branding": Branding.model_validate(row.branding),
        "config": OperatorConfig.model_validate(row.config),
        "onboarding_step": done,
        "onboarding_complete": done == len(ONBOARDING_STEPS),
        **stats.model_dump(),
    }


def _check_name_free(session: Session, name_key: str, *, except_id: str | None = None) -> None:
    stmt = select(Operator.name).where(Operator.name_key == name_key)
    if except_id:
        stmt = stmt.where(Operator.id != except_id)
    taken = session.scalar(stmt)
    if taken is not None:
        raise NameExists(f"An operator named {taken!r} already exists", fields={"name": NAME_TAKEN})


def _flush_unique(session: Session) -> None:
    """Flush, turning a lost uniqueness race into the same error the pre-check gives."""
    try:
        session.flush()
    except IntegrityError as error:
        detail = str(error.orig)
        if "name_key" in detail:
            raise NameExists(NAME_TAKEN, fields={"name": NAME_TAKEN}) from None
        if "domain" in detail:
            raise DomainExists(DOMAIN_TAKEN, fields={"domain": DOMAIN_TAKEN}) from None
        raise


def _merged_config(current: Mapping[str, Any], patch: ConfigPatch) -> dict[str, Any]:
    """Merge `patch` into `current`; raises ValidationFailed unless new ≤ regular ≤ vip."""
    sent = patch.model_dump()
    merged = OperatorConfig.model_validate({**current, **sent}).model_dump()
    for low, high in (
        ("new_tier_limit", "regular_tier_limit"),
        ("regular_tier_limit", "vip_tier_limit"),
    ):
        if merged[low] > merged[high]:
            blamed = low if low in sent else high
            raise invalid(
                {
                    f"config.{blamed}": f"{low} ({merged[low]}) must not exceed "
                    f"{high} ({merged[high]})"
                }
            )
    return merged


def create_operator(
    *, session: Session, actor: Actor, data: OperatorCreate, clock: Clock = SYSTEM_CLOCK
) -> OperatorOut:
    """Create an operator in `onboarding` with step 1 done. Raises NameExists, DomainExists."""
    name_key = data.name.casefold()
    _check_name_free(session, name_key)
    if session.scalar(select(Operator.id).where(Operator.domain == data.domain)) is not None:
        raise DomainExists(
            f"An operator with domain {data.domain} already exists", fields={"domain": DOMAIN_TAKEN}
        )
    now = clock.now()
    row = new_operator(data, now)
    session.add(row)
    _flush_unique(session)
    created = diff({}, snapshot(row))
    audit.record(
        session, actor=actor, action="operator.created", at=now, operator_id=row.id, changes=created
    )
    return OperatorOut.model_validate(_fields(row, StatsOut()))


def new_operator(data: OperatorCreate, now: datetime) -> Operator:
    """The row `create_operator` adds, with its checklist and empty rollup: `onboarding`,
    step 1 done. Pure, so the demo's bulk seeding builds its operators the same way."""
    return Operator(
        id=new_id("op"),
        name=data.name,
        name_key=data.name.casefold(),
        domain=data.domain,
        status="onboarding",
        contact_email=data.contact_email,
        billing_email=data.contact_email if data.billing_email is MISSING else data.billing_email,
        callback_url=None,
        callback_status="unknown",
        callback_last_success=None,
        callback_failure_count=0,
        revenue_share_predictu=data.revenue_share_predictu,
        allowed_categories=data.allowed_categories,
        allowed_origins=[],
        branding=Branding().model_dump(),
        config=_merged_config(OperatorConfig().model_dump(), data.config),
        created_at=now,
        updated_at=now,
        version=1,
        steps=onboarding.new_checklist(now),
        stats=new_rollup(),
    )


def _out(session: Session, row: Operator, now: datetime) -> OperatorOut:
    return OperatorOut.model_validate(_fields(row, load_stats(session, row.id, now=now)))


def get_operator(
    *, session: Session, operator_id: str, clock: Clock = SYSTEM_CLOCK
) -> OperatorDetail:
    """The full detail of spec §3. Raises NotFound."""
    row = load_operator(session, operator_id)
    now = clock.now()
    return OperatorDetail.model_validate(
        {
            **_fields(row, load_stats(session, row.id, now=now)),
            "api_keys": list_keys(session, operator_id=row.id, now=now),
            "onboarding_checklist": onboarding.checklist(row),
            "recent_invoices": recent_invoices(session, operator_id=row.id, now=now),
        }
    )


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_term(query: OperatorListQuery) -> str:
    return (query.search or "").strip().casefold()


def _filtered(stmt: Select[Any], *, by_status: bool, searched: bool) -> Select[Any]:
    """`stmt` narrowed by the `status` and `pattern` parameters, when the query has them."""
    if by_status:
        stmt = stmt.where(Operator.status == bindparam("status"))
    if searched:
        pattern: BindParameter[str] = bindparam("pattern")
        in_name = Operator.name_key.like(pattern, escape="\\")
        in_domain = Operator.domain.like(pattern, escape="\\")
        # An id pasted from a log or a callback finds its operator too.
        stmt = stmt.where(or_(in_name, in_domain, Operator.id == bindparam("search_id")))
    return stmt


@cache
def _page_statements(
    sort: str, order: str, *, by_status: bool, searched: bool
) -> tuple[Select[Any], Select[Any]]:
    """The count and page statements of one kind of query, built once: building them cost
    a fifth of a page's time. Values come as parameters (`_page_parameters`)."""
    count = _filtered(
        select(func.count()).select_from(Operator), by_status=by_status, searched=searched
    )
    steps_done = (
        select(func.count())
        .where(OnboardingStep.operator_id == Operator.id, OnboardingStep.completed_at.is_not(None))
        .scalar_subquery()
    )
    ordering = [column.desc() if order == "desc" else column.asc() for column in _SORT_KEYS[sort]]
    page = _filtered(
        select(
            *(getattr(Operator, column) for column in _COPIED_COLUMNS),
            steps_done.label("steps_done"),
            *stats_columns(),
        ).join(OperatorStats, OperatorStats.operator_id == Operator.id),
        by_status=by_status,
        searched=searched,
    )
    return count, page.order_by(*ordering).limit(bindparam("limit")).offset(bindparam("offset"))


def _page_parameters(query: OperatorListQuery, now: datetime) -> dict[str, Any]:
    return {
        "status": query.status,
        "pattern": f"%{_escape_like(_search_term(query))}%",
        "search_id": (query.search or "").strip(),
        "limit": query.limit,
        "offset": query.offset,
        **stats_parameters(now),
    }


def list_operators(
    *, session: Session, query: OperatorListQuery, clock: Clock = SYSTEM_CLOCK
) -> OperatorPage:
    """One page of operators, filtered, searched and sorted, ties broken by id (spec §1)."""
    count, page = _page_statements(
        query.sort, query.order, by_status=query.status != "all", searched=bool(_search_term(query))
    )
    parameters = _page_parameters(query, clock.now())
    total = session.scalar(count, parameters) or 0
    summaries = []
    result = session.execute(page, parameters)
    # One dict a row, from the result's keys read once: reading 20 attributes of a Row by
    # name is slow, and `Row._asdict` builds a view of the keys for every row.
    names = tuple(result.keys())
    for row in result:
        fields = dict(zip(names, row, strict=True))
        done = fields.pop("steps_done")
        fields.update(stats_of(fields), onboarding_step=done)
        fields["onboarding_complete"] = done == len(ONBOARDING_STEPS)
        summaries.append(OperatorSummary.model_validate(fields))
    return OperatorPage(operators=summaries, total=total, limit=query.limit, offset=query.offset)


def _onboarding_steps_confirmed(row: Operator, data: OperatorUpdate) -> list[str]:
    """Steps this PATCH completes: sending the field confirms it, even unchanged (DESIGN §5)."""
    confirmed = []
    if data.revenue_share_predictu is not MISSING:
        confirmed.append("configure_revenue")
    if data.callback_url is not MISSING and row.callback_url:
        confirmed.append("set_callback")
    if data.branding is not MISSING:
        confirmed.append("configure_branding")
    if data.allowed_origins is not MISSING and row.allowed_origins:
        confirmed.append("whitelist_origins")
    return confirmed


def _check_status_move(
    row: Operator, new_status: str, *, confirmed: list[str], reopened: tuple[str, ...]
) -> None:
    """Refuse a bad status move, or an activation while steps are open: those open now or
    `reopened` by this PATCH, less those it `confirmed`. Raises ValidationFailed,
    OnboardingIncomplete."""
    if row.status == new_status:
        return
    if (row.status, new_status) not in STATUS_TRANSITIONS:
        raise invalid(
            {
                "status": f"cannot change from {row.status} to {new_status}; "
                "an operator goes onboarding → active once, then active ↔ inactive"
            }
        )
    if row.status == "onboarding":
        still_open = {*onboarding.remaining(row), *reopened} - set(confirmed)
        open_steps = [step for step in onboarding.ACTIVATION_PREREQUISITES if step in still_open]
        if open_steps:
            raise OnboardingIncomplete(open_steps, [step_name(step) for step in open_steps])


def _status_changed(row: Operator, previous: str, at: datetime) -> DomainEvent:
    return events.operator_status_changed(
        operator_id=row.id, at=at, previous_status=previous, status=row.status
    )


_WRITABLE_COLUMNS = (
    "name",
    "name_key",
    "status",
    "contact_email",
    "billing_email",
    "callback_url",
    "revenue_share_predictu",
    "allowed_categories",
    "allowed_origins",
    "branding",
    "config",
)


def _apply(row: Operator, data: OperatorUpdate) -> None:
    """Write the sent fields onto the row, merging branding and config key by key."""
    sent = data.model_dump(exclude={"status", "branding", "config"})
    for field, value in sent.items():
        setattr(row, field, value)
    if "name" in sent:
        row.name_key = row.name.casefold()
    if data.branding is not MISSING:
        row.branding = {**row.branding, **data.branding.model_dump()}
    if data.config is not MISSING:
        row.config = _merged_config(row.config, data.config)


def planned_update(row: Operator, data: OperatorUpdate) -> Operator:
    """The admin-writable state `data` would leave `row` in, on a detached copy of the row.

    Pure: it writes, flushes and locks nothing, so a preview shows the exact diff from a read
    transaction; `update_operator` writes this same copy onto the row, so the two agree.
    Name uniqueness needs the database: `_planned` checks it.

    Raises ValidationFailed (tier order, bad status move), OnboardingIncomplete.
    """
    planned = Operator(**{column: getattr(row, column) for column in _WRITABLE_COLUMNS})
    _apply(planned, data)
    if data.status is not MISSING:
        confirmed = _onboarding_steps_confirmed(planned, data)
        reopened = onboarding.reopened_by_url(row.callback_url, planned.callback_url)
        _check_status_move(row, data.status, confirmed=confirmed, reopened=reopened)
        planned.status = data.status
    return planned


class Written(NamedTuple):
    """What writing a planned update did to the row, for the records that follow it."""

    changes: dict[str, Any]
    """The fields that differ, as `diff` gives them."""
    completed: list[str]
    """The checklist steps it completed."""
    reopened: dict[str, datetime]
    """The steps a new or cleared callback URL reopened, each with when it had been done."""
    health_reset: dict[str, Any]
    """The callback health a moved URL reset, as an audit diff."""


def _write_planned(row: Operator, planned: Operator, data: OperatorUpdate, at: datetime) -> Written:
    """Write the planned state onto `row`, undo what a moved callback URL undoes, then
    complete the checklist steps `data` confirms (so a step confirmed with the new URL
    stays done)."""
    before, previous_status = snapshot(row), row.status
    for column in _WRITABLE_COLUMNS:
        setattr(row, column, getattr(planned, column))
    changes = diff(before, snapshot(row))
    reopened, health_reset = _callback_url_moved(row, changes)
    completed = [
        step
        for step in _onboarding_steps_confirmed(row, data)
        if onboarding.complete(row, step, at)
    ]
    if (previous_status, row.status) == ("onboarding", "active"):
        onboarding.complete(row, "activate", at)
        completed.append("activate")
    return Written(changes, completed, reopened, health_reset)


def apply_update(row: Operator, data: OperatorUpdate, at: datetime) -> list[str]:
    """`update_operator`'s change to a row not yet in the database, under the same rules
    (a status move, activation's open steps, tier order), without the audit row, callback
    or notification a committed change makes: the demo's bulk seeding sets its generated
    operators up with it. Returns the checklist steps it completed.

    Raises ValidationFailed, OnboardingIncomplete.
    """
    completed = _write_planned(row, planned_update(row, data), data, at).completed
    row.version += 1
    row.updated_at = at
    return completed


def _planned(
    session: Session, row: Operator, data: OperatorUpdate, expected_version: int | None
) -> Operator:
    """`planned_update`, after the version and name checks both update and preview make."""
    if expected_version is not None and row.version != expected_version:
        raise StaleVersion(expected=expected_version, current=row.version)
    planned = planned_update(row, data)
    if planned.name_key != row.name_key:
        _check_name_free(session, planned.name_key, except_id=row.id)
    return planned


def _field_changes(changes: Mapping[str, Any]) -> dict[str, FieldChange]:
    return {path: FieldChange.model_validate(change) for path, change in changes.items()}


def preview_update(
    *,
    session: Session,
    operator_id: str,
    data: OperatorUpdate,
    expected_version: int | None = None,
) -> dict[str, FieldChange]:
    """Exactly the `changes` `update_operator` would make, from a read: nothing is written or
    locked, so previewing never waits behind writers nor makes them wait.

    Raises what `update_operator` would: NotFound, StaleVersion, ValidationFailed, NameExists,
    OnboardingIncomplete.
    """
    row = load_operator(session, operator_id)
    planned = _planned(session, row, data, expected_version)
    return _field_changes(diff(snapshot(row), snapshot(planned)))


def _callback_url_moved(
    row: Operator, changes: Mapping[str, Any]
) -> tuple[dict[str, datetime], dict[str, Any]]:
    """What a new or cleared callback URL undoes: the steps it reopens while onboarding, each
    with when it had been completed, and the health it resets, as an audit diff."""
    if "callback_url" not in changes:
        return {}, {}
    reopened: dict[str, datetime] = {}
    if row.status == "onboarding":
        moved = changes["callback_url"]
        for step in onboarding.reopened_by_url(moved["from"], moved["to"]):
            completed_at = onboarding.reopen(row, step)
            if completed_at is not None:
                reopened[step] = completed_at
    return reopened, health.reset(row)


def update_operator(
    *,
    session: Session,
    actor: Actor,
    operator_id: str,
    data: OperatorUpdate,
    expected_version: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> OperatorUpdated:
    """Partial update (spec §4); `changes` is exactly what differs, and only that is audited.

    With `expected_version`, the update applies only if nobody changed the operator since
    the caller read that version.

    Raises NotFound, StaleVersion, ValidationFailed (bad status move, tier order),
    NameExists, OnboardingIncomplete.
    """
    row = load_operator(session, operator_id, for_update=True)
    planned = _planned(session, row, data, expected_version)
    previous_status, now = row.status, clock.now()
    changes, completed, reopened, health_reset = _write_planned(row, planned, data, now)
    if changes or completed or reopened:
        row.version += 1
        row.updated_at = now
        _flush_unique(session)
    for action, recorded in (
        ("operator.updated", changes),
        ("callback.health_reset", health_reset),
    ):
        if recorded:
            audit.record(
                session, actor=actor, action=action, at=now, operator_id=row.id, changes=recorded
            )
    for step, completed_at in reopened.items():
        onboarding.record_reopening(
            session, actor=actor, operator_id=row.id, step=step, completed_at=completed_at, at=now
        )
    for step in completed:
        onboarding.record_completion(session, actor=actor, operator_id=row.id, step=step, at=now)
    if row.status != previous_status:
        outbox.emit(session, [_status_changed(row, previous_status, now)])
    sensitive = notifications.sensitive_changes(changes)
    if sensitive:
        notifications.notify_god_mode_admins(
            session,
            kind="operator.sensitive_change",
            message=f"{row.name}: {', '.join(map(field_label, sensitive))} changed by "
            f"{actor.email}",
            at=now,
            operator_id=row.id,
            changes=sensitive,
        )
    return OperatorUpdated(operator=_out(session, row, now), changes=_field_changes(changes))
