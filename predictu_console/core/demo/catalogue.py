"""Who the demo operators are: a hand-written cast, then as many generated ones as asked for.

Everything is derived from fixed seeds, so the same `N` always describes the same data and
seeding can resume or grow without duplicating anything.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from predictu_console.core.fields import CATEGORIES

STAGES = ("active", "inactive", "onboarding")


@dataclass(frozen=True)
class DemoOperator:
    """One operator to seed: identity, lifecycle stage and how busy it is."""

    index: int
    name: str
    domain: str
    stage: str
    """`active`, `inactive`, or `onboarding` (stopped after `onboarding_steps` steps)."""
    onboarding_steps: int
    revenue_share: Decimal
    categories: tuple[str, ...]
    age_days: int
    players: int
    trades_per_player: int


# name, domain, stage, steps done, share, categories, age in days, players, trades/player
_CAST = [
    ("Example Casino", "example-casino.com", "active", 8, 30, CATEGORIES, 118, 140, 6),
    ("LuckySpin", "luckyspin.io", "onboarding", 1, 25, CATEGORIES, 2, 0, 0),
    ("Royal Flush Gaming", "royalflush.bet", "active", 8, 35, ("sports", "politics"), 110, 90, 5),
    ("Golden Goose Casino", "goldengoose.casino", "inactive", 8, 28, CATEGORIES, 105, 60, 4),
    ("Neon Nights", "neonnights.io", "onboarding", 4, 30, ("crypto", "entertainment"), 9, 0, 0),
    ("Aurora Bets", "aurorabets.com", "onboarding", 6, 27.5, CATEGORIES, 14, 0, 0),
    ("Vegas Vault", "vegasvault.com", "active", 8, 32, CATEGORIES, 95, 110, 5),
    ("Polar Play", "polarplay.io", "active", 8, 30, ("sports",), 70, 45, 4),
    ("Crypto Cove", "cryptocove.io", "active", 8, 40, ("crypto",), 58, 75, 7),
    ("Sunset Slots", "sunsetslots.com", "onboarding", 3, 30, CATEGORIES, 5, 0, 0),
    ("Blue Whale Bets", "bluewhale.bet", "active", 8, 22, CATEGORIES, 33, 30, 3),
    ("Midnight Mirage", "midnightmirage.casino", "inactive", 8, 30, ("politics",), 88, 25, 3),
]

CAST_SIZE = len(_CAST)
"""The hand-written operators come first; generated ones follow."""
CAST_DOMAINS = frozenset(domain for _, domain, *_ in _CAST)
GENERATED_SUFFIX = ".example"
"""Generated operators' domains end with it (a name reserved for examples, RFC 2606)."""
CALLBACK_TROUBLE = {"vegasvault.com": 3, "midnightmirage.casino": 7}
"""Cast operators whose callback servers are down, and how many attempts have failed in a row
by the demo's `now`, so the demo shows degraded and failing health."""

_PREFIXES = ("Lucky", "Golden", "Royal", "Silver", "Diamond", "Neon", "Star", "Wild", "Red")
_SUFFIXES = ("Casino", "Bets", "Play", "Gaming", "Spins", "Palace", "Club", "Arena")


def _generated(index: int) -> DemoOperator:
    rng = random.Random(index)
    name = f"{rng.choice(_PREFIXES)} {rng.choice(_SUFFIXES)} {index:05d}"
    stage = rng.choices(STAGES, weights=(70, 10, 20))[0]
    trading = stage != "onboarding"
    return DemoOperator(
        index=index,
        name=name,
        domain=f"{name.lower().replace(' ', '-')}{GENERATED_SUFFIX}",
        stage=stage,
        onboarding_steps=8 if trading else rng.randint(1, 7),
        revenue_share=Decimal(rng.choice((20, 25, 27.5, 30, 32, 35, 40))),
        categories=tuple(sorted(rng.sample(CATEGORIES, rng.randint(1, 4)), key=CATEGORIES.index)),
        age_days=rng.randint(30, 119) if trading else rng.randint(1, 20),
        players=rng.randint(10, 50) if trading else 0,
        trades_per_player=rng.randint(2, 6) if trading else 0,
    )


def cast(count: int | None = None) -> list[DemoOperator]:
    """The first `count` demo operators (default: the hand-written cast alone)."""
    count = len(_CAST) if count is None else count
    chosen = [
        DemoOperator(i, name, domain, stage, steps, Decimal(str(share)), cats, age, players, tpp)
        for i, (name, domain, stage, steps, share, cats, age, players, tpp) in enumerate(_CAST)
    ]
    return chosen[:count] + [_generated(index) for index in range(CAST_SIZE, count)]
