"""Charts: the overview's trends and the list's sparklines, in words too, and without colour."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from predictu_console.core.callbacks.delivery_log import DeliveryListQuery
from predictu_console.core.models import OperatorListQuery
from predictu_console.core.players import PlayerListQuery
from predictu_console.db.session import engine_of
from predictu_console.tui.app import make_tui
from predictu_console.tui.screens.operator_list import SPARKS_FROM
from predictu_console.tui.widgets.trend_chart import TrendChart
from tests.factories import update
from tests.trading import buy, funded_player, open_market
from tests.tui.screens import SIZE, open_operator, settle, shown_text

BARS = set("▁▂▃▄▅▆▇█")


def _example(gateway):
    [example] = gateway.list_operators(OperatorListQuery(search="example")).operators
    return gateway.operator_view(example.id, DeliveryListQuery(), PlayerListQuery()).trends


async def test_the_overview_draws_the_rollups_and_focus_shows_every_value(console, gateway):
    trends = _example(gateway)
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        volume = console.screen.query_one("#volume-chart", TrendChart)
        assert volume.query_one("Sparkline").data == [float(p.volume) for p in trends.days]
        players = console.screen.query_one("#players-chart", TrendChart)
        assert players.query_one("Sparkline").data == [float(p.new_players) for p in trends.days]
        revenue = console.screen.query_one("#revenue-chart", TrendChart)
        predictu, operator = revenue.query("Sparkline")
        assert predictu.data == [float(m.predictu_share) for m in trends.months]
        assert operator.data == [float(m.operator_share) for m in trends.months]

        values = volume.query_one(".chart-values")
        assert not values.display
        assert "in 90 days, peak" in shown_text(console, "#volume-chart .chart-summary")
        while not volume.has_focus:  # Tab reaches the chart, as a keyboard user gets there
            await pilot.press("tab")
        await settle(pilot)
        assert values.display and values.region.height > 0
        last = trends.days[-1]
        assert f"{last.day:%m-%d} {last.volume:,.2f}" in shown_text(
            console, "#volume-chart .chart-values"
        )
        month = trends.months[-1]
        assert f"{month.month}: {month.revenue:,.2f}" in shown_text(
            console, "#revenue-chart .chart-summary"
        )


async def test_without_colour_the_charts_keep_their_bars_and_their_words(gateway, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    console = make_tui(gateway, poll_seconds=3600)
    async with console.run_test(size=(140, 80)) as pilot:
        await open_operator(pilot, "example")
        assert console.no_color
        screen = console.export_screenshot().replace("&#160;", " ")  # SVG spells spaces so
    assert "Daily volume, last 90 days" in screen and "in 90 days, peak" in screen
    assert "Monthly revenue and its split" in screen
    assert BARS & set(screen)


async def test_the_list_draws_thirty_days_per_operator_only_where_the_width_allows(console):
    async with console.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        table = console.screen.query_one("#operators")
        assert "trend" in [str(key.value) for key in table.columns]
        row = table.get_row(next(key for key in table.rows if key.value.startswith("op_")))
        spark = str(row[-1])
        assert len(spark) == 30 and set(spark) <= BARS

        await pilot.resize_terminal(SPARKS_FROM - 1, 40)
        await settle(pilot)
        assert "trend" not in [str(key.value) for key in table.columns]


@contextmanager
def statements_run(engine):
    """The SQL statements run on `engine` inside the block, in order."""
    statements = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_a_keystroke_in_the_search_reads_only_its_page_once_the_sparklines_are_known(
    console, gateway
):
    async with console.run_test(size=(SPARKS_FROM, 40)) as pilot:
        await settle(pilot)  # every operator fits on the first page: all sparklines are read
        await pilot.press("slash")
        with statements_run(engine_of(gateway.factory)) as keystroke:
            await pilot.press("l")
            await settle(pilot)
        with statements_run(engine_of(gateway.factory)) as page_alone:
            gateway.list_operators(console.screen.listing)
        row = console.screen.query_one("#operators").get_row_at(0)
        assert set(str(row[-1])) <= BARS and len(str(row[-1])) == 30  # still drawn

    assert keystroke == page_alone  # no volumes read again


async def test_a_change_by_another_admin_reads_the_sparklines_again(console, gateway, clock):
    async with console.run_test(size=(SPARKS_FROM, 40)) as pilot:
        await settle(pilot)
        changed = console.screen.page.operators[0]
        update(gateway.factory, gateway.actor, clock, changed.id, contact_email="ops@example.com")
        with statements_run(engine_of(gateway.factory)) as polled:
            console.screen.poll_for_changes()  # what the poll's timer does
            await settle(pilot)

    assert any("FROM operator_daily" in statement for statement in polled)


async def test_a_trade_moves_the_volume_and_reads_the_sparklines_again(console, gateway, clock):
    """Trading bumps no operator's version: the list once kept showing the old volume."""
    async with console.run_test(size=(SPARKS_FROM, 40)) as pilot:
        await settle(pilot)
        table = console.screen.query_one("#operators")
        [row] = [n for n in range(table.row_count) if str(table.get_row_at(n)[0]) == "Polar Play"]
        before = str(table.get_row_at(row)[4])
        [polar] = gateway.list_operators(OperatorListQuery(search="polar")).operators
        player = funded_player(gateway.factory, clock, polar.id, "new-whale", amount=5000)
        buy(gateway.factory, clock, player, open_market(gateway.factory, gateway.actor, clock))
        with statements_run(engine_of(gateway.factory)) as polled:
            console.screen.poll_for_changes()  # what the poll's timer does
            await settle(pilot)

        assert str(table.get_row_at(row)[4]) != before
    assert any("FROM operator_daily" in statement for statement in polled)
