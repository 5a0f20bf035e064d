"""The acting admin's notifications (sensitive changes, failing callbacks) and the toasts
this console showed, so neither is lost once it fades (`N` from anywhere)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from predictu_console.core.notifications import NotificationOut
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.formatting import to_second
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.row_in_full import RowInFull
from predictu_console.tui.widgets.tables import TextTable, refill

SHOWN = 200
KINDS = {
    "operator.sensitive_change": Text("⚠ sensitive change", style="yellow"),
    "callback.failing": Text("✗ callbacks failing", style="red"),
}
SEVERITIES = {
    "information": Text("i info"),
    "warning": Text("⚠ warning", style="yellow"),
    "error": Text("✗ error", style="red"),
}


class NotificationsScreen(ConsoleScreen):
    """Notifications newest first, unread marked `●`; Enter opens the operator, `m` marks
    every one read (audited, as the API's `POST /notifications/read`)."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("m", "mark_read", "Mark all read", id="mark-read"),
    ]
    CSS_PATH = "notifications.tcss"

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        yield Static("Loading…", id="notifications-caption", classes="muted")
        notices = TextTable(id="notifications-table", cursor_type="row")
        yield notices
        yield RowInFull(notices, id="notification-message")
        yield Label("Messages shown this session, newest first", classes="section")
        yield Static(id="messages-caption", classes="muted")
        messages = TextTable(id="messages-table", cursor_type="row")
        yield messages
        yield RowInFull(messages, id="message-in-full")
        yield Static(id="message-detail", classes="muted")
        yield KeyFooter()

    def __init__(self) -> None:
        super().__init__()
        self._notices: list[NotificationOut] = []

    def on_mount(self) -> None:
        self.query_one("#notifications-table", DataTable).add_columns(
            "", "When", "Kind", "Message", "Operator"
        )
        self.query_one("#messages-table", DataTable).add_columns(
            "When", "Level", "Title", "Message"
        )
        self.set_interval(self.console.poll_seconds, self._poll)

    def on_screen_resume(self) -> None:
        self.load()

    def _poll(self) -> None:
        if self.is_current:
            self.load()

    @on(DataTable.RowSelected, "#notifications-table")
    def _open_operator(self, event: DataTable.RowSelected) -> None:
        from predictu_console.tui.screens.operator_detail import OperatorDetailScreen

        operator_id = str(event.row_key.value).partition(" ")[2]
        if operator_id:
            self.app.push_screen(OperatorDetailScreen(operator_id))
        else:
            self.notify("This notification is not about one operator.", timeout=3)

    @on(DataTable.RowHighlighted, "#notifications-table")
    def _show_message(self) -> None:
        """The highlighted notification's whole message: at 80 columns the table's Message
        column shows its first twenty-odd characters."""
        row = self.query_one("#notifications-table", DataTable).cursor_row
        message = self._notices[row].message if 0 <= row < len(self._notices) else ""
        self.query_one("#notification-message", RowInFull).show(Text(message))

    @on(DataTable.RowHighlighted, "#messages-table")
    def _show_detail(self) -> None:
        """The highlighted message whole, while the table cuts it, and its detail (a library's
        own words), which its toast left out."""
        self.query_one("#message-in-full", RowInFull).show_highlighted()
        table = self.query_one("#messages-table", DataTable)
        messages = self.console.message_log.newest_first()
        row = table.cursor_row
        detail = messages[row].detail if 0 <= row < len(messages) else ""
        shown = self.query_one("#message-detail", Static)
        # As Text: a library's words hold brackets (`[SSL: …]`) that are not markup.
        shown.update(Text(f"Detail: {detail}"))
        shown.display = bool(detail)

    def action_mark_read(self) -> None:
        self.mark_read()

    def show(self, notices: list[NotificationOut], unread: int) -> None:
        """Fill both tables: the notifications just read, and the session's toasts."""
        self.console.show_unread(unread)
        self._notices = notices
        caption = (
            f"{unread:,} unread of the latest {len(notices):,} · Enter opens the operator "
            "· m marks all read"
            if notices
            else "No notifications yet. Sensitive changes and failing callbacks appear here."
        )
        self.query_one("#notifications-caption", Static).update(caption)
        refill(
            self.query_one("#notifications-table", DataTable),
            (
                (
                    # The row key carries the operator, so Enter needs no lookup.
                    f"{notice.id} {notice.operator_id or ''}",
                    [
                        "●" if notice.read_at is None else " ",
                        to_second(notice.created_at),
                        KINDS.get(notice.kind, Text(notice.kind)),
                        notice.message,
                        notice.operator_id or "—",
                    ],
                )
                for notice in notices
            ),
        )
        messages = self.console.message_log.newest_first()
        self.query_one("#messages-caption", Static).update(
            "" if messages else "No messages yet: every toast the console shows is kept here."
        )
        refill(
            self.query_one("#messages-table", DataTable),
            (
                (
                    str(number),
                    [
                        to_second(logged.at),
                        SEVERITIES.get(logged.severity, Text(logged.severity)),
                        logged.title or "—",
                        logged.message,
                    ],
                )
                for number, logged in enumerate(messages)
            ),
        )
        self._show_message()
        self._show_detail()

    @work(thread=True, exclusive=True, group="notifications", exit_on_error=False)
    def load(self) -> None:
        gateway = self.console.gateway
        notices, unread = gateway.notifications(SHOWN), gateway.unread_notifications()
        self.app.call_from_thread(self.show, notices, unread)

    @work(thread=True, exclusive=True, group="mark-read", exit_on_error=False)
    def mark_read(self) -> None:
        marked = self.console.gateway.mark_notifications_read()
        noun = "notification" if marked == 1 else "notifications"
        said = f"Marked {marked:,} {noun} read." if marked else "Nothing was unread."
        self.app.call_from_thread(self.notify, said, title="Notifications")
        self.app.call_from_thread(self.load)
