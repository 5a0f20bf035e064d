"""A text box that applies the keys it takes in the order they came.

Textual's `Input` types a character as it takes the key, but a bound key (backspace, delete,
the arrows, Home, End, Tab) first bubbles up to the app, a message hop per ancestor, and only
there runs its binding. Over SSH several keys come in one read, so the characters typed
after a backspace went in before it: "lucky", two backspaces and "zzz" searched for
'luckyz' (Textual issue 6605). This box runs the bindings of a key as it takes it, those of
the focused widget first and then its ancestors', as the app would.

The app hands the whole read to the box that had the focus when it took the keys. A key that
moved the focus on (Tab to the next field, Enter or Escape closing a form) leaves the box
holding the keys typed after it: "Acme", Tab and "acme.io" typed the domain into the name.
The box hands such keys back to the app, which gives them to where the focus is now.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class InOrderInput(Input):
    """An `Input` whose bound keys take effect in turn with the characters typed around them."""

    async def _on_key(self, event: events.Key) -> None:
        # Input's own handler runs after this one and types the printable keys.
        if self.app.focused is not self:  # an earlier key of the same read moved the focus
            event.prevent_default()
            event.stop()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if not event.is_printable and await self.app._check_bindings(event.key):
            event.stop()  # done: the app must not run the binding again
