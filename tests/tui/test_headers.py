"""The app's header and the operator's header line at 80, 120 and 160 columns: whole parts,
the least important left out first, never a number cut."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widgets._header import HeaderTitle

from predictu_console.core.models import OperatorListQuery, OperatorUpdate
from tests.tui.screens import open_operator, settle


def painted(widget) -> str:
    """The line a person sees where `widget` is, as painted (cut at its edge)."""
    [line] = widget.render_lines(Region(0, 0, widget.size.width, 1))
    return line.text.strip()


def _notify_ana(gateway) -> None:
    """A sensitive change, so the acting admin has one unread notification."""
    operator = gateway.list_operators(OperatorListQuery(search="example")).operators[0]
    version = gateway.get_operator(operator.id).version
    data = OperatorUpdate.model_validate({"revenue_share_predictu": 35})
    gateway.update_operator(operator.id, data, version)


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (60, "ana@predictu.com · ✉ 1 unread (N)"),
        (80, "Predictu console — ana@predictu.com · ✉ 1 unread (N)"),
        (120, "Predictu console — ana@predictu.com · god_mode · ✉ 1 unread (N)"),
        (160, "Predictu console — ana@predictu.com · god_mode · ✉ 1 unread (N)"),
    ],
)
async def test_the_header_keeps_the_unread_count_whole_at_any_width(console, gateway, width, shown):
    _notify_ana(gateway)
    async with console.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        assert painted(console.screen.query_one(HeaderTitle)) == shown


async def test_the_header_refits_when_the_terminal_is_resized(console, gateway):
    _notify_ana(gateway)
    async with console.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert painted(console.screen.query_one(HeaderTitle)).endswith("· ✉ 1 unread (N)")


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (80, "Midnight Mirage  ■ inactive  callback ✗ failing  onboarding 8/8"),
        *(
            (
                width,
                "Midnight Mirage  midnightmirage.casino  ■ inactive  callback ✗ failing  "
                "onboarding 8/8  op_",
            )
            for width in (120, 160)
        ),
    ],
)
async def test_the_operator_line_leaves_out_the_domain_and_id_before_the_figures(
    console, width, shown
):
    async with console.run_test(size=(width, 24)) as pilot:
        await open_operator(pilot, "midnight")
        line = painted(console.screen.query_one("#detail-header"))
        assert line.startswith(shown)
        assert "…" not in line


async def test_the_operator_line_keeps_the_name_and_figures_at_60_columns(console):
    async with console.run_test(size=(60, 20)) as pilot:
        await open_operator(pilot, "midnight")
        line = painted(console.screen.query_one("#detail-header"))
        assert line == "Midnight Mirage  ■ inactive  onboarding 8/8"
