"""Listing operators: filters, partial search, sorts and stable paging (spec §1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from predictu_console.core import operators
from predictu_console.core.models import OperatorListQuery
from predictu_console.db.session import session_scope
from predictu_console.db.tables import OperatorStats
from tests.factories import READY_TO_ACTIVATE, complete_steps, make_operator, update


def _list(session_factory, **query):
    with session_scope(session_factory, write=False) as session:
        return operators.list_operators(session=session, query=OperatorListQuery(**query))


def _names(page):
    return [row.name for row in page.operators]


@pytest.fixture
def catalogue(session_factory, god, clock):
    """Four operators created a minute apart, one of them active."""
    made = {}
    for name, domain in [
        ("Example Casino", "example-casino.com"),
        ("LuckySpin", "luckyspin.io"),
        ("Royal_Bet 100%", "royalbet.com"),
        ("Zeta Games", "zeta.games"),
    ]:
        made[name] = make_operator(session_factory, god, clock, name=name, domain=domain)
        clock.advance(timedelta(minutes=1))
    update(session_factory, god, clock, made["LuckySpin"].id, **READY_TO_ACTIVATE)
    complete_steps(session_factory, clock, made["LuckySpin"].id, "generate_keys", "test_ping")
    update(session_factory, god, clock, made["LuckySpin"].id, status="active")
    return made


def test_default_is_newest_first_with_the_spec_shape(session_factory, catalogue):
    page = _list(session_factory)

    assert _names(page) == ["Zeta Games", "Royal_Bet 100%", "LuckySpin", "Example Casino"]
    assert (page.total, page.limit, page.offset) == (4, 20, 0)
    row = page.model_dump(mode="json")["operators"][2]
    assert row["status"] == "active" and row["onboarding_step"] == 8
    assert row["onboarding_complete"] is True
    assert row["revenue_share_predictu"] == 30
    assert row["created_at"].endswith("Z")


def test_status_filter(session_factory, catalogue):
    assert _names(_list(session_factory, status="active")) == ["LuckySpin"]
    assert _list(session_factory, status="onboarding").total == 3
    assert _list(session_factory, status="inactive").total == 0


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("lucky", ["LuckySpin"]),
        ("LUCKY", ["LuckySpin"]),
        (".games", ["Zeta Games"]),
        ("casino", ["Example Casino"]),
        ("100%", ["Royal_Bet 100%"]),
        ("%", ["Royal_Bet 100%"]),
        ("_", ["Royal_Bet 100%"]),
        ("l_cky", []),
        ("   ", ["Zeta Games", "Royal_Bet 100%", "LuckySpin", "Example Casino"]),
    ],
)
def test_search_is_a_case_insensitive_literal_substring_of_name_or_domain(
    session_factory, catalogue, term, expected
):
    assert _names(_list(session_factory, search=term)) == expected


def test_an_operator_id_finds_its_operator_and_only_whole_ids_do(session_factory, catalogue):
    lucky = catalogue["LuckySpin"].id

    assert _names(_list(session_factory, search=f" {lucky} ")) == ["LuckySpin"]
    assert _list(session_factory, search=lucky[:-1]).total == 0


def test_sort_by_name_ignores_case(session_factory, god, clock, catalogue):
    make_operator(session_factory, god, clock, name="aardvark bets")
    assert _names(_list(session_factory, sort="name", order="asc"))[:2] == [
        "aardvark bets",
        "Example Casino",
    ]


def test_sort_by_volume_and_users_reads_the_rollups(session_factory, catalogue):
    volumes = {"Example Casino": (5, 900), "LuckySpin": (50, 100), "Zeta Games": (7, 5000)}
    with session_scope(session_factory) as session:
        for name, (users, volume) in volumes.items():
            stats = session.get(OperatorStats, catalogue[name].id)
            stats.user_count, stats.total_volume = users, volume

    by_volume = _list(session_factory, sort="volume")
    assert _names(by_volume)[:3] == ["Zeta Games", "Example Casino", "LuckySpin"]
    assert float(by_volume.operators[0].total_volume) == 5000
    assert _names(_list(session_factory, sort="users", order="desc"))[:3] == [
        "LuckySpin",
        "Zeta Games",
        "Example Casino",
    ]


def test_paging_over_equal_keys_neither_skips_nor_repeats(session_factory, god, clock):
    ids = {make_operator(session_factory, god, clock).id for _ in range(7)}  # same created_at

    seen = []
    for offset in range(0, 7, 3):
        seen += [row.id for row in _list(session_factory, limit=3, offset=offset).operators]
    assert sorted(seen) == sorted(ids)
    assert seen == [row.id for row in _list(session_factory, limit=10).operators]


def test_offset_past_the_end_is_an_empty_page_with_the_total(session_factory, catalogue):
    page = _list(session_factory, offset=50)
    assert page.operators == [] and page.total == 4


@pytest.mark.parametrize(
    "query",
    [
        {"status": "deleted"},
        {"sort": "revenue"},
        {"order": "up"},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"colour": "red"},
    ],
)
def test_out_of_range_query_values_are_rejected(query):
    with pytest.raises(ValidationError):
        OperatorListQuery(**query)
