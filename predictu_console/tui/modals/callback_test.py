"""Test the operator's callback (`t`): a signed PING, a live spinner, then the verdict."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, LoadingIndicator, Static

from predictu_console.core.callbacks.ping import PingRequest, PingResult
from predictu_console.core.errors import ValidationFailed
from predictu_console.core.validation import parse
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.form_values import integer
from predictu_console.tui.widgets.form_field import FormField, show_form_errors
from predictu_console.tui.widgets.ping_verdict import verdict


class CallbackTestModal(ConsoleModal[PingResult | None]):
    """Dismisses with the last result (or None if nothing was sent)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("ctrl+s", "send", "Send PING", id="send"),
    ]
    DEFAULT_CSS = """
    CallbackTestModal {
        #ping-spinner { height: 3; display: none; }
        &.-sending #ping-spinner { display: block; }
        #ping-result { height: auto; margin-top: 1; }
    }
    """

    def __init__(self, operator_id: str, operator_name: str, callback_url: str | None) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.operator_name = operator_name
        self.callback_url = callback_url or ""
        self.result: PingResult | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ping-box", classes="dialog"):
            yield Label(
                f"Test the callback of {self.operator_name}",
                id="ping-title",
                classes="dialog-title",
            )
            yield FormField(
                "Callback URL (the configured one, or one to try)",
                "callback_url",
                self.callback_url,
            )
            yield FormField("Timeout in milliseconds (1–30000)", "timeout_ms", "10000")
            yield LoadingIndicator(id="ping-spinner")
            yield Static(id="ping-result")
            with Horizontal(id="ping-buttons", classes="dialog-buttons"):
                yield Button("Close (Esc)", id="close")
                yield Button("Send PING (Ctrl+S)", id="send", variant="primary")

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.has_class("-sending"):
            return
        values = {field.field: field.value for field in self.query(FormField)}
        body = {"callback_url": values["callback_url"], "timeout_ms": integer(values["timeout_ms"])}
        try:
            data = parse(PingRequest, body)
        except ValidationFailed as error:
            show_form_errors(self, error.fields)
            return
        show_form_errors(self, {})
        self.add_class("-sending")
        self.query_one("#ping-result", Static).update("")
        self.send(data)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.result)

    def show_result(self, result: PingResult) -> None:
        """Stop the spinner and show the verdict; Send again retries."""
        self.result = result
        self.remove_class("-sending")
        self.query_one("#ping-result", Static).update(verdict(result))
        self.query_one("#send", Button).label = "Retry (Ctrl+S)"

    def sending_failed(self) -> None:
        """The PING could not even be prepared; the app shows why."""
        self.remove_class("-sending")

    @work(thread=True, exclusive=True, group="ping", exit_on_error=False)
    def send(self, data: PingRequest) -> None:
        try:
            result = self.console.backend.test_callback(self.operator_id, data)
        except Exception:
            self.app.call_from_thread(self.sending_failed)
            raise
        self.app.call_from_thread(self.show_result, result)
