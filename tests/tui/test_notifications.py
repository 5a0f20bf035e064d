"""The notifications screen: the unread count in the header, mark-as-read, the jump to the
operator, and the log of every toast shown."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from predictu_console.db.session import session_scope
from predictu_console.db.tables import AuditEntry
from predictu_console.tui.screens.notifications import NotificationsScreen
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.tui.screens import SIZE, settle, shown_text


def _rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id)
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _raise_revenue_share(gateway) -> str:
    operator = gateway.list_operators(OperatorListQuery(search="example")).operators[0]
    version = gateway.get_operator(operator.id).version
    data = OperatorUpdate.model_validate({"revenue_share_predictu": 35})
    gateway.update_operator(operator.id, data, version)
    return operator.id


async def test_unread_notifications_show_in_the_header_and_open_their_operator(console, gateway):
    operator_id = _raise_revenue_share(gateway)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert console.sub_title.endswith("· ✉ 1 unread (N)")
        await pilot.press("N")
        await settle(pilot)
        assert isinstance(console.screen, NotificationsScreen)
        [row] = _rows(console, "#notifications-table")
        assert row[0] == "●" and "sensitive change" in row[2]
        # The field's label, as the form names it; the notification's changes keep the id.
        assert row[3].endswith(": Predictu revenue share changed by ana@predictu.com")
        assert "1 unread" in shown_text(console, "#notifications-caption")

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)
        assert console.screen.operator_id == operator_id


async def test_marking_read_is_audited_clears_the_count_and_the_toast_stays_in_the_log(
    console, gateway
):
    _raise_revenue_share(gateway)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        [row] = _rows(console, "#notifications-table")
        assert row[0] == " "
        assert "✉" not in console.sub_title
        console.clear_notifications()  # the toast has faded; the log keeps it
        [logged] = _rows(console, "#messages-table")
        assert logged[2:] == ["Notifications", "Marked 1 notification read."]
    assert gateway.unread_notifications() == 0
    with session_scope(gateway.factory, write=False) as session:
        [marked] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "notifications.read")
        ).all()
    assert (marked.actor_id, marked.os_user) == (gateway.actor.admin_id, "ana")


async def test_at_80_columns_the_highlighted_message_is_shown_whole(console, gateway):
    _raise_revenue_share(gateway)
    async with console.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)

        shown = shown_text(console, "#notification-message")
        assert "Example Casino: Predictu revenue share changed by ana@predictu.com" in shown


async def test_where_the_table_shows_the_message_whole_it_is_not_repeated(console, gateway):
    _raise_revenue_share(gateway)
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await settle(pilot)

        assert not console.screen.query_one("#notification-message").display


@pytest.mark.parametrize(("size", "shown"), [((80, 24), True), ((160, 48), False)])
async def test_a_session_message_the_table_cuts_is_shown_whole_beneath_it(console, size, shown):
    """At 80 columns the log of toasts showed a message's first words and no more."""
    message = "“Will the national side qualify?” is open to every operator offering sports."
    async with console.run_test(size=size) as pilot:
        await settle(pilot)
        console.notify(message, title="Market opened")
        await pilot.press("N")
        await settle(pilot)

        in_full = console.screen.query_one("#message-in-full")
        assert in_full.display is shown
        assert f"Title Market opened · Message {message}" in str(in_full.render())
