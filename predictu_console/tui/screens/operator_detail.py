"""One operator in full: overview, branding, origins, keys, onboarding, invoices, audit, the
callback deliveries and the players; kept live by a poll while it is on screen."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.core.keys import KeysGenerated
from predictu_console.core.models import OperatorDetail, OperatorUpdate
from predictu_console.core.operator_view import OperatorView
from predictu_console.core.players import PlayerListQuery, PlayerOut
from predictu_console.tui import legend
from predictu_console.tui.base import ConsoleScreen
from predictu_console.tui.clipboard import copy_value
from predictu_console.tui.formatting import expiry, health_text, money, status_text, when
from predictu_console.tui.modals.callback_test import CallbackTestModal
from predictu_console.tui.modals.confirm import ConfirmModal
from predictu_console.tui.modals.delivery_detail import DeliveryDetailModal
from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.modals.player_restrict import PlayerRestrictModal
from predictu_console.tui.screens.onboarding_wizard import OnboardingWizardScreen
from predictu_console.tui.screens.operator_edit import OperatorEditScreen
from predictu_console.tui.widgets import panels
from predictu_console.tui.widgets.console_header import ConsoleHeader
from predictu_console.tui.widgets.delivery_log import FILTERS, DeliveryLog
from predictu_console.tui.widgets.fitted_line import FittedLine, Part
from predictu_console.tui.widgets.key_footer import KeyFooter
from predictu_console.tui.widgets.player_list import PlayerList
from predictu_console.tui.widgets.row_in_full import RowInFull
from predictu_console.tui.widgets.tab_labels import TABS, full_label, tab_labels
from predictu_console.tui.widgets.tables import highlighted_key, refill
from predictu_console.tui.widgets.trend_chart import TrendChart

DELIVERIES_SHOWN = 50
PLAYERS_SHOWN = 50


def header_parts(detail: OperatorDetail) -> list[Part]:
    """The line above the tabs; narrow, it keeps the name, the status, the onboarding figure
    and the callback's health, and leaves out the domain and then the id."""
    return [
        Part(0, Text(detail.name, style="bold")),
        Part(4, detail.domain),
        Part(1, status_text(detail.status)),
        Part(3, Text.assemble("callback ", health_text(detail.callback_status))),
        Part(2, f"onboarding {detail.onboarding_step}/8"),
        Part(5, Text(detail.id, style="dim")),
    ]


class OperatorDetailScreen(ConsoleScreen):
    """Everything known about one operator; `e` edits it, `a` changes its status."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("e", "edit_operator", "Edit", id="edit-operator"),
        Binding("a", "change_status", "Activate/deactivate", id="change-status"),
        Binding("K", "rotate_keys", "Keys", id="rotate-keys"),
        Binding("t", "test_callback", "Test callback", id="test-callback"),
        Binding("o", "onboard", "Onboarding wizard", id="onboard"),
        Binding("r", "reload", "Reload", id="reload"),
        Binding("y", "copy", "Copy", show=False, id="copy"),
        Binding("f", "filter_deliveries", "Filter deliveries", show=False, id="filter-deliveries"),
        Binding("p", "restrict_player", "Restrict player", id="restrict-player"),
        *(
            Binding(key, f"players_page({step})", label, show=False, id=binding_id)
            for key, step, label, binding_id in (
                ("right_square_bracket", 1, "Next players", "next-players"),
                ("left_square_bracket", -1, "Previous players", "previous-players"),
            )
        ),
        *(
            Binding(str(number), f"show_tab('{key}')", label, show=False, id=f"tab-{key}")
            for number, (key, label) in enumerate(TABS, start=1)
        ),
        # Movement only, as in the list: `k` is up here too, so keys are Shift+K.
        Binding("j", "cursor(1)", "Down", show=False, id="cursor-down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="cursor-up"),
        Binding("g", "jump('first')", "First row", show=False, id="first-row"),
        Binding("G", "jump('last')", "Last row", show=False, id="last-row"),
    ]
    """Most important first: a narrow footer leaves out the last ones."""
    HELP_TITLE = "Operator detail"
    LEGEND = (legend.STATUS, legend.HEALTH, legend.DELIVERY, legend.DETAIL_COLUMNS)
    CSS_PATH = "operator_detail.tcss"

    def __init__(self, operator_id: str) -> None:
        super().__init__()
        self.operator_id = operator_id
        self.detail: OperatorDetail | None = None
        self.delivery_filter = "all"
        self.players_offset = 0

    def compose(self) -> ComposeResult:
        yield ConsoleHeader()
        yield FittedLine("Loading…", id="detail-header")
        with TabbedContent(id="tabs"):
            for number, (key, label) in enumerate(TABS, start=1):
                with TabPane(full_label(number, label), id=key), VerticalScroll():
                    if key in ("keys", "invoices"):
                        table: DataTable[object] = DataTable(id=f"{key}-table", cursor_type="row")
                        yield table
                        if key == "keys":
                            yield RowInFull(table, id="key-in-full")
                        yield Static(id=f"{key}-empty", classes="muted")
                    elif key == "deliveries":
                        yield DeliveryLog()
                    elif key == "players":
                        yield PlayerList()
                    else:
                        yield Static(id=f"{key}-body")
                    if key == "overview":
                        yield TrendChart(id="volume-chart")
                        yield TrendChart(id="players-chart")
                        yield TrendChart(rows=2, id="revenue-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        keys = self.query_one("#keys-table", DataTable)
        keys.add_columns("Key", "Label", "Public key", "Status", "Created", "Last used", "Expires")
        invoices = self.query_one("#invoices-table", DataTable)
        invoices.add_columns("Period", "Gross", "Predictu", "Operator", "Status")
        tabs = self.query_one("#tabs", TabbedContent)
        for number, (key, name) in enumerate(TABS, start=1):
            tabs.get_tab(key).tooltip = full_label(number, name)  # when shown by number only
        self.action_reload()
        self.set_interval(self.console.poll_seconds, self._poll)

    def on_screen_resume(self) -> None:
        self.action_reload()

    def _poll(self) -> None:
        # Deliveries and callback health change behind the admin's back: keep them current.
        if self.is_current:
            self.action_reload()

    def action_filter_deliveries(self) -> None:
        self.delivery_filter = FILTERS[(FILTERS.index(self.delivery_filter) + 1) % len(FILTERS)]
        self.action_show_tab("deliveries")
        self.action_reload()

    @on(DataTable.RowHighlighted, "#keys-table")
    def _key_in_full(self) -> None:
        """The highlighted key whole: at 80 columns its dates are cut or off the screen."""
        keys = self.detail.api_keys if self.detail is not None else []
        row = self.query_one("#keys-table", DataTable).cursor_row
        if not 0 <= row < len(keys):
            self.query_one("#key-in-full", RowInFull).show("")
            return
        key, now = keys[row], self.console.gateway.clock.now()
        self.query_one("#key-in-full", RowInFull).show(
            f"{key.key_id} · {key.label} · {key.status}\npublic key {key.public_key}\n"
            f"created {when(key.created_at)} · last used {when(key.last_used_at)}"
            f" · expires {expiry(key.expires_at, now)}"
        )

    @on(DataTable.RowSelected, "#deliveries-table")
    def _open_delivery(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(DeliveryDetailModal(event.row_key.value))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The players' keys are offered, in the footer too, only where the players are."""
        if action in ("restrict_player", "players_page"):
            return self.query_one("#tabs", TabbedContent).active == "players"
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        self._label_tabs()

    def on_resize(self) -> None:
        self._label_tabs()

    def _label_tabs(self) -> None:
        """Name as many tabs as fit; the others show their number key."""
        tabs = self.query_one("#tabs", TabbedContent)
        for key, label in tab_labels(tabs.active, self.size.width).items():
            tab = tabs.get_tab(key)
            if tab.label_text != label:
                tab.label = label

    def action_players_page(self, step: int) -> None:
        page = self.query_one(PlayerList).page
        offset = self.players_offset + step * PLAYERS_SHOWN
        if page is not None and 0 <= offset < page.total:
            self.players_offset = offset
            self.action_reload()

    def action_restrict_player(self) -> None:
        detail, player = self.detail, self.query_one(PlayerList).highlighted()
        if detail is None or player is None:
            return
        if player.status == "restricted":
            self.notify(f"{player.external_player_id} is already restricted.", timeout=4)
            return

        def closed(restricted: PlayerOut | None) -> None:
            if restricted is not None:
                self.notify(
                    f"{restricted.external_player_id} can no longer trade; "
                    f"{detail.name} is sent USER_RESTRICTED.",
                    title="Restricted",
                )
                self.action_reload()

        modal = PlayerRestrictModal(detail.id, detail.name, player.external_player_id)
        self.app.push_screen(modal, closed)

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab
        tables = self.query_one(f"#{tab}", TabPane).query(DataTable)
        if tables:
            tables.first().focus()  # arrows and Enter work on the rows at once

    def action_cursor(self, step: int) -> None:
        """Down or up a row of the tab's table, or a line of its text."""
        moving = self._moving()
        if isinstance(moving, DataTable):
            moving.move_cursor(row=moving.cursor_row + step, animate=False)
        else:
            moving.scroll_relative(y=step, animate=False)

    def action_jump(self, end: str) -> None:
        """To the first or last row of the tab's table, or the top or end of its text."""
        moving = self._moving()
        if isinstance(moving, DataTable):
            moving.move_cursor(row=0 if end == "first" else moving.row_count - 1, animate=False)
        elif end == "first":
            moving.scroll_home(animate=False)
        else:
            moving.scroll_end(animate=False)

    def _moving(self) -> DataTable[object] | VerticalScroll:
        """What j, k, g and G move: the focused table, else the shown tab's scrolling pane."""
        if isinstance(self.focused, DataTable):
            return self.focused
        tab = self.query_one("#tabs", TabbedContent).active
        return self.query_one(f"#{tab}", TabPane).query_one(VerticalScroll)

    def action_reload(self) -> None:
        self.load(self.operator_id)

    def action_edit_operator(self) -> None:
        if self.detail is not None:
            self.app.push_screen(OperatorEditScreen(self.detail))

    def action_rotate_keys(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def closed(generated: KeysGenerated | None) -> None:
            if generated is not None:
                self.action_show_tab("keys")
                self.action_reload()

        modal = KeyRotationModal(detail.id, detail.name, has_keys=bool(detail.api_keys))
        self.app.push_screen(modal, closed)

    def action_copy(self) -> None:
        """The highlighted key's public key or delivery's id, else the operator's id."""
        detail, focused = self.detail, self.focused
        if detail is None:
            return
        key = highlighted_key(focused) if isinstance(focused, DataTable) else None
        if focused is not None and focused.id == "keys-table" and key:
            [public_key] = [k.public_key for k in detail.api_keys if k.key_id == key]
            copy_value(self.app, "public key", public_key)
        elif focused is not None and focused.id == "deliveries-table" and key:
            copy_value(self.app, "delivery id", key)
        else:
            copy_value(self.app, "operator id", detail.id)

    def action_onboard(self) -> None:
        self.app.push_screen(OnboardingWizardScreen(self.operator_id))

    def action_test_callback(self) -> None:
        detail = self.detail
        if detail is not None:
            modal = CallbackTestModal(detail.id, detail.name, detail.callback_url)
            self.app.push_screen(modal, lambda _result: self.action_reload())

    def action_change_status(self) -> None:
        detail = self.detail
        if detail is None:
            return
        if detail.status == "active":
            target, title = "inactive", f"Deactivate {detail.name}?"
            body = (
                "New trades by its players are blocked at once. "
                "Open positions stay until their markets resolve."
            )
        else:
            target, title = "active", f"Activate {detail.name}?"
            body = (
                "Its players can trade again."
                if detail.status == "inactive"
                else "It goes live: its players can trade from now on. Activation needs every "
                "onboarding step done; the console names any that is still open."
            )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.save_status(detail.version, target)

        self.app.push_screen(ConfirmModal(title, body, confirm_label=title.split()[0]), confirmed)

    def show(self, view: OperatorView) -> None:
        """Fill the header and every tab."""
        detail = self.detail = view.detail
        self.query_one("#detail-header", FittedLine).show(header_parts(detail))
        for key, render in (
            ("overview", panels.overview),
            ("branding", panels.branding),
            ("origins", panels.origins),
            ("onboarding", panels.onboarding),
        ):
            self.query_one(f"#{key}-body", Static).update(render(detail))
        self.query_one("#audit-body", Static).update(panels.audit_trail(view.history))
        for chart, content in (
            ("volume", panels.volume_chart),
            ("players", panels.players_chart),
            ("revenue", panels.revenue_chart),
        ):
            self.query_one(f"#{chart}-chart", TrendChart).show(content(view.trends))
        now = self.console.gateway.clock.now()
        refill(
            self.query_one("#keys-table", DataTable),
            (
                (
                    api_key.key_id,
                    [
                        api_key.key_id,
                        api_key.label,
                        api_key.public_key[:16] + "…",
                        api_key.status,
                        when(api_key.created_at),
                        when(api_key.last_used_at),
                        expiry(api_key.expires_at, now),
                    ],
                )
                for api_key in detail.api_keys
            ),
        )
        self._key_in_full()
        self.query_one("#keys-empty", Static).update(
            "" if detail.api_keys else "No API keys yet — K generates the first pair."
        )
        refill(
            self.query_one("#invoices-table", DataTable),
            (
                (
                    invoice.invoice_id,
                    [
                        invoice.period,
                        money(invoice.gross_revenue),
                        money(invoice.predictu_share),
                        money(invoice.operator_share),
                        invoice.status,
                    ],
                )
                for invoice in detail.recent_invoices
            ),
        )
        self.query_one("#invoices-empty", Static).update(
            ""
            if detail.recent_invoices
            else "No invoices yet: they start after a month with revenue."
        )
        self.query_one(DeliveryLog).show(view.deliveries, self.delivery_filter, view.backlog, now)
        self.query_one(PlayerList).show(view.players)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self, operator_id: str) -> None:
        gateway = self.console.gateway
        query = DeliveryListQuery(status=self.delivery_filter, limit=DELIVERIES_SHOWN)
        players = PlayerListQuery(limit=PLAYERS_SHOWN, offset=self.players_offset)
        view = gateway.operator_view(operator_id, query, players)
        self.app.call_from_thread(self.show, view)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save_status(self, version: int, status: str) -> None:
        data = OperatorUpdate.model_validate({"status": status})
        result = self.console.gateway.update_operator(self.operator_id, data, version)
        self.app.call_from_thread(
            self.notify, f"{result.operator.name} is now {result.operator.status}.", title="Saved"
        )
        self.app.call_from_thread(self.action_reload)
