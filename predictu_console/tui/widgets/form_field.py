"""A labelled input, or a yes/no switch, with its error shown right beneath it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Switch

from predictu_console.core.errors import ValidationFailed
from predictu_console.core.labels import labelled, list_entry, spoken
from predictu_console.core.validation import ModelT, parse
from predictu_console.tui.widgets.in_order_input import InOrderInput


def field_slug(field: str) -> str:
    """A DOM id fragment for a dotted field path: `config.vip` → `config-vip`."""
    return field.replace(".", "-")


class FormField(Vertical):
    """One form field bound to a core field path, so core's errors land beside it."""

    DEFAULT_CSS = """
    FormField {
        height: auto;
        margin-bottom: 1;
        Input { width: 1fr; }
        .field-label { color: $text-muted; width: 100%; }
        .field-error { color: $error; width: 100%; height: auto; }
        .field-error.-empty { display: none; }
    }
    """

    def __init__(
        self, label: str, field: str, value: str = "", *, placeholder: str = "", hint: str = ""
    ) -> None:
        super().__init__(id=f"field-{field_slug(field)}")
        self.field = field
        self.label = label
        """The field's name, as the discard question and the error notes name it."""
        self.hint = hint
        """How to type the value, shown after the name: `(#rrggbb)`, `% (1–99)`."""
        self.initial = value
        """The stored value the text is compared with: typed input differs from it."""
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        yield self._label()
        # The cursor goes to the end of what is there, never selecting it: in a prefilled
        # form the first keystroke must add to a value, not wipe it. Over SSH a correction
        # comes in one read: the box applies its backspaces before the keys typed after them.
        yield InOrderInput(
            self.initial,
            placeholder=self.placeholder,
            id=f"input-{field_slug(self.field)}",
            select_on_focus=False,
        )
        yield Label("", classes="field-error -empty")

    def _label(self) -> Label:
        return Label(f"{self.label} {self.hint}".strip(), classes="field-label")

    @property
    def value(self) -> str:
        """What the admin typed, without surrounding spaces."""
        return self.query_one(Input).value.strip()

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Input).value = text

    @property
    def changed(self) -> bool:
        """Whether the text differs from the stored value: input that leaving would lose."""
        return self.value != self.initial.strip()

    def refill(self, stored: str, *, overwrite: bool = False) -> None:
        """Take `stored` as the field's value from now on. What the admin typed and has not
        saved stays, unless `overwrite` (the value was just saved, perhaps normalised)."""
        if overwrite or not self.changed:
            self.value = stored
        self.initial = stored

    def show_error(self, message: str | None) -> None:
        """Show `message` under the input, or clear it."""
        error = self.query_one(".field-error", Label)
        error.update(f"✗ {spoken(message)}" if message else "")
        error.set_class(not message, "-empty")

    def focus_input(self) -> None:
        """Put the cursor in this field, the whole field in view: focusing the input alone
        centres the input, which in a short dialog left the label above it out of view. It
        scrolls once laid out: an error just put beneath the input may have grown the field."""
        self.query_one(Input).focus(scroll_visible=False)
        self.call_after_refresh(self.scroll_visible, animate=False)


class SwitchField(FormField):
    """A yes/no setting as a switch (Space or Enter flips it), its state also said in a word
    beside it, so it reads without colour; its value is `yes` or `no`."""

    DEFAULT_CSS = """
    SwitchField {
        .switch-row { height: auto; }
        .switch-state { padding: 1 1 0 1; }
    }
    """

    def compose(self) -> ComposeResult:
        yield self._label()
        with Horizontal(classes="switch-row"):
            yield Switch(self.initial == "yes", id=f"input-{field_slug(self.field)}")
            yield Label(self.initial, classes="switch-state")
        yield Label("", classes="field-error -empty")

    @property
    def value(self) -> str:
        """`yes` or `no`."""
        return "yes" if self.query_one(Switch).value else "no"

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Switch).value = text == "yes"

    @on(Switch.Changed)
    def _say_state(self) -> None:
        self.query_one(".switch-state", Label).update(self.value)

    def focus_input(self) -> None:
        self.query_one(Switch).focus()


def changed_fields(root: DOMNode) -> list[str]:
    """The labels of the fields whose text differs from the stored value."""
    return [field.label for field in root.query(FormField) if field.changed]


def parse_form(
    root: Widget | Screen[Any], model: type[ModelT], values: Mapping[str, Any]
) -> ModelT | None:
    """`values` validated as `model` before anything is sent, or None when refused.

    Each refusal shows its errors beside their fields; each success clears the errors a
    previous attempt left, so every form checks its input the same way.
    """
    try:
        data = parse(model, values)
    except ValidationFailed as error:
        show_form_errors(root, error.fields)
        return None
    show_form_errors(root, {})
    return data


def show_form_errors(root: Widget | Screen[object], fields: Mapping[str, str]) -> None:
    """Errors beside their fields, the cursor on the first; any other as a notification."""
    for unplaced in show_field_errors(root, fields):
        root.notify(unplaced, severity="error")
    focus_first_error(root, fields)


def show_field_errors(root: DOMNode, fields: Mapping[str, str]) -> list[str]:
    """Put each error beside its field; returns the errors that have no field on screen."""
    by_field: dict[str, str] = {}
    for path, message in fields.items():
        field, entry = list_entry(path)
        by_field.setdefault(field, f"{entry} {message}".strip())
    shown = set()
    for form_field in root.query(FormField):
        error = by_field.get(form_field.field)
        form_field.show_error(error)
        if error:
            shown.add(form_field.field)
    return [labelled({path: message}) for path, message in by_field.items() if path not in shown]


def focus_first_error(root: DOMNode, fields: Iterable[str]) -> None:
    """Move the cursor to the first field that needs fixing."""
    needing = {list_entry(path)[0] for path in fields}
    for form_field in root.query(FormField):
        if form_field.field in needing:
            form_field.focus_input()
            return
