"""The operator list: search, filter, sort and page through every operator."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Static

from predictu_console.core.errors import ValidationFailed
from predictu_console.core.models import OperatorListQuery, OperatorOut, OperatorPage
from predictu_console.core.validation import parse
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.formatting import day, health_text, money, status_text
from predictu_console.tui.modals.operator_create import OperatorCreateModal
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from predictu_console.tui.widgets.tables import TextTable, refill

if TYPE_CHECKING:
    pass

PAGE_SIZE = 50
STATUS_FILTERS = ("all", "active", "onboarding", "inactive")
SORTS = ("created", "name", "volume", "users")
COLUMNS = (
    ("name", "Name"),
    ("domain", "Domain"),
    ("status", "Status"),
    ("onboarding", "Onboarding"),
    ("users", "Users"),
    ("volume", "Volume"),
    ("mtd", "MTD revenue"),
    ("health", "Callback"),
    ("created", "Created"),
)
NARROW = 120
"""Below this width the table keeps the columns an admin scans first."""
WIDE_ONLY = {"domain", "mtd", "created"}


def _right_aligned(column: list[str], header: str) -> list[str]:
    """DataTable cells align left; pad a numeric column so its digits line up on the right."""
    width = max([len(header), *map(len, column)])
    return [value.rjust(width) for value in column]


class OperatorListScreen(ConsoleScreen):
    """Every operator, a page at a time, with the figures admins scan for."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="focus-search"),
        Binding("escape", "leave_search", "Clear search", show=False, id="leave-search"),
        Binding("enter", "open_operator", "Open", id="open-operator"),
        Binding("n", "new_operator", "New", id="new-operator"),
        Binding("f", "cycle_status", "Filter", id="cycle-status"),
        Binding("o", "onboard_operator", "Onboard", id="onboard-operator"),
        Binding("s", "cycle_sort", "Sort", id="cycle-sort"),
        Binding("r", "reverse_sort", "Reverse", id="reverse-sort"),
        Binding("right_square_bracket", "page(1)", "Next page", id="next-page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="previous-page"),
        Binding("j", "cursor(1)", "Down", show=False, id="cursor-down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="cursor-up"),
    ]
    AUTO_FOCUS = "#operators"
    """Focused as it is composed: moving focus from the search box afterwards rebuilt the
    footer's keys, a tenth of the launch."""

    def __init__(self) -> None:
        super().__init__()
        self.listing = OperatorListQuery(limit=PAGE_SIZE)
        """What the table shows: filter, search, sort and page."""
        self.page: OperatorPage | None = None
        self._marker: tuple[object, ...] | None = None
        self._columns_wide = True

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="list-bar"):
            yield Input(placeholder="/ search name or domain", id="search", compact=True)
            yield Static(id="list-state")
        yield TextTable(id="operators", cursor_type="row", zebra_stripes=True)
        yield Static(id="list-count")
        yield Footer()

    def on_mount(self) -> None:
        self._build_columns()
        self.set_interval(self.console.poll_seconds, self.poll_for_changes)

    def on_screen_resume(self) -> None:
        # Also the first page: Textual resumes a screen as it first shows it.
        self.reload()

    def on_resize(self) -> None:
        if self._columns_wide != (self.size.width >= NARROW):
            self._build_columns()
            if self.page is not None:
                self.show_page(self.page)

    def _build_columns(self) -> None:
        table = self.query_one("#operators", DataTable)
        self._columns_wide = self.size.width >= NARROW
        table.clear(columns=True)
        for key, label in COLUMNS:
            if self._columns_wide or key not in WIDE_ONLY:
                table.add_column(label, key=key)

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        # A page takes milliseconds to read, so every keystroke filters: no debounce to wait.
        self._requery(search=event.value.strip() or None, offset=0)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.query_one("#operators", DataTable).focus()

    @on(DataTable.RowSelected, "#operators")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.app.push_screen(OperatorDetailScreen(event.row_key.value))

    @on(DataTable.HeaderSelected, "#operators")
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key not in SORTS:
            self.notify("The list sorts by name, created, volume or users.", timeout=3)
            return
        if self.listing.sort == key:
            self.action_reverse_sort()
        else:
            self._requery(sort=key, order="asc" if key == "name" else "desc", offset=0)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:  # the first Esc clears the search, the next goes to the table
            search.value = ""
        else:
            self.query_one("#operators", DataTable).focus()

    def action_open_operator(self) -> None:
        self.query_one("#operators", DataTable).action_select_cursor()

    def action_onboard_operator(self) -> None:
        table = self.query_one("#operators", DataTable)
        if table.row_count:
            row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if row_key:
                self.app.push_screen(OnboardingWizardScreen(row_key))

    def action_new_operator(self) -> None:
        def opened(created: OperatorOut | None) -> None:
            if created is not None:
                self.app.push_screen(OnboardingWizardScreen(created.id))

        self.app.push_screen(OperatorCreateModal(), opened)

    def action_cycle_status(self) -> None:
        following = STATUS_FILTERS[(STATUS_FILTERS.index(self.listing.status) + 1) % 4]
        self._requery(status=following, offset=0)

    def action_cycle_sort(self) -> None:
        following = SORTS[(SORTS.index(self.listing.sort) + 1) % len(SORTS)]
        self._requery(sort=following, order="asc" if following == "name" else "desc", offset=0)

    def action_reverse_sort(self) -> None:
        self._requery(order="asc" if self.listing.order == "desc" else "desc", offset=0)

    def action_page(self, step: int) -> None:
        total = self.page.total if self.page else 0
        offset = self.listing.offset + step * PAGE_SIZE
        if 0 <= offset < max(total, 1):
            self._requery(offset=offset)

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#operators", DataTable)
        table.action_cursor_down() if step > 0 else table.action_cursor_up()

    def _requery(self, **changes: object) -> None:
        """Query again with `changes`, checked by the rules the API applies to the same
        query; a refused one (a search too long) is shown and the list stays as it was."""
        try:
            self.listing = parse(OperatorListQuery, {**self.listing.model_dump(), **changes})
        except ValidationFailed as error:
            self.console.show_error(error)
            return
        self.reload()

    def reload(self) -> None:
        """Fetch the current page again."""
        self.load_page(self.listing)

    def show_page(self, page: OperatorPage) -> None:
        """Fill the table and the counters, keeping the highlighted operator if it is there."""
        self.page = page
        table = self.query_one("#operators", DataTable)
        rows = page.operators
        users = _right_aligned([f"{row.user_count:,}" for row in rows], "Users")
        volumes = _right_aligned([money(row.total_volume) for row in rows], "Volume")
        revenues = _right_aligned([money(row.mtd_revenue) for row in rows], "MTD revenue")
        filled = []
        for number, row in enumerate(rows):
            cells: dict[str, str | Text] = {
                "name": row.name,
                "domain": row.domain,
                "status": status_text(row.status),
                "onboarding": f"{row.onboarding_step}/8",
                "users": users[number],
                "volume": volumes[number],
                "mtd": revenues[number],
                "health": health_text(row.callback_status),
                "created": day(row.created_at),
            }
            filled.append((row.id, [cells[str(key.value)] for key in table.columns]))
        refill(table, filled)
        self.query_one("#list-count", Static).update(count_line(page, self.listing))
        arrow = "↑" if self.listing.order == "asc" else "↓"
        searched = f" · search: {self.listing.search!r}" if self.listing.search else ""
        self.query_one("#list-state", Static).update(
            f"status: {self.listing.status} · sort: {self.listing.sort} {arrow}{searched}"
        )

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_page(self, listing: OperatorListQuery) -> None:
        # The marker is read before the page, so a change between the two reads shows up at
        # the next poll; once known, only polls read it, since it scans the operators table.
        marker = self._marker or self.console.backend.change_marker()
        page = self.console.backend.list_operators(listing)
        self.app.call_from_thread(self._loaded, listing, page, marker)

    def _loaded(
        self, listing: OperatorListQuery, page: OperatorPage, marker: tuple[object, ...]
    ) -> None:
        self._marker = self._marker or marker
        if listing == self.listing:  # else typed past: a newer page is on its way
            self.show_page(page)

    def poll_for_changes(self) -> None:
        """Another admin may have changed something: look, cheaply, while this screen shows."""
        if self.is_current and self._marker is not None:
            self.check_for_changes(self._marker)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def check_for_changes(self, seen: tuple[object, ...]) -> None:
        marker = self.console.backend.change_marker()
        if marker != seen:
            self.app.call_from_thread(self._changed, marker)

    def _changed(self, marker: tuple[object, ...]) -> None:
        self._marker = marker
        self.reload()


def count_line(page: OperatorPage, listing: OperatorListQuery) -> str:
    """Where the page is in the list; for an empty one, why it is empty and what to do."""
    if page.total == 0:
        if listing.search:
            return f"No operators match {listing.search!r} — Esc clears the search"
        if listing.status != "all":
            return f"No {listing.status} operators — f changes the status filter"
        return "No operators yet — n creates one"
    noun = "operator" if page.total == 1 else "operators"
    if not page.operators:
        return f"Past the end of {page.total:,} {noun} — [ goes back a page"
    first, last = page.offset + 1, page.offset + len(page.operators)
    pages = -(-page.total // PAGE_SIZE)
    shown = f"{first:,}" if first == last else f"{first:,}–{last:,}"
    return f"{shown} of {page.total:,} {noun} · page {page.offset // PAGE_SIZE + 1} of {pages}"
