"""Every market, open and resolved: open one, resolve one, and see what rides on each."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from predictu_console.core.markets import (
    MarketActivity,
    MarketListQuery,
    MarketOut,
    MarketPage,
    Resolution,
)
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.formatting import (
    count,
    day,
    money,
    page_position,
    status_text,
    when,
)
from predictu_console.tui.modals.market_create import MarketCreateModal
from predictu_console.tui.modals.market_resolve import MarketResolveModal
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.row_in_full import RowInFull
from predictu_console.tui.widgets.tables import TextTable, refill, right_aligned

PAGE_SIZE = 50
FILTERS = ("all", "open", "resolved")
COLUMNS = (
    ("title", "Title"),
    ("category", "Category"),
    ("status", "Status"),
    ("opened", "Opened"),
    ("resolved", "Resolved"),
    ("outcome", "Outcome"),
    ("positions", "Positions"),
    ("stake", "At stake"),
)
NARROW = 120
"""Below this width the table keeps what an admin resolving markets needs."""
WIDE_ONLY = {"category", "opened", "resolved", "stake"}


class MarketsScreen(ConsoleScreen):
    """Markets newest first, a page at a time; live while on screen."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("n", "new_market", "New market", id="new-market"),
        Binding("v", "resolve_market", "Resolve", id="resolve-market"),
        Binding("f", "cycle_filter", "Filter", id="cycle-filter"),
        Binding("right_square_bracket", "page(1)", "Next page", id="next-page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="previous-page"),
    ]
    AUTO_FOCUS = "#markets"
    DEFAULT_CSS = """
    MarketsScreen {
        #markets-state { height: 1; margin: 1 0; padding: 0 1; color: $text-muted; }
        #markets { height: 1fr; }
        #markets-count { height: 1; padding: 0 1; color: $text-muted; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.listing = MarketListQuery(limit=PAGE_SIZE)
        self.page: MarketPage | None = None
        self.activity: dict[str, MarketActivity] = {}
        self._columns_wide = True

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        yield Static(id="markets-state")
        table = TextTable(id="markets", cursor_type="row", zebra_stripes=True)
        yield table
        yield RowInFull(table, id="market-in-full")
        yield Static(id="markets-count")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._build_columns()
        self.set_interval(self.console.poll_seconds, self._poll)

    def on_screen_resume(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        if self._columns_wide != (self.size.width >= NARROW):
            self._build_columns()
            if self.page is not None:
                self.show_page(self.page, self.activity)

    def _build_columns(self) -> None:
        table = self.query_one("#markets", DataTable)
        self._columns_wide = self.size.width >= NARROW
        table.clear(columns=True)
        for key, label in COLUMNS:
            if self._columns_wide or key not in WIDE_ONLY:
                table.add_column(label, key=key)

    @on(DataTable.RowHighlighted, "#markets")
    def _market_in_full(self) -> None:
        """The highlighted market whole: a long title (up to 200 characters) pushes its
        status, outcome and positions off the screen."""
        self.query_one("#market-in-full", RowInFull).show_highlighted()

    def _poll(self) -> None:
        # Trades open positions and other admins resolve markets: keep the figures current.
        if self.is_current:
            self.reload()

    def highlighted(self) -> MarketOut | None:
        """The market under the cursor, as last read."""
        table = self.query_one("#markets", DataTable)
        if self.page is None or not table.row_count:
            return None
        return self.page.markets[table.cursor_row]

    def action_new_market(self) -> None:
        def closed(created: MarketOut | None) -> None:
            if created is not None:
                self.notify(
                    f"“{created.title}” is open to every operator offering {created.category}.",
                    title="Market opened",
                )
                self.reload()

        self.app.push_screen(MarketCreateModal(), closed)

    def action_resolve_market(self) -> None:
        market = self.highlighted()
        if market is None:
            return
        if market.status == "resolved":
            outcome = (market.outcome or "").upper()
            self.notify(f"“{market.title}” was resolved {outcome} on {when(market.resolved_at)}.")
            return

        def closed(resolution: Resolution | None) -> None:
            if resolution is not None:
                self.notify(
                    f"“{resolution.market.title}” resolved "
                    f"{(resolution.market.outcome or '').upper()}: "
                    f"{count(resolution.positions_settled, 'position')} settled at "
                    f"{count(resolution.operators_affected, 'operator')}.",
                    title="Resolved",
                )
                self.reload()

        self.app.push_screen(MarketResolveModal(market.id), closed)

    def action_cycle_filter(self) -> None:
        following = FILTERS[(FILTERS.index(self.listing.status) + 1) % len(FILTERS)]
        self._requery(status=following, offset=0)

    def action_page(self, step: int) -> None:
        total = self.page.total if self.page else 0
        offset = self.listing.offset + step * PAGE_SIZE
        if 0 <= offset < max(total, 1):
            self._requery(offset=offset)

    def _requery(self, **changes: object) -> None:
        self.listing = self.listing.model_copy(update=changes)
        self.reload()

    def reload(self) -> None:
        """Fetch the current page again."""
        self.load_page(self.listing)

    def show_page(self, page: MarketPage, activity: dict[str, MarketActivity]) -> None:
        """Fill the table and the counters, keeping the highlighted market if it is there."""
        self.page, self.activity = page, activity
        table = self.query_one("#markets", DataTable)
        riding = [  # a resolved market has nothing riding on it: a dash, not zeros
            activity.get(market.id, MarketActivity()) if market.status == "open" else None
            for market in page.markets
        ]
        positions = right_aligned(
            [f"{open_.open_positions:,}" if open_ else "—" for open_ in riding], "Positions"
        )
        stakes = right_aligned(
            [money(open_.at_stake) if open_ else "—" for open_ in riding], "At stake"
        )
        filled = []
        for number, market in enumerate(page.markets):
            cells: dict[str, str | Text] = {
                "title": market.title,
                "category": market.category,
                "status": status_text(market.status),
                "opened": day(market.created_at),
                "resolved": day(market.resolved_at) if market.resolved_at else "—",
                "outcome": (market.outcome or "—").upper(),
                "positions": positions[number],
                "stake": stakes[number],
            }
            filled.append((market.id, [cells[str(key.value)] for key in table.columns]))
        refill(table, filled)
        self._market_in_full()
        self.query_one("#markets-state", Static).update(
            f"showing: {self.listing.status} · newest first"
        )
        self.query_one("#markets-count", Static).update(count_line(page, self.listing))

    @work(thread=True, exclusive=True, group="markets", exit_on_error=False)
    def load_page(self, listing: MarketListQuery) -> None:
        page, activity = self.console.gateway.list_markets(listing)
        self.app.call_from_thread(self._loaded, listing, page, activity)

    def _loaded(
        self, listing: MarketListQuery, page: MarketPage, activity: dict[str, MarketActivity]
    ) -> None:
        if listing == self.listing:  # else the filter or page moved on: a newer one is coming
            self.show_page(page, activity)


def count_line(page: MarketPage, listing: MarketListQuery) -> str:
    """Where the page is; for an empty one, why it is empty and what to do."""
    if page.total == 0:
        if listing.status != "all":
            return f"No {listing.status} markets — f changes the filter, n opens one"
        return "No markets yet — n opens one"
    if not page.markets:
        return f"Past the end of {count(page.total, 'market')} — [ goes back a page"
    position = page_position(page.offset, len(page.markets), page.total, PAGE_SIZE, "market")
    return f"{position} · v resolves the highlighted market"
