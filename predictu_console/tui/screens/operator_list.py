"""The operator list: search, filter, sort and page through every operator.

The list is the console's first screen, so it imports only what the first page needs: the
detail, the wizard and the creation dialog (and through them the keys, the callbacks and
their forms) are imported when an admin first opens one (issue 21).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from predictu_console.core.errors import ValidationFailed
from predictu_console.core.first_page import Listing
from predictu_console.tui import legend
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.clipboard import copy_value
from predictu_console.tui.first_paint import SORTS, STATUS_FILTERS, FirstPaint
from predictu_console.tui.formatting import (
    count,
    day,
    health_text,
    money,
    page_position,
    status_text,
)
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.in_order_input import InOrderInput
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.row_in_full import RowInFull
from predictu_console.tui.widgets.sparkline_cell import sparkline_text
from predictu_console.tui.widgets.tables import TextTable, highlighted_key, refill, right_aligned

if TYPE_CHECKING:
    from datetime import datetime

    from predictu_console.core.models import OperatorListQuery

PAGE_SIZE = 50
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
SPARKS_FROM = 160
"""From this width on, a last column draws each operator's daily volume of the last 30 days."""
SPARK_COLUMN = ("trend", "Volume, 30 days")


@dataclass(frozen=True)
class KnownVolumes:
    """The sparklines' daily volumes read so far, good for one UTC day and one change marker:
    a keystroke in the search then reads its page alone, not the volumes again. Replaced,
    never changed, so a page's worker can read it while the screen takes a newer one."""

    day: date
    marker: tuple[object, ...]
    daily: Mapping[str, list[Decimal]]
    """Each operator's volume on each of the last `SPARK_DAYS` days, oldest first."""

    def missing(self, operator_ids: Sequence[str]) -> list[str]:
        return [operator_id for operator_id in operator_ids if operator_id not in self.daily]

    def adding(self, daily: Mapping[str, list[Decimal]]) -> KnownVolumes:
        return KnownVolumes(self.day, self.marker, {**self.daily, **daily})


class ListState(Listing, Protocol):
    """What the list's state line says: the remembered choices or any query typed since."""

    @property
    def search(self) -> str | None: ...


class Row(Protocol):
    """An operator as a row of the list: `OperatorSummary`, or the painted first page's."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def domain(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def user_count(self) -> int: ...
    @property
    def total_volume(self) -> Decimal: ...
    @property
    def mtd_revenue(self) -> Decimal: ...
    @property
    def onboarding_step(self) -> int: ...
    @property
    def callback_status(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


class Page(Protocol):
    """A page of the list: `OperatorPage`, or the painted first page."""

    @property
    def operators(self) -> Sequence[Row]: ...
    @property
    def total(self) -> int: ...
    @property
    def offset(self) -> int: ...


class OperatorListScreen(ConsoleScreen):
    """Every operator, a page at a time, with the figures admins scan for."""

    BINDINGS = [
        # A priority key: see `action_focus_search`.
        Binding("slash", "focus_search", "Search", priority=True, id="focus-search"),
        Binding("escape", "leave_search", "Clear search", show=False, id="leave-search"),
        Binding("enter", "open_operator", "Open", id="open-operator"),
        Binding("n", "app.new_operator", "New", id="new-operator"),
        Binding("f", "cycle_status", "Filter", id="cycle-status"),
        Binding("o", "onboard_operator", "Onboard", id="onboard-operator"),
        Binding("m", "markets", "Markets", id="markets"),
        Binding("s", "cycle_sort", "Sort", id="cycle-sort"),
        Binding("S", "reverse_sort", "Reverse", id="reverse-sort"),
        Binding("right_square_bracket", "page(1)", "Next page", id="next-page"),
        Binding("left_square_bracket", "page(-1)", "Prev page", id="previous-page"),
        # Movement only: the cursor flows across pages, so the list reads as one.
        Binding("j", "cursor(1)", "Down", show=False, id="cursor-down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="cursor-up"),
        Binding("down", "cursor(1)", "Down", show=False, priority=True, id="arrow-down"),
        Binding("up", "cursor(-1)", "Up", show=False, priority=True, id="arrow-up"),
        Binding("g", "jump('first')", "First row", show=False, id="first-row"),
        Binding("G", "jump('last')", "Last row", show=False, id="last-row"),
        Binding("y", "copy_id", "Copy id", show=False, id="copy-id"),
        Binding("x", "export_list", "Export", show=False, id="export-list"),
    ]
    """Most important first: a narrow footer leaves out the last ones."""
    HELP_TITLE = "Operator list"
    LEGEND = (legend.STATUS, legend.HEALTH, legend.LIST_COLUMNS)
    AUTO_FOCUS = "#operators"
    """Focused as it is composed: moving focus from the search box afterwards rebuilt the
    footer's keys, a tenth of the launch."""

    def __init__(self, first: FirstPaint | None = None) -> None:
        super().__init__()
        self._first = first
        """The page painted before the console's stack is imported, shown until it is read
        again the regular way (`started`)."""
        self._listing: OperatorListQuery | None = None
        self.page: Page | None = None
        self._page_listing: ListState | None = None
        self._marker: tuple[object, ...] | None = None
        self._columns_wide = True
        self._sparks = False
        self.volumes: KnownVolumes | None = None
        """The sparklines' daily volumes, once the width has shown them."""
        self._landing: str | None = None
        """Where the cursor goes on the next page shown: `first` or `last` row, or kept."""
        self._open_when_shown = False
        """Enter came while the page of the latest query was still being read: open its
        highlighted operator once it is shown."""

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        with Horizontal(id="list-bar"):
            yield InOrderInput(placeholder="/ search name or domain", id="search", compact=True)
            yield Static(id="list-state")
        table = TextTable(id="operators", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="list-empty")
        yield RowInFull(table, id="operator-in-full")
        yield Static(id="list-count")
        yield KeyFooter()

    @property
    def listing(self) -> OperatorListQuery:
        """What the table shows: filter, search, sort and page; at first the remembered
        filter and sort (read when first asked for: the console may still be starting)."""
        if self._listing is None:
            from predictu_console.core.models import OperatorListQuery
            from predictu_console.core.validation import parse

            remembered = self.console.preferences.operator_list.model_dump()
            self._listing = parse(
                OperatorListQuery, {**remembered, "limit": PAGE_SIZE, "offset": 0}
            )
        return self._listing

    @listing.setter
    def listing(self, listing: OperatorListQuery) -> None:
        self._listing = listing

    def on_mount(self) -> None:
        self._build_columns()
        self.set_interval(self.console.poll_seconds, self.poll_for_changes)

    def on_screen_resume(self) -> None:
        # Also the first page: Textual resumes a screen as it first shows it.
        if self._first is None:
            self.reload()
        elif self.page is None:
            self.show_page(self._first.page, self._first.listing)

    def started(self) -> None:
        """The console's stack is there: read the page again the regular way, which also
        starts watching for changes; the painted first page is not shown again."""
        self._first = None
        self.reload()

    def on_resize(self) -> None:
        sparks = self.size.width >= SPARKS_FROM
        if self._columns_wide != (self.size.width >= NARROW) or self._sparks != sparks:
            self._build_columns()
            if sparks and self._first is None:
                self.reload()  # the sparklines' volumes are read only while they are shown
            elif self.page is not None and self._page_listing is not None:
                self.show_page(self.page, self._page_listing)

    def _build_columns(self) -> None:
        table = self.query_one("#operators", DataTable)
        self._columns_wide = self.size.width >= NARROW
        table.clear(columns=True)
        self._sparks = self.size.width >= SPARKS_FROM
        for key, label in COLUMNS:
            if self._columns_wide or key not in WIDE_ONLY:
                table.add_column(label, key=key)
        if self._sparks:
            table.add_column(SPARK_COLUMN[1], key=SPARK_COLUMN[0])

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        # A page takes milliseconds to read, so every keystroke filters: no debounce to wait.
        self._requery(search=event.value.strip() or None, offset=0)

    @on(Input.Submitted, "#search")
    def search_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box goes to the table; an Enter the box took after that one
        opens the operator found.

        Over SSH a search's Enter and the Enter that opens its hit often come in one read:
        the box had the focus when the app took both, so both reach it, after the characters
        typed before them (`InOrderInput`). The focus moves now, not on the next turn of the
        loop as `Widget.focus` does, so the second Enter finds it gone and opens the hit, as
        it would typed slowly; the search's page may still be on its way.
        """
        if self.focused is event.input:
            self.set_focus(self.query_one("#operators", DataTable))
        else:
            self.action_open_operator()

    @on(DataTable.RowSelected, "#operators")
    def row_selected(self, event: DataTable.RowSelected) -> None:
        from predictu_console.tui.screens.operator_detail import OperatorDetailScreen

        if event.row_key.value:
            self.app.push_screen(OperatorDetailScreen(event.row_key.value))

    @on(DataTable.RowHighlighted, "#operators")
    def _operator_in_full(self) -> None:
        """The highlighted operator whole: a long name (up to 100 characters) pushes the
        columns after it off the screen."""
        self.query_one("#operator-in-full", RowInFull).show_highlighted()

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
        """Move the focus now, not on the next turn of the loop as `Widget.focus` does.

        Over SSH the characters typed after `/` often arrive with it, in one read: the app
        hands each key to whatever has the focus when it takes the key, so with the focus
        moved later they went to the table, and `o` in "polar" opened the onboarding wizard.
        A priority binding runs as the app takes the `/`, before it takes the next key.
        """
        search = self.query_one("#search", Input)
        if self.focused is search:
            raise SkipAction  # in the box, `/` is typed like any other character
        self.set_focus(search)

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:  # the first Esc clears the search, the next goes to the table
            search.value = ""
        else:
            self.query_one("#operators", DataTable).focus()

    def action_open_operator(self) -> None:
        """Open the highlighted operator of the page of what was typed, once it is shown."""
        if self._page_listing != self.listing:
            self._open_when_shown = True
        else:
            self.query_one("#operators", DataTable).action_select_cursor()

    def action_onboard_operator(self) -> None:
        from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen

        operator_id = highlighted_key(self.query_one("#operators", DataTable))
        if operator_id:
            self.app.push_screen(OnboardingWizardScreen(operator_id))

    def action_copy_id(self) -> None:
        operator_id = highlighted_key(self.query_one("#operators", DataTable))
        if operator_id:
            copy_value(self.app, "operator id", operator_id)

    def action_markets(self) -> None:
        from predictu_console.tui.screens.markets import MarketsScreen

        self.app.push_screen(MarketsScreen())

    def action_export_list(self) -> None:
        from predictu_console.tui.modals.operator_export import OperatorExportModal

        total = self.page.total if self.page else 0
        selected = f"{count(total, 'operator')} ({state_line(self.listing)})"
        name = f"operators-{self.console.gateway.clock.now():%Y%m%d-%H%M%S}.csv"
        # Without a data directory (tests, pictures) a bare name: the working directory.
        default = self.console.data_dir / name if self.console.data_dir else Path(name)
        self.app.push_screen(OperatorExportModal(self.listing, selected, default))

    def action_cycle_status(self) -> None:
        following = STATUS_FILTERS[(STATUS_FILTERS.index(self.listing.status) + 1) % 4]
        self._requery(status=following, offset=0)

    def action_cycle_sort(self) -> None:
        following = SORTS[(SORTS.index(self.listing.sort) + 1) % len(SORTS)]
        self._requery(sort=following, order="asc" if following == "name" else "desc", offset=0)

    def action_reverse_sort(self) -> None:
        self._requery(order="asc" if self.listing.order == "desc" else "desc", offset=0)

    def action_page(self, step: int, landing: str | None = None) -> None:
        """Turn `step` pages, if there are so many; the cursor lands on `landing` row, if given."""
        total = self.page.total if self.page else 0
        offset = self.listing.offset + step * PAGE_SIZE
        if 0 <= offset < max(total, 1):
            self._landing = landing
            self._requery(offset=offset)

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#operators", DataTable)
        if step > 0 and table.cursor_row >= table.row_count - 1:
            self.action_page(1, "first")
        elif step < 0 and table.cursor_row <= 0:
            self.action_page(-1, "last")
        else:
            table.move_cursor(row=table.cursor_row + step, animate=False)

    def action_jump(self, end: str) -> None:
        """`g`: the first row of the first page; `G`: the last row of the last page."""
        total = self.page.total if self.page else 0
        offset = 0 if end == "first" else max(total - 1, 0) // PAGE_SIZE * PAGE_SIZE
        if offset == self.listing.offset:
            table = self.query_one("#operators", DataTable)
            table.move_cursor(row=0 if end == "first" else table.row_count - 1, animate=False)
        else:
            self._landing = end
            self._requery(offset=offset)

    def _requery(self, **changes: object) -> None:
        """Query again with `changes`, checked by the rules the API applies to the same
        query; a refused one (a search too long) is shown and the list stays as it was."""
        from predictu_console.core.models import OperatorListQuery
        from predictu_console.core.validation import parse
        from predictu_console.tui.preferences import KEPT_LIST_FIELDS

        try:
            self.listing = parse(OperatorListQuery, {**self.listing.model_dump(), **changes})
        except ValidationFailed as error:
            self.console.show_error(error)
            return
        if KEPT_LIST_FIELDS & changes.keys():
            self.console.remember_listing(self.listing)
        self._open_when_shown = False  # a query after the Enter: it was not for this page
        self.reload()

    def reload(self) -> None:
        """Fetch the current page again."""
        self.load_page(self.listing, self._sparks)

    def show_page(self, page: Page, listing: ListState) -> None:
        """Fill the table and the counters with `page` of `listing`, keeping the highlighted
        operator if it is there."""
        self.page, self._page_listing = page, listing
        table = self.query_one("#operators", DataTable)
        rows = page.operators
        trends = self._trends(rows) if self._sparks else []
        users = right_aligned([f"{row.user_count:,}" for row in rows], "Users")
        volumes = right_aligned([money(row.total_volume) for row in rows], "Volume")
        revenues = right_aligned([money(row.mtd_revenue) for row in rows], "MTD revenue")
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
            if self._sparks:
                cells["trend"] = trends[number]
            filled.append((row.id, [cells[str(key.value)] for key in table.columns]))
        refill(table, filled)
        if self._landing is not None and rows:
            table.move_cursor(row=0 if self._landing == "first" else len(rows) - 1, animate=False)
            self._landing = None
        self._operator_in_full()
        # The count and the empty list's reason keep their size whatever they say: no layout
        # for them, so a keystroke lays the screen out once, for the state line's width.
        self.query_one("#list-count", Static).update(count_line(page), layout=False)
        self.set_class(page.total == 0, "-empty")
        self.query_one("#list-empty", Static).update(empty_reason(listing), layout=False)
        self.query_one("#list-state", Static).update(state_line(listing))

    def _trends(self, rows: Sequence[Row]) -> list[Text | str]:
        """Each row's sparkline; blank on the painted first page, whose volumes are read with
        the regular page that replaces it."""
        if self._first is not None:
            return ["" for _ in rows]
        from predictu_console.core.trends import SPARK_DAYS

        known = self.volumes.daily if self.volumes else {}
        daily = ([float(volume) for volume in known.get(row.id, [])] for row in rows)
        return [sparkline_text(volumes, SPARK_DAYS) for volumes in daily]

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def load_page(self, listing: OperatorListQuery, sparks: bool) -> None:
        # The marker is read before the page, so a change between the two reads shows up at
        # the next poll; once known, only polls read it, since it scans the operators table.
        gateway = self.console.gateway
        marker = self._marker or gateway.change_marker()
        page = gateway.list_operators(listing)
        volumes = self.volumes
        if sparks:
            today = gateway.clock.now().date()
            if volumes is None or (volumes.day, volumes.marker) != (today, marker):
                volumes = KnownVolumes(today, marker, {})
            missing = volumes.missing([row.id for row in page.operators])
            if missing:
                volumes = volumes.adding(gateway.recent_volumes(missing))
        self.app.call_from_thread(self._loaded, listing, page, marker, volumes)

    def _loaded(
        self,
        listing: OperatorListQuery,
        page: Page,
        marker: tuple[object, ...],
        volumes: KnownVolumes | None,
    ) -> None:
        self._marker = self._marker or marker
        if listing == self.listing:  # else typed past: a newer page is on its way
            self.volumes = volumes
            self.show_page(page, listing)
            if self._open_when_shown:
                self._open_when_shown = False
                self.query_one("#operators", DataTable).action_select_cursor()

    def poll_for_changes(self) -> None:
        """Another admin may have changed something: look, cheaply, while this screen shows."""
        if self.is_current and self._marker is not None:
            self.check_for_changes(self._marker)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def check_for_changes(self, seen: tuple[object, ...]) -> None:
        marker = self.console.gateway.change_marker()
        if marker != seen:
            self.app.call_from_thread(self._changed, marker)

    def _changed(self, marker: tuple[object, ...]) -> None:
        self._marker = marker
        self.reload()


def state_line(listing: ListState) -> str:
    """The filter, sort and search in force: `status: active · sort: name ↑ · search: 'x'`."""
    arrow = "↑" if listing.order == "asc" else "↓"
    searched = f" · search: {listing.search!r}" if listing.search else ""
    return f"status: {listing.status} · sort: {listing.sort} {arrow}{searched}"


def count_line(page: Page) -> str:
    """Where the page is in the list: `1–50 of 10,000 operators · page 1 of 200`."""
    if page.total == 0:
        return count(0, "operator")
    if not page.operators:
        return f"Past the end of {count(page.total, 'operator')} — [ goes back a page"
    return page_position(page.offset, len(page.operators), page.total, PAGE_SIZE, "operator")


def empty_reason(listing: ListState) -> str:
    """Why the list is empty, and what to do about it."""
    if listing.search:
        return f"No operators match {listing.search!r} — Esc clears the search"
    if listing.status != "all":
        return f"No {listing.status} operators — f changes the status filter"
    return "No operators yet — n creates one"
