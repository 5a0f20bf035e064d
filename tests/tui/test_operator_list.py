"""The operator list as an admin drives it with the keyboard."""

from __future__ import annotations

import time

import pytest

from predictu_console.core.models import OperatorCreate, OperatorListQuery
from predictu_console.tui.gateway import Gateway
from predictu_console.tui.modals.key_rotation import KeyRotationModal
from predictu_console.tui.screens import operator_list
from predictu_console.tui.screens.operator_detail import OperatorDetailScreen
from tests.tui.screens import (
    SIZE,
    open_operator,
    send_one_read,
    settle,
    shown_text,
    table_names,
)


async def test_it_opens_on_every_operator_with_a_count(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = table_names(console)
        assert {"Example Casino", "LuckySpin"} <= set(names)
        assert len(names) == 12
        assert "1–12 of 12 operators" in str(console.screen.query_one("#list-count").render())


async def test_slash_then_typing_filters_as_you_type_and_esc_clears_then_leaves(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"lucky")
        await settle(pilot)
        assert table_names(console) == ["LuckySpin"]
        assert "search: 'lucky'" in shown_text(console, "#list-state")
        assert "1 of 1 operator ·" in shown_text(console, "#list-count")

        await pilot.press("escape")
        await settle(pilot)
        assert len(table_names(console)) > 1
        assert "search" not in shown_text(console, "#list-state")
        await pilot.press("escape")
        assert console.screen.query_one("#operators").has_focus


async def test_what_is_typed_with_the_slash_in_one_burst_goes_to_the_search(console):
    """Over SSH the keys typed after `/` often arrive in the same read as the `/` itself."""
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_one_read(console, "/polar/")
        await settle(pilot)

        assert console.screen.query_one("#search").value == "polar/"  # in the box, `/` types
        assert isinstance(console.screen, operator_list.OperatorListScreen)  # `o` onboarded
        assert table_names(console) == []


async def test_keys_typed_after_a_backspace_in_one_burst_follow_it_in_the_search(console):
    """Over SSH a correction comes in one read: the characters typed after the backspaces
    went in before them, and "lucky", two backspaces and "zzz" searched for 'luckyz'."""
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_one_read(console, "/lucky")
        send_one_read(console, "\x7f\x7fzzz")
        await settle(pilot)

        assert console.screen.query_one("#search").value == "luczzz"
        assert "search: 'luczzz'" in shown_text(console, "#list-state")


async def test_a_second_enter_in_the_same_burst_opens_the_operator_found(console):
    """The Enter that leaves the search and the one that opens the hit, in one read: the
    second went to the search box too, and the list stayed."""
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        send_one_read(console, "/polar\r\r")
        await settle(pilot)

        assert isinstance(console.screen, OperatorDetailScreen)
        assert "Polar Play" in str(console.screen.query_one("#detail-header").render())


async def test_a_search_that_matches_nothing_says_so_and_how_to_clear_it(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"xyz")
        await settle(pilot)

        assert table_names(console) == []
        assert "No operators match 'xyz' — Esc clears the search" in shown_text(
            console, "#list-empty"
        )
        assert console.screen.query_one("#list-empty").region.height  # where the rows would be
        assert shown_text(console, "#list-count").strip() == "0 operators"


async def test_an_operator_id_typed_in_the_search_finds_it(console, gateway):
    [lucky] = gateway.list_operators(OperatorListQuery(search="luckyspin")).operators
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *lucky.id)
        await settle(pilot)

        assert table_names(console) == ["LuckySpin"]


async def test_a_search_the_api_would_refuse_is_refused_and_the_list_kept(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"lucky")
        await settle(pilot)
        console.screen.query_one("#search").value = "lucky" + "y" * 200  # past 200 characters
        await settle(pilot)

        assert table_names(console) == ["LuckySpin"]
        assert any(n.title == "VALIDATION_ERROR" for n in console._notifications)


async def test_a_slow_page_for_an_earlier_keystroke_never_replaces_the_latest(console, monkeypatch):
    list_operators = Gateway.list_operators

    def slow_for_one_letter(gateway, query):
        if query.search == "l":
            time.sleep(0.5)  # answered after "lucky" has been typed and shown
        return list_operators(gateway, query)

    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(Gateway, "list_operators", slow_for_one_letter)
        await pilot.press("slash", *"lucky")
        await pilot.pause(0.8)
        await settle(pilot)
        assert table_names(console) == ["LuckySpin"]


async def test_status_filter_and_sort_keys(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")  # all → active
        await settle(pilot)
        assert len(table_names(console)) == 6
        assert "status: active" in str(console.screen.query_one("#list-state").render())
        await pilot.press("s", "s")  # created → name → volume
        await settle(pilot)
        assert table_names(console)[0] == "Example Casino"
        await pilot.press("S")  # least volume first
        await settle(pilot)
        assert table_names(console)[-1] == "Example Casino"


async def test_clicking_a_header_sorts_by_it(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = console.screen.query_one("#operators")
        table.post_message(
            table.HeaderSelected(table, table.columns["name"].key, 0, table.columns["name"].label)
        )
        await settle(pilot)
        names = table_names(console)
        assert names == sorted(names, key=str.casefold)


async def test_enter_opens_the_highlighted_operator(console):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"example", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        header = str(console.screen.query_one("#detail-header").render())
        assert "Example Casino" in header and "example-casino.com" in header


async def test_another_admins_new_operator_appears_without_losing_the_cursor(console, gateway):
    console.poll_seconds = 0.2
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        table = console.screen.query_one("#operators")
        highlighted = table.get_row_at(table.cursor_row)[0]

        gateway.create_operator(
            OperatorCreate(
                name="Zeta Newcomer",
                domain="zeta.example.com",
                contact_email="a@zeta.example.com",
                revenue_share_predictu=30,
            )
        )
        await pilot.pause(0.6)
        await settle(pilot)
        assert "Zeta Newcomer" in table_names(console)
        assert table.get_row_at(table.cursor_row)[0] == highlighted


async def test_the_command_palette_goes_to_an_operator_by_name(console):
    from predictu_console.tui.screens.operator_detail import OperatorDetailScreen

    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"royal fl")
        for _ in range(20):  # the palette searches in the background
            await pilot.pause(0.05)
            if "Go to operator: Royal Flush" in str(
                console.screen.query("CommandList").first().render()
            ):
                break
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)
        assert "royalflush.bet" in str(console.screen.query_one("#detail-header").content)


async def test_the_cursor_flows_across_pages_and_g_and_shift_g_jump_to_the_ends(
    console, monkeypatch
):
    monkeypatch.setattr(operator_list, "PAGE_SIZE", 5)  # 12 operators: pages of 5, 5 and 2
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = console.screen.query_one("#operators")
        first_page = table_names(console)

        await pilot.press("G")
        await settle(pilot)
        assert "page 3 of 3" in shown_text(console, "#list-count")
        assert table.cursor_row == 1  # the last of the 12

        await pilot.press("g")
        await settle(pilot)
        assert "page 1 of 3" in shown_text(console, "#list-count")
        assert table.cursor_row == 0

        await pilot.press(*"jjjjj")  # past the fifth row: onto the next page
        await settle(pilot)
        assert "page 2 of 3" in shown_text(console, "#list-count")
        assert table.cursor_row == 0

        await pilot.press("up")  # back over the edge, arrows as well as k
        await settle(pilot)
        assert table_names(console) == first_page
        assert table.cursor_row == 4


async def test_k_only_moves_in_the_detail_and_shift_k_opens_the_keys(console):
    async with console.run_test(size=SIZE) as pilot:
        await open_operator(pilot, "luckyspin")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(console.screen, OperatorDetailScreen)

        await pilot.press("K")
        await settle(pilot)
        assert isinstance(console.screen, KeyRotationModal)


LONG_NAME = "The Extraordinarily Long Named Riverside Grand Casino and Resort"


@pytest.mark.parametrize(
    ("size", "name", "shown"),
    [((80, 24), LONG_NAME, True), ((80, 24), "Riverside", False), ((160, 48), "Riverside", False)],
)
async def test_an_operator_whose_long_name_cuts_its_row_is_shown_whole_beneath_it(
    console, gateway, size, name, shown
):
    """A name of 64 characters (up to 100 are allowed) pushed every column after it off 80
    columns; a name that leaves room for them is not said twice."""
    gateway.create_operator(
        OperatorCreate(
            name=name,
            domain="riverside.example.com",
            contact_email="ops@riverside.example.com",
            revenue_share_predictu=30,
        )
    )
    async with console.run_test(size=size) as pilot:
        await settle(pilot)
        send_one_read(console, "/riverside\r")
        await settle(pilot)

        assert table_names(console) == [name]
        in_full = console.screen.query_one("#operator-in-full")
        assert in_full.display is shown
        said = str(in_full.render())
        assert said.startswith(f"Name {name} · ") and "Status ◐ onboarding · " in said
