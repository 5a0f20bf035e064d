"""Exporting the operator list: CSV and JSON hold every selected row, in the list's order."""

from __future__ import annotations

import csv
import io
import json

import pytest

from predictu_console.core import operator_export, operators
from predictu_console.core.errors import ValidationFailed
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import session_scope
from tests.factories import active_operator, make_operator


def _export(session_factory, clock, export_format, **query):
    with session_scope(session_factory, write=False) as session:
        return operator_export.export_operators(
            session=session,
            query=OperatorListQuery(**query),
            export_format=export_format,
            clock=clock,
        )


def test_csv_holds_the_filtered_rows_in_the_lists_order_with_plain_values(
    session_factory, god, clock
):
    make_operator(session_factory, god, clock, name="Alpha Onboarding")
    beta = active_operator(session_factory, god, clock, name="Beta Live")
    active_operator(session_factory, god, clock, name="Gamma Live")

    text = _export(session_factory, clock, "csv", status="active", sort="name", order="desc")

    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == ["Gamma Live", "Beta Live"]
    assert tuple(rows[0]) == operator_export.COLUMNS
    assert rows[1]["id"] == beta.id
    assert rows[1]["status"] == "active"
    assert rows[1]["onboarding_complete"] == "true"
    assert rows[1]["revenue_share_predictu"] == "30"
    assert rows[1]["total_volume"] == "0.0"
    assert rows[1]["created_at"] == "2025-03-18T14:30:00.000Z"


def test_json_holds_the_filters_and_every_row_past_one_page(session_factory, god, clock):
    for number in range(105):
        make_operator(session_factory, god, clock, name=f"Searched {number:03d}")
    make_operator(session_factory, god, clock, name="Other")

    document = json.loads(
        _export(session_factory, clock, "json", search="searched", sort="name", order="asc")
    )

    assert document["filters"] == {
        "status": "all",
        "search": "searched",
        "sort": "name",
        "order": "asc",
    }
    assert document["total"] == 105 and len(document["operators"]) == 105
    names = [row["name"] for row in document["operators"]]
    assert names == sorted(names) and names[0] == "Searched 000"
    with session_scope(session_factory, write=False) as session:
        first = operators.list_operators(
            session=session, query=OperatorListQuery(search="searched", sort="name", order="asc")
        ).operators[0]
    assert document["operators"][0] == first.model_dump(mode="json")


def test_an_unknown_format_is_refused_by_name(session_factory, clock):
    with pytest.raises(ValidationFailed) as refused:
        _export(session_factory, clock, "xlsx")
    assert refused.value.fields == {"format": "must be csv or json, not 'xlsx'"}
