"""Identifiers: the right shape, and every character of every position in use."""

from __future__ import annotations

from predictu_console.core.ids import BASE62, IdSource, new_id, random_base62


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


def test_an_id_source_makes_new_ids_of_the_same_shape_across_its_reads():
    source = IdSource(per_read=3)  # ten ids: four reads of the CSPRNG
    drawn = [source.new(prefix) for prefix in ("trd", "plr") * 5]
    assert len(set(drawn)) == len(drawn)
    for identifier, prefix in zip(drawn, ("trd", "plr") * 5, strict=True):
        start, _, body = identifier.partition("_")
        assert start == prefix
        assert len(body) == 16
        assert set(body) <= set(BASE62)


def test_two_id_sources_never_share_their_draws():
    first, second = IdSource(), IdSource()
    assert {first.new("trd") for _ in range(200)}.isdisjoint(second.new("trd") for _ in range(200))
