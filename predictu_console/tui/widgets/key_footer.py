"""The footer of every screen and dialog: whole keys, the most important first, help always.

Textual's footer lays the keys out in a row and, when they do not fit, cuts the row on the
right: at 80 columns `? Help` and `q Quit` (the app's keys, listed last) were the first to
go, and the last key shown was cut mid-word. Here `?` and `q` sit on the right beside the
palette key and always show; the screen's own keys follow the order of its `BINDINGS`,
which lists them most important first, and when the row is too narrow the footer leaves out
whole keys from the end of that order.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

ALWAYS_SHOWN = ("help", "quit")
"""Binding ids kept in view at any width, in this order on the right."""


def key_width(key_display: str, description: str) -> int:
    """Columns a FooterKey takes with the footer's default padding: ` key ` then `description `."""
    return cell_len(key_display) + 2 + (cell_len(description) + 1 if description else 0)


class KeyFooter(Footer):
    """A footer that drops the least important keys first and never hides `?` or `q`."""

    DEFAULT_CSS = """
    KeyFooter {
        #footer-gap { width: 1fr; height: 1; background: $footer-background; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._ranked: list[tuple[FooterKey, int]] = []
        self._fixed = 0
        self._composed: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild the keys only when they differ from those shown.

        Textual's footer rebuilds its keys whenever the focus moves, and moving between a
        form's fields, a table and its tabs mostly leaves them as they were: the rebuilt
        keys were four in ten of the widgets a walk through the console mounted.
        """
        if self._composed is not None and _shown_keys(screen) == self._composed:
            self._bindings_ready = True
            return
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._composed = _shown_keys(self.screen)
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        pinned = {b.id: (b, e, t) for b, e, t in shown.values() if b.id in ALWAYS_SHOWN}
        self._ranked, self._fixed = [], 0
        for binding, enabled, tooltip in shown.values():
            if binding.id not in ALWAYS_SHOWN:
                key = self._key(binding, enabled, tooltip)
                self._ranked.append((key, key_width(key.key_display, key.description)))
        yield from (key for key, _width in self._ranked)
        yield Static(id="footer-gap")
        for binding_id in ALWAYS_SHOWN:
            if binding_id in pinned:
                key = self._key(*pinned[binding_id])
                self._fixed += key_width(key.key_display, key.description)
                yield key
        palette = self._palette_key()
        if palette is not None:
            # Its CSS adds a border on the left and a column of padding on the right.
            self._fixed += key_width(palette.key_display, palette.description) + 2
            yield palette
        self._fit(self.size.width or self.app.size.width)

    def on_resize(self) -> None:
        self._fit(self.size.width)

    def _fit(self, width: int) -> None:
        """Show the screen's keys in order while they fit beside the keys always shown."""
        room = width - self._fixed
        for key, needed in self._ranked:
            room -= needed
            key.display = room >= 0

    def _key(self, binding: Binding, enabled: bool, tooltip: str) -> FooterKey:
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            disabled=not enabled,
            tooltip=tooltip,
        ).data_bind(compact=Footer.compact)

    def _palette_key(self) -> FooterKey | None:
        """The command palette's key, docked right by Footer's CSS, as Footer shows it."""
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        active = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if active is None:
            return None
        binding = active.binding
        return FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not active.enabled,
            tooltip=binding.tooltip or binding.description,
        )


def _shown_keys(screen: Screen[object]) -> tuple[object, ...]:
    """What the footer would show for `screen`'s bindings: a key per shown binding, with its
    state, and the command palette's, as `compose` lays them out."""
    return tuple(
        (binding.key, binding.action, binding.description, enabled, tooltip)
        for _node, binding, enabled, tooltip in screen.active_bindings.values()
        if binding.show or binding.key == screen.app.COMMAND_PALETTE_BINDING
    )
