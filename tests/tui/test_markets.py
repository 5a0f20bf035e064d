"""The Markets screen: reached from the list and the palette, live, opening and resolving."""

from __future__ import annotations

import pytest

from predictu_console.core.markets import MarketListQuery, MarketResolve
from predictu_console.core.platform import MarketCreate
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.market_create import MarketCreateModal
from predictu_console.tui.modals.market_resolve import MarketResolveModal
from predictu_console.tui.screens.markets import MarketsScreen
from tests.trading import outbox_events
from tests.tui.screens import SIZE, settle, shown_text, type_into


def _rows(app) -> list[list[str]]:
    table = app.screen.query_one("#markets")
    return [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _titles(app) -> list[str]:
    return [row[0] for row in _rows(app)]


def _listed(gateway, **query) -> list[str]:
    page, _ = gateway.list_markets(MarketListQuery(**query))
    return [market.title for market in page.markets]


def _notes(app) -> list[tuple[str, str]]:
    return [(note.title, note.message) for note in app._notifications]


async def _open_markets(pilot) -> None:
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MarketsScreen)


async def test_m_opens_every_market_newest_first_and_f_filters_them(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open_markets(pilot)
        assert _titles(console) == _listed(gateway, limit=50)
        assert "of 16 markets" in shown_text(console, "#markets-count")
        await pilot.press("f")
        await settle(pilot)
        assert _titles(console) == _listed(gateway, status="open", limit=50)
        assert {row[2] for row in _rows(console)} == {"● open"}
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(console.screen, MarketsScreen)


async def test_the_palette_opens_the_markets(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"markets")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, MarketsScreen)


async def test_a_new_market_shows_errors_beside_fields_then_opens_on_top(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open_markets(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(console.screen, MarketCreateModal)
        await type_into(pilot, "title", "Will it snow in May?")
        await type_into(pilot, "category", "weather")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(console.screen, MarketCreateModal)
        error = str(console.screen.query_one("#field-category .field-error").content)
        assert error.startswith("✗")

        await type_into(pilot, "category", "sports")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(console.screen, MarketsScreen)
        assert _rows(console)[0][:3] == ["Will it snow in May?", "sports", "● open"]
        assert _listed(gateway, limit=1) == ["Will it snow in May?"]
        assert (
            "Market opened",
            "“Will it snow in May?” is open to every operator offering sports.",
        ) in _notes(console)


async def test_resolving_says_what_it_settles_then_shows_it_settled(console, gateway):
    page, activity = gateway.list_markets(MarketListQuery(status="open", limit=1))
    [market] = page.markets
    preview = gateway.preview_resolution(market.id)
    before = outbox_events(gateway.factory)
    async with console.run_test(size=SIZE) as pilot:
        await _open_markets(pilot)
        assert _titles(console)[0] == market.title
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(console.screen, MarketResolveModal)
        assert shown_text(console, "#resolve-body").startswith(
            f"Settles {preview.positions} open positions of {preview.players} players at "
            f"{preview.operators} operators."
        )
        await pilot.press(*"maybe", "enter")
        await settle(pilot)
        assert isinstance(console.screen, MarketResolveModal)
        error = str(console.screen.query_one("#field-outcome .field-error").content)
        assert error.startswith("✗")
        await type_into(pilot, "outcome", "yes")
        assert "Resolve as YES" in str(console.screen.query_one("#resolve").label)
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(console.screen, MarketsScreen)
        row = _rows(console)[0]
        assert (row[0], row[2], row[5], row[6]) == (market.title, "✓ resolved", "YES", "—")
        assert (
            "Resolved",
            f"“{market.title}” resolved YES: {preview.positions} positions settled at "
            f"{preview.operators} operators.",
        ) in _notes(console)
    emitted = outbox_events(gateway.factory) - before
    resolved = [key for key in emitted if key[1] == "MARKET_RESOLVED"]
    assert len(resolved) == preview.operators
    assert activity[market.id].open_positions == preview.positions


async def test_a_market_resolved_meanwhile_is_refused_with_its_code(console, gateway):
    async with console.run_test(size=SIZE) as pilot:
        await _open_markets(pilot)
        page, _ = gateway.list_markets(MarketListQuery(limit=1))
        gateway.resolve_market(page.markets[0].id, MarketResolve(outcome="no"))
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(console.screen, MarketsScreen)
        assert any(title == "MARKET_CLOSED" for title, _ in _notes(console))


async def test_the_screen_follows_markets_opened_elsewhere(gateway):
    app = make_tui(gateway, poll_seconds=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await _open_markets(pilot)
        gateway.create_market(MarketCreate(title="Opened by a colleague", category="crypto"))
        for _ in range(30):
            await pilot.pause(0.1)
            if _titles(app)[0] == "Opened by a colleague":
                break
        assert _titles(app)[0] == "Opened by a colleague"


@pytest.mark.parametrize(("size", "shown"), [((80, 24), True), ((160, 48), False)])
async def test_a_market_whose_long_title_cuts_its_row_is_shown_whole_beneath_it(
    console, gateway, size, shown
):
    """A title of 50 characters pushed the status, outcome and positions off 80 columns."""
    title = "Will the national side qualify after the playoff?"
    gateway.create_market(MarketCreate(title=title, category="sports"))
    async with console.run_test(size=size) as pilot:
        await _open_markets(pilot)

        assert _titles(console)[0] == title
        in_full = console.screen.query_one("#market-in-full")
        assert in_full.display is shown  # at 160 columns the title leaves room for the rest
        said = str(in_full.render())
        assert said.startswith(f"Title {title} · ") and "Status ● open" in said
