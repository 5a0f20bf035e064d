"""`y`: send a value to the terminal's clipboard, and show it, since nothing says it arrived.

Textual copies with OSC 52, an escape sequence the terminal may honour, ignore or forbid
(tmux without `set-clipboard on`, many SSH set-ups), and no answer comes back. So the toast
says what was sent, not that it was copied, and carries the value itself: where the
clipboard did not take it, it can be selected on screen.
"""

from __future__ import annotations

from typing import Any

from textual.app import App

SHOWN = 600
"""Characters of the value the toast repeats; a long request body is on screen already."""


def copy_value(app: App[Any], what: str, value: str) -> None:
    """Send `value` (described as `what`: "operator id", "signature", …) to the clipboard."""
    app.copy_to_clipboard(value)
    shown = value if len(value) <= SHOWN else value[:SHOWN] + "…"
    app.notify(
        f"Sent to your terminal's clipboard: {shown}\n"
        "If it did not arrive, your terminal refuses OSC 52: select the text here instead.",
        title=f"Copy {what}",
        markup=False,
        timeout=10,
    )
