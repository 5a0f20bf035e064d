"""Every console screen worth a picture, as the keys that reach it.

The snapshot tests and `scripts/screenshots.py` both walk this list, so the pictures in
`screenshots/` always show exactly what the tests check.
"""

from __future__ import annotations

import contextlib
import io
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from rich.console import Console
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled

from predictu_console.core import ids
from predictu_console.core.admins import AdminCreate, actor_for, create_admin
from predictu_console.core.callbacks.sender import CallbackSender
from predictu_console.core.clock import Clock
from predictu_console.core.crypto import SecretBox
from predictu_console.core.demo.seed import seed
from predictu_console.core.models import Actor, OperatorListQuery, OperatorUpdate
from predictu_console.db.session import SessionFactory, session_scope
from predictu_console.tui.gateway import Gateway

SIZE = (160, 48)
DEMO_MASTER_KEY = bytes(range(32))
"""Pictures and tests only: real consoles use PREDICTU_MASTER_KEY or the data dir's key."""
Steps = Callable[[Pilot[None]], Awaitable[None]]
SETTLE_ROUNDS = 20
"""At most this many rounds of waiting for workers and repainting, in `settle`."""
LIVE_POLL_SECONDS = 1.0
"""The poll of a console a test watches change by itself: soon enough for its wait, and rare
enough that `settle` is not kept busy by reload after reload (at 0.2 s, each detail reload
started another round: a test cost 10-40 s of CPU instead of 2-3)."""


def seeded_ids(rng: random.Random | None = None) -> Callable[[int], str]:
    """A stand-in for `ids.random_base62` that repeats: the same screens on every run.
    Drawn from `rng`, by default one seeded with 42."""
    chosen = rng or random.Random(42)
    return lambda length: "".join(chosen.choice(ids.BASE62) for _ in range(length))


def demo_gateway(factory: SessionFactory, clock: Clock) -> Gateway:
    """Demo data seeded at `clock`'s moment, seen by a God Mode admin working as OS user ana."""
    seed(factory=factory, clock=clock, box=SecretBox(DEMO_MASTER_KEY))
    with session_scope(factory) as session:
        admin = create_admin(
            session=session, data=AdminCreate(email="ana@predictu.com", name="Ana"), clock=clock
        )
    return console_gateway(factory, actor_for(admin, os_user="ana"), clock)


def console_gateway(factory: SessionFactory, actor: Actor, clock: Clock) -> Gateway:
    """The console's gateway for `actor`, with the demo's master key, reaching any callback."""
    box, sender = SecretBox(DEMO_MASTER_KEY), CallbackSender(allow_private=True)
    return Gateway(factory=factory, actor=actor, box=box, sender=sender, clock=clock)


async def settle(pilot: Pilot[None]) -> None:
    """Let every worker finish and the screen repaint, with input cursors steadily shown.

    A blinking cursor is drawn or not depending on when the picture is taken: on a busy
    machine that made snapshots of forms differ from run to run. A worker cancelled while
    waited for (an exclusive one that a newer one replaced) is done too: on a loaded machine
    `wait_for_complete` raised WorkerCancelled for it, failing tests at random.

    A worker's result often starts the next one (a save, then the reload it asks for): on a
    loaded machine the reload started after a fixed number of rounds had passed, so it goes
    on until a round finds nothing left running (within a bound).
    """
    for done in range(SETTLE_ROUNDS):
        running = [worker for worker in pilot.app.workers if not worker.is_finished]
        for worker in running:
            # A poll's worker is cancelled when the next poll replaces it: not a failure.
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
        if not running and done >= 2:
            return


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


async def _no_worker(pilot: Pilot[None]) -> None:
    """Redeliver Midnight's retrying delivery, then let two minutes pass with no worker."""
    await open_operator(pilot, "midnight")
    await pilot.press("8", "enter", "d", "y")
    await settle(pilot)
    pilot.app.gateway.clock.advance(timedelta(minutes=2))  # type: ignore[attr-defined]
    await pilot.press("escape", "r")
    # The redelivery's toast lasts seconds: on a busy machine it had gone, on an idle one not.
    pilot.app.clear_notifications()
    await settle(pilot)


async def _unread(pilot: Pilot[None]) -> None:
    """The list once another admin's sensitive change has left Ana a notification."""
    gateway = pilot.app.gateway  # type: ignore[attr-defined]
    operator = gateway.list_operators(OperatorListQuery(search="example")).operators[0]
    data = OperatorUpdate.model_validate({"revenue_share_predictu": 35})
    gateway.update_operator(operator.id, data, gateway.get_operator(operator.id).version)
    pilot.app.count_unread()  # type: ignore[attr-defined]
    await settle(pilot)


async def _notified(pilot: Pilot[None]) -> None:
    """Raise Example's revenue share in the edit form, then open the notifications."""
    await _edit(revenue_share_predictu="35")(pilot)
    await pilot.press("y")
    await settle(pilot)
    pilot.app.count_unread()  # type: ignore[attr-defined]
    await pilot.press("N")
    await settle(pilot)


async def _edit_switches(pilot: Pilot[None]) -> None:
    """The edit form scrolled to its yes/no settings, the last one flipped off."""
    await open_operator(pilot)
    await pilot.press("e")
    await settle(pilot)
    pilot.app.screen.query_one("#input-config-auto_promote_enabled").focus()
    await pilot.press("space")
    await settle(pilot)


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
    Shot("operator-list-160x30", _keys(), size=(160, 30)),
    Shot("operator-list-empty-80x24", _keys("slash", *"xyz"), size=(80, 24)),
    Shot("operator-list-unread-80x24", _unread, size=(80, 24)),
    Shot("help", _keys("question_mark")),
    Shot("help-80x24", _keys("question_mark"), size=(80, 24)),
    Shot("operator-detail-overview", _keys("1", operator="example")),
    Shot("operator-detail-charts", _keys("1", "tab", "tab", operator="example")),
    Shot("operator-detail-branding", _keys("2", operator="example")),
    Shot("operator-detail-onboarding", _keys("5", operator="example")),
    Shot("operator-detail-invoices", _keys("6", operator="example")),
    Shot("operator-detail-audit", _keys("7", operator="example")),
    Shot("operator-detail-deliveries", _keys("8", operator="midnight")),
    Shot("delivery-detail", _keys("8", "enter", operator="midnight")),
    Shot("operator-detail-deliveries-no-worker", _no_worker),
    Shot("operator-detail-overview-80x24", _keys("1", operator="example"), size=(80, 24)),
    Shot("operator-detail-keys-80x24", _keys("4", operator="example"), size=(80, 24)),
    Shot("operator-detail-deliveries-80x24", _keys("8", operator="midnight"), size=(80, 24)),
    Shot("operator-detail-deliveries-no-worker-80x24", _no_worker, size=(80, 24)),
    Shot("delivery-detail-copy", _keys("8", "enter", "y", operator="midnight")),
    Shot("operator-edit-error", _edit(contact_email="not-an-email")),
    Shot(
        "operator-edit-confirm", _edit(name="Example Casino (Updated)", revenue_share_predictu="35")
    ),
    Shot("operator-edit-switches", _edit_switches),
    Shot("operator-create", _keys("n")),
    Shot("operator-create-80x24", _keys("n"), size=(80, 24)),
    Shot("operator-export", _keys("f", "x")),
    Shot("notifications", _notified),
    Shot("notifications-80x24", _notified, size=(80, 24)),
    Shot("operator-deactivate", _keys("a", operator="example")),
    Shot("operator-keys-dialog", _keys("K", operator="luckyspin")),
    Shot("operator-keys-rotate", _keys("K", operator="example")),
    Shot("operator-callback-test", _keys("t", operator="example")),
    Shot("operator-callback-test-80x24", _keys("t", operator="example"), size=(80, 24)),
    # Tab from the URL to the event picker, open it, two down from PING to TRADE_PLACED.
    Shot(
        "operator-callback-test-event",
        _keys("t", "tab", "enter", "down", "down", "enter", operator="example"),
    ),
    *(
        Shot(f"{name}{suffix}", steps, size)
        for suffix, size in (("", SIZE), ("-80x24", (80, 24)))
        for name, steps in (
            ("operator-detail-players", _keys("9", operator="example")),
            ("player-restrict", _keys("9", "p", operator="example")),
            ("markets", _keys("m")),
            ("market-create", _keys("m", "n")),
            # The open markets, and the newest of them to resolve.
            ("market-resolve", _keys("m", "f", "v")),
        )
    ),
    # The wizard opens LuckySpin at its first open step (2); page keys reach the others.
    *(
        Shot(f"onboarding-step-{step}", _keys("o", *_pages(step), operator="luckyspin"))
        for step in range(1, 9)
    ),
    Shot("onboarding-step-7-80x24", _keys("o", *_pages(7), operator="luckyspin"), size=(80, 24)),
    # A share typed and not saved: Esc asks before the wizard drops it.
    Shot(
        "onboarding-discard-80x24",
        _keys("o", "backspace", "0", "escape", operator="luckyspin"),
        size=(80, 24),
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


def send_one_read(app: App[None], data: str) -> None:
    """Post the keys of `data` as the terminal driver posts one read's: all at once, before
    the app takes the first. Over SSH several keys often come in one read; `Pilot.press`
    waits for each key to be handled, so it never shows what goes wrong then."""
    for key in XTermParser().feed(data):
        app._driver.send_message(key)


async def type_into(pilot, field_id: str, text: str) -> None:
    """Clear the form input `#input-<field_id>` and type `text` into it, key by key."""
    widget = pilot.app.screen.query_one(f"#input-{field_id}")
    widget.focus()
    widget.value = ""
    await pilot.press(*text)
