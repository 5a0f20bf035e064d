"""The detail's Players tab: the players, and restricting one after naming what follows."""

from __future__ import annotations

import pytest

from predictu_console.core.models import OperatorListQuery
from predictu_console.core.players import PlayerListQuery, PlayerRestrict
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.player_restrict import PlayerRestrictModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.trading import funded_player, outbox_events
from tests.tui.screens import LIVE_POLL_SECONDS, SIZE, open_operator, settle, shown_text


def _rows(console) -> list[list[str]]:
    table = console.screen.query_one("#players-table")
    return [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _operator_id(gateway, search: str) -> str:
    return gateway.list_operators(OperatorListQuery(search=search)).operators[0].id


async def test_the_tab_pages_players_newest_first_and_shows_new_ones_live(gateway):
    operator_id = _operator_id(gateway, "example")
    page = gateway.list_players(operator_id, PlayerListQuery(limit=100))
    newest_first = [player.external_player_id for player in page.players]
    app = make_tui(gateway, poll_seconds=LIVE_POLL_SECONDS)
    async with app.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("9")
        await settle(pilot)
        assert [row[0] for row in _rows(app)] == newest_first[:50]
        pages = -(-page.total // 50)
        assert shown_text(app, "#players-caption").startswith(
            f"1–50 of {page.total:,} players · page 1 of {pages} · newest first"
        )
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert [row[0] for row in _rows(app)] == newest_first[50:100]
        await pilot.press("left_square_bracket")
        await settle(pilot)

        funded_player(gateway.factory, gateway.clock, operator_id, "just-joined", amount=250)
        for _ in range(100):
            await pilot.pause(0.1)
            if _rows(app)[0][0] == "just-joined":
                break
        assert _rows(app)[0][:6] == ["just-joined", "250.00", "● active", "0", "0.00", "2025-03-18"]


async def test_restricting_names_the_consequence_then_shows_the_player_restricted(console, gateway):
    operator_id = _operator_id(gateway, "example")
    funded_player(gateway.factory, gateway.clock, operator_id, "player-123")
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("9")
        await settle(pilot)
        assert _rows(console)[0][0] == "player-123"
        before = outbox_events(gateway.factory)

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(console.screen, PlayerRestrictModal)
        assert shown_text(console, "#restrict-body").startswith(
            "They can no longer trade; their open positions still settle. "
            "Example Casino is sent USER_RESTRICTED."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "✗" in str(console.screen.query_one("#field-reason .field-error").content)

        await pilot.press(*"Chargeback fraud", "enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)
        row = _rows(console)[0]
        assert (row[0], row[2], row[6]) == ("player-123", "⊘ restricted", "Chargeback fraud")
        assert any(n.title == "Restricted" for n in console._notifications)
        assert outbox_events(gateway.factory) - before == {(operator_id, "USER_RESTRICTED"): 1}

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)
        assert any("already restricted" in n.message for n in console._notifications)


async def test_restrict_is_offered_only_on_the_players_tab(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)
        assert "p" not in console.screen.active_bindings
        assert "right_square_bracket" not in console.screen.active_bindings
        await pilot.press("9")
        await settle(pilot)
        assert console.screen.active_bindings["p"].binding.description == "Restrict player"
        assert "right_square_bracket" in console.screen.active_bindings


async def test_an_operator_without_players_says_where_they_come_from(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("9")
        await settle(pilot)
        assert console.screen.query_one("#players-table").row_count == 0
        assert shown_text(console, "#players-caption").startswith(
            "No players yet. They appear here as the operator's server registers them."
        )


@pytest.mark.parametrize(("size", "shown"), [((80, 24), True), ((160, 48), False)])
async def test_a_restriction_the_table_cuts_is_shown_whole_beneath_it(
    console, gateway, size, shown
):
    """At 80 columns the table showed 'Chargeba' of the reason and nothing said the rest."""
    operator_id = _operator_id(gateway, "example")
    funded_player(gateway.factory, gateway.clock, operator_id, "player-123")
    reason = "Chargeback fraud pattern flagged by the risk team"
    gateway.restrict_player(operator_id, "player-123", PlayerRestrict(reason=reason))
    async with console.run_test(size=size) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("9")
        await settle(pilot)

        in_full = console.screen.query_one("#player-in-full")
        assert in_full.display is shown  # at 160 columns the table shows every column
        said = str(in_full.render())
        assert said.startswith("Player player-123 · ") and f"Restricted because {reason}" in said
        if shown:  # beneath the table's rows, yet on the screen, above the footer
            assert 0 < in_full.region.y and in_full.region.bottom <= size[1] - 1
