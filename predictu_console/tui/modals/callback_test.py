"""Test the operator's callback (`t`): a signed event of a picked type, a spinner, the verdict."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Label, LoadingIndicator, Select, Static

from predictu_console.core.callbacks.event_types import EventType
from predictu_console.core.callbacks.ping import PingRequest, PingResult
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.form_values import integer
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.event_picker import EventPicker
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.ping_verdict import has_detail, verdict


class CallbackTestModal(ConsoleModal[PingResult | None]):
    """Dismisses with the last result (or None if nothing was sent)."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="close"),
        Binding("ctrl+s", "send", "Send the event", id="send"),
        Binding("ctrl+t", "toggle_detail", "Detail", id="toggle-detail"),
    ]
    HELP_TITLE = "Test the callback"
    DEFAULT_CSS = """
    CallbackTestModal {
        #ping-options { height: auto; }
        #ping-options > * { width: 1fr; }
        #event-picker { margin-right: 2; }
        #ping-spinner { height: 3; display: none; }
        &.-sending #ping-spinner { display: block; }
        /* Hidden until there is a verdict, so that at 80×24 the empty dialog fits. */
        #ping-result { height: auto; margin-top: 1; display: none; }
        &.-answered #ping-result { display: block; }
    }
    """

    def __init__(self, operator_id: str, operator_name: str, callback_url: str | None) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.operator_name = operator_name
        self.callback_url = callback_url or ""
        self.result: PingResult | None = None
        self.sent: EventType | None = None
        """The event of the result shown, so the button says whether Ctrl+S retries it."""
        self.detailed = False
        """Whether the verdict shows the library's own words (Ctrl+T)."""

    def compose(self) -> ComposeResult:
        with DialogBox(id="ping-box", classes="dialog"):
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
            with Horizontal(id="ping-options"):
                yield EventPicker()
                yield FormField("Timeout in milliseconds (1–30000)", "timeout_ms", "10000")
            yield LoadingIndicator(id="ping-spinner")
            yield Static(id="ping-result")
            with Horizontal(id="ping-buttons", classes="dialog-buttons"):
                yield Button("Close (Esc)", id="close")
                yield Button("Send PING (Ctrl+S)", id="send", variant="primary")
        yield KeyFooter()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        if self.has_class("-sending"):
            return
        values = {field.field: field.value for field in self.query(FormField)}
        body = {
            "event": self.query_one(EventPicker).event,
            "callback_url": values["callback_url"],
            "timeout_ms": integer(values["timeout_ms"]),
        }
        data = parse_form(self, PingRequest, body)
        if data is None:
            return
        self.add_class("-sending")
        self.remove_class("-answered")
        self.send(data)

    @on(Select.Changed, "#event")
    def event_picked(self) -> None:
        self._label_send()

    def _label_send(self) -> None:
        event = self.query_one(EventPicker).event
        verb = "Retry" if event == self.sent else "Send"
        send = self.query_one("#send", Button)
        send.label = f"{verb} {event} (Ctrl+S)"
        send.refresh(layout=True)  # a label change alone keeps the old width, cutting it off

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(self.result)

    def show_result(self, result: PingResult, event: EventType) -> None:
        """Stop the spinner and show the verdict; Send again retries."""
        self.result, self.sent = result, event
        self.remove_class("-sending")
        self.add_class("-answered")
        self._show_verdict()
        self._label_send()
        self.refresh_bindings()
        # On a short terminal the verdict is what to read next.
        self.query_one("#ping-box").scroll_end(animate=False)

    def _show_verdict(self) -> None:
        if self.result is not None and self.sent is not None:
            shown = verdict(self.result, self.sent, detail=self.detailed)
            self.query_one("#ping-result", Static).update(shown)

    def action_toggle_detail(self) -> None:
        self.detailed = not self.detailed
        self._show_verdict()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Ctrl+T is offered only while a verdict keeps a library's words out of view."""
        if action == "toggle_detail":
            return self.result is not None and has_detail(self.result)
        return True

    def sending_failed(self) -> None:
        """The test could not even be prepared (no key, no URL); the app shows why."""
        self.remove_class("-sending")

    @work(thread=True, exclusive=True, group="ping", exit_on_error=False)
    def send(self, data: PingRequest) -> None:
        try:
            result = self.console.gateway.test_callback(self.operator_id, data)
        except Exception:
            self.app.call_from_thread(self.sending_failed)
            raise
        self.app.call_from_thread(self.show_result, result, data.event)
