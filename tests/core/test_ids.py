"""Identifiers: the right shape, and every character of every position in use."""

from __future__ import annotations

from predictu_console.core.ids import BASE62, new_id, random_base62


def test_an_id_is_its_prefix_and_sixteen_base62_characters():
    identifier = new_id("op")
    prefix, _, body = identifier.partition("_")
    assert prefix == "op"
    assert len(body) == 16
    assert set(body) <= set(BASE62)


def test_every_position_draws_from_the_whole_alphabet():
    drawn = [random_base62(22) for _ in range(3000)]
    for position in (0, 10, 21):
        assert {value[position] for value in drawn} == set(BASE62)
    assert len(set(drawn)) == len(drawn)
