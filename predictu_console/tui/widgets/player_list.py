"""The detail's Players tab: the operator's players, newest first, a page at a time, kept live
with the rest."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from predictu_console.core.players import PlayerOut, PlayerPage
from predictu_console.tui.formatting import day, money, page_position, status_text
from predictu_console.tui.widgets.row_in_full import RowInFull
from predictu_console.tui.widgets.tables import refill, right_aligned


class PlayerList(Vertical):
    """A caption with the count and the restrict key, the table keyed by external id, and
    the highlighted player whole beneath it while the table cuts its restriction's reason."""

    DEFAULT_CSS = """
    PlayerList #players-caption { margin-bottom: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.page: PlayerPage | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="players-caption", classes="muted")
        table: DataTable[object] = DataTable(id="players-table", cursor_type="row")
        yield table
        yield RowInFull(table, id="player-in-full")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(
            "Player", "Balance", "Status", "Trades", "Volume", "Joined", "Restricted because"
        )

    @on(DataTable.RowHighlighted, "#players-table")
    def _player_in_full(self) -> None:
        self.query_one("#player-in-full", RowInFull).show_highlighted()

    def highlighted(self) -> PlayerOut | None:
        """The player under the cursor, as last read."""
        table = self.query_one(DataTable)
        if self.page is None or not table.row_count:
            return None
        return self.page.players[table.cursor_row]

    def show(self, page: PlayerPage) -> None:
        """Redraw from a fresh page, keeping the highlighted player."""
        self.page = page
        caption = (
            page_position(page.offset, len(page.players), page.total, page.limit, "player")
            + " · newest first · [ ] pages · p restricts the highlighted player"
            if page.players
            else "No players yet. They appear here as the operator's server registers them."
        )
        self.query_one("#players-caption", Static).update(caption)
        players = page.players
        balances = right_aligned([money(player.balance) for player in players], "Balance")
        trades = right_aligned([f"{player.trade_count:,}" for player in players], "Trades")
        volumes = right_aligned([money(player.volume) for player in players], "Volume")
        refill(
            self.query_one(DataTable),
            (
                (
                    player.external_player_id,
                    [
                        player.external_player_id,
                        balances[number],
                        status_text(player.status),
                        trades[number],
                        volumes[number],
                        day(player.created_at),
                        player.restricted_reason or "—",
                    ],
                )
                for number, player in enumerate(players)
            ),
        )
        self._player_in_full()
