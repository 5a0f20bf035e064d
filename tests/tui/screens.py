"""Every console screen worth a picture, as the keys that reach it.

The snapshot tests and `scripts/screenshots.py` both walk this list, so the pictures in
`screenshots/` always show exactly what the tests check.
"""

from __future__ import annotations

import io
import random
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from predictu_console.core import ids
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.seed import seed
from predictu_console.core.models import Actor
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.tui.backend import Backend

SIZE = (140, 44)
DEMO_MASTER_KEY = bytes(range(32))
"""Pictures and tests only: real consoles use PREDICTU_MASTER_KEY or the data dir's key."""
Steps = Callable[[Pilot[None]], Awaitable[None]]


def seeded_ids(rng: random.Random | None = None) -> Callable[[int], str]:
    """A stand-in for `ids.random_base62` that repeats: the same screens on every run.
    Drawn from `rng`, by default one seeded with 42."""
    chosen = rng or random.Random(42)
    return lambda length: "".join(chosen.choice(ids.BASE62) for _ in range(length))


def demo_backend(factory: SessionFactory, clock: Clock) -> Backend:
    """Demo data seeded at `clock`'s moment, seen by a God Mode admin working as OS user ana."""
    seed(factory=factory, clock=clock)
    with session_scope(factory) as session:
        admin = create_admin(
            session=session, data=AdminCreate(email="ana@predictu.com", name="Ana"), clock=clock
        )
    return console_backend(factory, actor_for(admin, os_user="ana"), clock)


def console_backend(factory: SessionFactory, actor: Actor, clock: Clock) -> Backend:
    """The console's gateway for `actor`, with the demo's master key, reaching any callback."""
    box, sender = SecretBox(DEMO_MASTER_KEY), CallbackSender(allow_private=True)
    return Backend(factory=factory, actor=actor, box=box, sender=sender, clock=clock)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and the screen repaint, with input cursors steadily shown.

    A blinking cursor is drawn or not depending on when the picture is taken: on a busy
    machine that made snapshots of forms differ from run to run. A worker cancelled while
    waited for (an exclusive one that a newer one replaced) is done too: on a loaded machine
    `wait_for_complete` raised WorkerCancelled for it, failing tests at random.
    """
    for _ in range(3):
        for worker in list(pilot.app.workers):
            with suppress(WorkerCancelled):
                await worker.wait()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()


async def open_operator(pilot: Pilot[None], name: str = "example") -> None:
    """Search the list for `name` and open the first hit."""
    await settle(pilot)
    await pilot.press("slash", *name, "enter")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


def _keys(*keys: str, operator: str | None = None) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        if operator:
            await open_operator(pilot, operator)
        else:
            await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return steps


def _pages(step: int) -> list[str]:
    return ["pageup"] if step == 1 else ["pagedown"] * (step - 2)


def _edit(**typed: str) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await open_operator(pilot)
        await pilot.press("e")
        await settle(pilot)
        for field, value in typed.items():
            pilot.app.screen.query_one(f"#input-{field}").value = value  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)

    return steps


@dataclass(frozen=True)
class Shot:
    """One screen: a file name, how to get there, and the terminal size."""

    name: str
    steps: Steps
    size: tuple[int, int] = SIZE


SHOTS = [
    Shot("operator-list", _keys()),
    Shot("operator-list-search", _keys("slash", *"lucky")),
    Shot("operator-list-80x24", _keys(), size=(80, 24)),
    Shot("operator-detail-overview", _keys("1", operator="example")),
    Shot("operator-detail-branding", _keys("2", operator="example")),
    Shot("operator-detail-onboarding", _keys("5", operator="example")),
    Shot("operator-detail-invoices", _keys("6", operator="example")),
    Shot("operator-detail-audit", _keys("7", operator="example")),
    Shot("operator-detail-deliveries", _keys("8", operator="midnight")),
    Shot("delivery-detail", _keys("8", "enter", operator="midnight")),
    Shot("operator-edit-error", _edit(contact_email="not-an-email")),
    Shot(
        "operator-edit-confirm", _edit(name="Example Casino (Updated)", revenue_share_predictu="35")
    ),
    Shot("operator-create", _keys("n")),
    Shot("operator-deactivate", _keys("a", operator="example")),
    Shot("operator-keys-dialog", _keys("k", operator="luckyspin")),
    Shot("operator-callback-test", _keys("t", operator="example")),
    Shot("operator-callback-test-80x24", _keys("t", operator="example"), size=(80, 24)),
    # Tab from the URL to the event picker, open it, two down from PING to TRADE_PLACED.
    Shot(
        "operator-callback-test-event",
        _keys("t", "tab", "enter", "down", "down", "enter", operator="example"),
    ),
    # The wizard opens LuckySpin at its first open step (2); page keys reach the others.
    *(
        Shot(f"onboarding-step-{step}", _keys("o", *_pages(step), operator="luckyspin"))
        for step in range(1, 9)
    ),
]


def table_names(app) -> list[str]:
    """Names in the list's table, top to bottom."""
    table = app.screen.query_one("#operators")
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


def shown_text(app, selector: str) -> str:
    """What a Static on the current screen shows, as plain text."""
    content = app.screen.query_one(selector).content
    if isinstance(content, str):
        return content
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(content)
    return console.export_text()


async def type_into(pilot, field_id: str, text: str) -> None:
    """Clear the form input `#input-<field_id>` and type `text` into it, key by key."""
    widget = pilot.app.screen.query_one(f"#input-{field_id}")
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
