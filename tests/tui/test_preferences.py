"""The theme and the list's filter and sort outlive the console, in a 0600 settings file
that, when broken, is ignored with a notice rather than stopping the console."""

from __future__ import annotations

import json
import os
import stat

from predictu_console.tui.app import make_tui
from predictu_console.tui.first_paint import FILE_NAME
from tests.tui.screens import SIZE, settle, shown_text


async def _launch_and(gateway, data_dir, *keys: str, theme: str | None = None):
    app = make_tui(gateway, poll_seconds=3600, data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        if theme:
            app.theme = theme
        await settle(pilot)
        state = shown_text(app, "#list-state")
        toasts = [n.message for n in app._notifications]
        chosen = app.theme
    return state, toasts, chosen


async def test_the_theme_filter_and_sort_are_there_at_the_next_launch(gateway, tmp_path):
    tmp_path = tmp_path / "data"
    tmp_path.mkdir()
    before, _, _ = await _launch_and(gateway, tmp_path, "f", "s", "S", theme="nord")
    assert before.startswith("status: active · sort: name ↓")

    after, toasts, theme = await _launch_and(gateway, tmp_path)

    assert after == before and theme == "nord" and toasts == []
    path = tmp_path / FILE_NAME
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {
        "theme": "nord",
        "operator_list": {"status": "active", "sort": "name", "order": "desc"},
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporary left


async def test_a_broken_settings_file_is_ignored_with_a_notice_and_replaced(gateway, tmp_path):
    path = tmp_path / FILE_NAME
    path.write_text('{"theme": "nord", "operator_list": {"status": "paused"')

    state, toasts, _ = await _launch_and(gateway, tmp_path, "f")

    assert state.startswith("status: active · sort: created ↓")
    assert toasts == [
        f"Ignored the console settings in {path} (it is not valid settings); using defaults."
    ]
    assert json.loads(path.read_text())["operator_list"]["status"] == "active"
