"""Generate or rotate an operator's API keys (`K`), then show the new secret exactly once.

The first pair is *generated*; a later one *rotates* the keys, and only then is there a
current pair to keep valid for a grace period, so only then is the grace period asked.
The dialog cannot be closed while the secret is on screen except by confirming it was
stored: after that it is gone for good (only its ciphertext exists), as spec §5 requires.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from predictu_console.core.keys import KeyCreate, KeysGenerated
from predictu_console.tui.base import ConsoleModal
from predictu_console.tui.form_values import integer
from predictu_console.tui.formatting import when
from predictu_console.tui.modals.confirm import ConfirmModal, leave_form
from predictu_console.tui.widgets.dialog_box import DialogBox
from predictu_console.tui.widgets.form_field import FormField, parse_form
from predictu_console.tui.widgets.key_footer import KeyFooter


class KeyRotationModal(ConsoleModal[KeysGenerated | None]):
    """Dismisses with the generated pair (secret included), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "generate", "Generate", id="generate"),
        Binding("ctrl+s", "rotate", "Rotate", id="rotate"),
        Binding("c", "copy_secret", "Copy secret", id="copy-secret"),
        Binding("escape", "close_secret", "Close (asks first)", id="close-secret"),
    ]
    """Each key once in the footer, named for what it does now (`check_action`)."""
    HELP_TITLE = "API keys"
    DEFAULT_CSS = """
    KeyRotationModal {
        #request-view { height: auto; }
        #secret-view, #secret-buttons { display: none; height: auto; }
        #secret-value { border: round $warning; padding: 0 1; }
        &.-shown {
            #secret-view, #secret-buttons { display: block; }
            #request-view, #keys-buttons { display: none; }
        }
    }
    """

    def __init__(self, operator_id: str, operator_name: str, *, has_keys: bool) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.operator_name = operator_name
        self.has_keys = has_keys
        self.generated: KeysGenerated | None = None

    def compose(self) -> ComposeResult:
        verb = self.verb
        with DialogBox(id="keys-box", classes="dialog"):
            yield Label(
                f"{verb} API keys for {self.operator_name}", id="keys-title", classes="dialog-title"
            )
            with Vertical(id="request-view"):
                yield FormField("Label", "label", "API Key")
                if self.has_keys:
                    yield FormField(
                        "Grace period for the current keys, in hours (1–72)",
                        "grace_period_hours",
                        "24",
                    )
            with Vertical(id="secret-view"):
                yield Static(id="secret-intro")
                yield Static(id="secret-value")
                yield Static(
                    "It is shown once and cannot be retrieved again. Copy secret (c) asks "
                    "the terminal to copy it (OSC 52); if your terminal blocks that, select it "
                    "above.",
                    classes="muted",
                )
            with Horizontal(id="keys-buttons", classes="dialog-buttons"):
                yield Button("Cancel (Esc)", id="cancel")
                yield Button(f"{verb} (Ctrl+S)", id="generate", variant="primary")
            with Horizontal(id="secret-buttons", classes="dialog-buttons"):
                yield Button("Copy secret (c)", id="copy")
                yield Button("I have stored it", id="stored", variant="warning")
        yield KeyFooter()

    @property
    def verb(self) -> str:
        """What Ctrl+S does, on the button and in the footer alike."""
        return "Rotate" if self.has_keys else "Generate"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers what the dialog can do now: generate or rotate (and cancel)
        first, then copy and close."""
        if action in ("generate", "rotate"):
            return self.generated is None and action == self.verb.lower()
        if action == "cancel":
            return self.generated is None
        if action in ("copy_secret", "close_secret"):
            return self.generated is not None
        return True

    @on(Button.Pressed, "#generate")
    def action_generate(self) -> None:
        if self.generated is not None:
            return
        values = {field.field: field.value for field in self.query(FormField)}
        body: dict[str, object] = {"label": values["label"]}
        if "grace_period_hours" in values:
            body["grace_period_hours"] = integer(values["grace_period_hours"])
        data = parse_form(self, KeyCreate, body)
        if data is None:
            return
        self.generate(data)

    def action_rotate(self) -> None:
        self.action_generate()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        leave_form(self, lambda: self.dismiss(None))

    def action_close_secret(self) -> None:
        """Esc on the secret: close it only once the admin says it is stored."""

        def answered(stored: bool | None) -> None:
            if stored:
                self.stored()

        question = ConfirmModal(
            "Close the secret key?",
            "It is shown once and cannot be retrieved again: after this only a new key pair "
            "helps. Esc goes back to it.",
            confirm_label="I have stored it",
        )
        self.app.push_screen(question, answered)

    @on(Button.Pressed, "#copy")
    def action_copy_secret(self) -> None:
        if self.generated is not None:
            self.app.copy_to_clipboard(self.generated.key_pair.secret_key)
            # OSC 52 has no answer: the terminal may have refused it, and nothing says so.
            self.notify(
                "Asked the terminal to copy the secret; if it did not, select it above.",
                timeout=6,
            )

    @on(Button.Pressed, "#stored")
    def stored(self) -> None:
        self.dismiss(self.generated)

    def show_secret(self, generated: KeysGenerated) -> None:
        """Swap the form for the one-time view of the new pair."""
        self.generated = generated
        pair = generated.key_pair
        intro = f"New key {pair.key_id} ({pair.label}) is active.\nPublic key: {pair.public_key}\n"
        if generated.previous_keys:
            previous = generated.previous_keys
            intro += (
                f"Previous key {previous.key_id} stays valid until {when(previous.expires_at)}.\n"
            )
        self.query_one("#secret-intro", Static).update(intro + "\nSecret key:")
        self.query_one("#secret-value", Static).update(pair.secret_key)
        self.add_class("-shown")
        self.refresh_bindings()
        self.query_one("#secret-value").scroll_visible(animate=False)
        # Copying is the safe default: one Enter must never close the only view of the secret.
        self.query_one("#copy", Button).focus()

    @work(thread=True, exclusive=True, group="keys", exit_on_error=False)
    def generate(self, data: KeyCreate) -> None:
        generated = self.console.gateway.generate_keys(self.operator_id, data)
        self.app.call_from_thread(self.show_secret, generated)
