"""`x` on the list: the filtered, sorted list, every page, to a CSV or JSON file."""

from __future__ import annotations

import csv
import io
import json

from predictu_console.core.models import OperatorListQuery
from predictu_console.tui.app import make_tui
from predictu_console.tui.modals.operator_export import OperatorExportModal
from tests.tui.screens import SIZE, settle, table_names


def _field_error(app) -> str:
    return str(app.screen.query_one("#field-output .field-error").render())


async def test_x_writes_the_filtered_sorted_list_to_the_data_directory(gateway, tmp_path):
    app = make_tui(gateway, poll_seconds=3600, data_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f", "s")  # active operators, sorted by name
        await settle(pilot)
        shown = table_names(app)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, OperatorExportModal)
        path = app.screen.query_one("#input-output").value
        assert path == str(tmp_path / "operators-20250318-143000.csv")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, OperatorExportModal)
        [toast] = [n for n in app._notifications if n.title == "Export"]
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "operators-20250318-143000.csv").read_text()))
    )
    assert [row["name"] for row in rows] == shown
    assert {row["status"] for row in rows} == {"active"}
    assert toast.message.endswith(f"as CSV to {path}")
    assert toast.message.startswith(f"Wrote {len(shown)} operators (status: active · sort: name")


async def test_a_json_name_writes_json_and_a_bad_name_or_folder_is_said_beside_it(
    console, gateway, tmp_path
):
    async with console.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        field = console.screen.query_one("#input-output")
        field.value = str(tmp_path / "operators.xlsx")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "end the file name in .csv or .json" in _field_error(console)
        field.value = str(tmp_path / "missing" / "operators.json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "No such file or directory" in _field_error(console)
        assert isinstance(console.screen, OperatorExportModal)  # what was typed stays
        field.value = str(tmp_path / "operators.json")
        await pilot.press("enter")
        await settle(pilot)
    document = json.loads((tmp_path / "operators.json").read_text())
    total = gateway.list_operators(OperatorListQuery()).total
    assert document["total"] == total == len(document["operators"])
    assert document["filters"]["sort"] == "created"
