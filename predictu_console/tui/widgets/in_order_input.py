"""A text box that applies the keys it takes in the order they came.

Textual's `Input` types a character as it takes the key, but a bound key (backspace, delete,
the arrows, Home, End) first bubbles up to the app, a message hop per ancestor, and only
there runs the box's own binding. Over SSH several keys come in one read, so the characters
typed after a backspace went in before it: "lucky", two backspaces and "zzz" searched for
'luckyz' (Textual issue 6605). This box runs its own bindings as it takes the key; the
focused widget's bindings come first in the app's chain anyway, so the same action runs.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class InOrderInput(Input):
    """An `Input` whose bound keys take effect in turn with the characters typed around them."""

    async def _on_key(self, event: events.Key) -> None:
        # Input's own handler runs after this one and types the printable keys.
        if event.is_printable:
            return
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()  # done: the app must not run the binding again
                return
