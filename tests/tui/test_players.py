"""The detail's Players tab: the players, and restricting one after naming what follows."""

from __future__ import annotations

from predictu_console.core.models import OperatorListQuery
from predictu_console.core.players import PlayerListQuery
from predictu_console.tui.modals.player_restrict import PlayerRestrictModal
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.trading import funded_player, outbox_events
from tests.tui.screens import SIZE, open_operator, settle, shown_text


def _rows(console) -> list[list[str]]:
    table = console.screen.query_one("#players-table")
    return [[str(cell).strip() for cell in table.get_row_at(n)] for n in range(table.row_count)]


def _operator_id(backend, search: str) -> str:
    return backend.list_operators(OperatorListQuery(search=search)).operators[0].id


async def test_the_tab_lists_players_newest_first_and_follows_new_ones(console, backend):
    operator_id = _operator_id(backend, "example")
    newest_first = backend.list_players(operator_id, PlayerListQuery(limit=50)).players
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("9")
        await settle(pilot)
        rows = _rows(console)
        assert [row[0] for row in rows] == [p.external_player_id for p in newest_first]
        assert "players, newest first" in shown_text(console, "#players-caption")

        funded_player(backend.factory, backend.clock, operator_id, "just-joined", amount=250)
        await pilot.press("r")
        await settle(pilot)
        assert _rows(console)[0][:5] == ["just-joined", "250.00", "● active", "0", "0.00"]


async def test_restricting_names_the_consequence_then_shows_the_player_restricted(console, backend):
    operator_id = _operator_id(backend, "example")
    funded_player(backend.factory, backend.clock, operator_id, "player-123")
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "example")
        await pilot.press("9")
        await settle(pilot)
        assert _rows(console)[0][0] == "player-123"
        before = outbox_events(backend.factory)

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
        assert outbox_events(backend.factory) - before == {(operator_id, "USER_RESTRICTED"): 1}

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
        assert not console.screen.active_bindings.get("p")
        await pilot.press("9")
        await settle(pilot)
        assert console.screen.active_bindings["p"].binding.description == "Restrict player"
