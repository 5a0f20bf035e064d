"""The `predictu-console` command (DESIGN §4).

Every command that touches the database migrates it first, runs in one transaction, and
reports failures as one line with a stable code on stderr, never a traceback.

The parser is built from the standard library alone, and each handler imports what it uses
inside its body: `--help`, a mistyped argument or `admin token` never pay for the console,
the API or the core modules they do not use (issue 21; a test checks it). A new command is a
subparser in `_parser` plus a handler that imports its own modules.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from predictu_console import __version__
from predictu_console.core.callbacks.event_types import EVENT_TYPES

if TYPE_CHECKING:
    from predictu_console.core.admins import IssuedToken
    from predictu_console.core.callbacks.sender import CallbackSender
    from predictu_console.core.callbacks.worker import DeliveryWorker
    from predictu_console.core.errors import PredictuError
    from predictu_console.core.markets import MarketOut
    from predictu_console.core.models import Actor
    from predictu_console.core.players import PlayerOut
    from predictu_console.db.session import SessionFactory
    from predictu_console.settings import Settings
    from predictu_console.tui.first_paint import FirstPaint
    from predictu_console.tui.gateway import Gateway

EXIT_OK, EXIT_FAILED = 0, 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="predictu-console",
        description="Administration console and headless S2S Operator API for Predictu.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--database-url",
        help="SQLAlchemy URL (default: $PREDICTU_DATABASE_URL, else SQLite in the data directory)",
    )
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        help="act as this admin in the console (default: the admin named after your OS user)",
    )
    parser.set_defaults(handler=_console)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    delivery = argparse.ArgumentParser(add_help=False)
    options = delivery.add_argument_group("callback delivery")
    options.add_argument(
        "--concurrency", type=_whole, default=8, help="deliveries in flight at once"
    )
    options.add_argument(
        "--poll-seconds", type=_number, default=1.0, help="idle wait between polls"
    )
    options.add_argument(
        "--timeout-ms", type=_whole, default=10_000, help="deadline of one delivery attempt"
    )
    options.add_argument(
        "--lease-seconds",
        type=_number,
        default=60.0,
        help="how long a claim lasts if its worker dies (at least twice the timeout)",
    )

    serve = commands.add_parser("serve", help="run the headless HTTP API", parents=[delivery])
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_whole, default=8000)
    serve.add_argument(
        "--no-worker", action="store_true", help="do not deliver callbacks in this process"
    )
    serve.add_argument(
        "--access-log",
        choices=["text", "json", "off"],
        default="text",
        help="one line per request on stderr, with its X-Request-ID (json: JSON lines)",
    )
    clients = serve.add_argument_group("clients")
    clients.add_argument(
        "--limit-concurrency",
        type=_whole,
        default=512,
        help="connections and requests at once; past it, new requests get 503 (default 512)",
    )
    clients.add_argument(
        "--timeout-keep-alive",
        type=_whole,
        default=5,
        help="seconds an idle kept-alive connection stays open (default 5)",
    )
    clients.add_argument(
        "--header-timeout",
        type=_number,
        help="seconds a client has to send a request's headers "
        "(default 10, or PREDICTU_HTTP_HEADER_TIMEOUT)",
    )
    clients.add_argument(
        "--body-timeout",
        type=_number,
        help="seconds a client has to send a request's body "
        "(default 30, or PREDICTU_HTTP_BODY_TIMEOUT)",
    )
    clients.add_argument(
        "--forwarded-allow-ips",
        metavar="ADDRESSES",
        help="proxies (comma-separated addresses, * for any) whose X-Forwarded-For is believed; "
        "none by default (or PREDICTU_TRUSTED_PROXIES)",
    )
    serve.set_defaults(handler=_serve)

    web = commands.add_parser(
        "web",
        help="serve the console to a browser, behind a one-time token it prints",
        description="Serve the console to a browser (textual-serve). Prints a URL with a "
        "token that works once; a God Mode session token (`admin token EMAIL`) works as "
        "?token= too. Without one, nothing of the console is served.",
    )
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=_whole, default=8001, help="default 8001")
    web.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=argparse.SUPPRESS,  # else it would hide a global --as given before `web`
        help="whom the printed URL opens the console as (default: the admin named after your "
        "OS user)",
    )
    web.set_defaults(handler=_web)

    worker = commands.add_parser(
        "worker", help="deliver queued callbacks until stopped", parents=[delivery]
    )
    worker.set_defaults(handler=_worker)

    db = commands.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    db.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=_db_upgrade)

    admin = commands.add_parser("admin", help="manage admins and their tokens").add_subparsers(
        dest="admin_command", metavar="ACTION", required=True
    )
    create = admin.add_parser("create", help="create an admin and print a session token")
    create.add_argument("email")
    create.add_argument("--name")
    create.add_argument("--role", choices=["god_mode", "operator_admin"], default="god_mode")
    create.set_defaults(handler=_admin_create)
    token = admin.add_parser("token", help="issue a new session token for an admin")
    token.add_argument("email")
    token.set_defaults(handler=_admin_token)
    revoke = admin.add_parser(
        "revoke", help="revoke every session token of an admin, effective at once"
    )
    revoke.add_argument("email")
    revoke.set_defaults(handler=_admin_revoke)

    demo = commands.add_parser("demo", help="seed realistic sample data (idempotent)")
    demo.add_argument(
        "--operators", type=_positive, metavar="N", help="seed N operators (benchmark scale)"
    )
    demo.add_argument("--no-tui", action="store_true", help="print a summary instead")
    demo.set_defaults(handler=_demo)
    simulate = commands.add_parser(
        "simulate",
        help="drive live operator traffic and its callbacks against the current database",
        description="Registrations, deposits, trades, withdrawals, restrictions and market "
        "resolutions through the operator API's core functions, with their callbacks "
        "delivered to the demo operators' servers, simulated in-process. Ctrl+C stops.",
    )
    # Values stay text here: the core's config model refuses a bad one in one line.
    simulate.add_argument("--seconds", metavar="N", help="stop after N seconds (default: Ctrl+C)")
    simulate.add_argument("--rate", default="5", metavar="R", help="actions per second (default 5)")
    simulate.set_defaults(handler=_simulate)

    stats_cmd = commands.add_parser("stats", help="statistics tools").add_subparsers(
        dest="stats_command", metavar="ACTION", required=True
    )
    stats_cmd.add_parser(
        "verify", help="recompute every rollup from raw rows and report drift"
    ).set_defaults(handler=_stats_verify)

    invoices_cmd = commands.add_parser("invoices", help="monthly invoices").add_subparsers(
        dest="invoices_command", metavar="ACTION", required=True
    )
    close = invoices_cmd.add_parser("close", help="create the missing invoices of a closed month")
    close.add_argument("--month", metavar="YYYY-MM", help="default: the last closed month")
    close.set_defaults(handler=_invoices_close)

    audit_cmd = commands.add_parser("audit", help="audit log tools").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    verify = audit_cmd.add_parser("verify", help="check the audit log's hash chain")
    verify.set_defaults(handler=_audit_verify)

    callbacks = commands.add_parser("callbacks", help="operators' callbacks").add_subparsers(
        dest="callbacks_command", metavar="ACTION", required=True
    )
    test = callbacks.add_parser(
        "test",
        help="send a signed test callback and print the result as the API does",
        description="Send a signed test callback to the operator's configured URL (or --url) "
        "and print the result as JSON, as POST /operators/{id}/test answers it. Exits 1 when "
        "the test fails. Only a PING to the configured URL moves callback health and "
        "onboarding step 5.",
    )
    test.add_argument("operator_id", metavar="OPERATOR_ID")
    test.add_argument(
        "--event",
        default="PING",
        metavar="TYPE",
        help=f"the event to send a sample of: {', '.join(EVENT_TYPES)} (default PING)",
    )
    test.add_argument("--url", help="try this URL instead of the configured one")
    test.add_argument("--timeout-ms", type=_whole, default=10_000, help="1–30000 (default 10000)")
    test.set_defaults(handler=_callbacks_test)
    _add_market_commands(commands)
    _add_player_commands(commands)
    _add_operator_commands(commands)
    _name_arguments(parser)
    return parser


def _add_operator_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    operator_cmd = commands.add_parser("operators", help="the operator list").add_subparsers(
        dest="operators_command", metavar="ACTION", required=True
    )
    export = operator_cmd.add_parser(
        "export",
        help="write every operator the filters select as CSV or JSON",
        description="The operator list, filtered and sorted as GET /operators is, every "
        "page of it, as CSV or JSON on stdout or in --output (mode 0600).",
    )
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    # Filter values stay text here: the core's query model refuses a bad one in one line.
    export.add_argument("--status", default="all", help="all, active, onboarding or inactive")
    export.add_argument("--search", help="part of a name or domain")
    export.add_argument("--sort", default="created", help="created, name, volume or users")
    export.add_argument("--order", default="desc", help="asc or desc")
    export.add_argument("--output", metavar="PATH", help="write here instead of stdout")
    export.set_defaults(handler=_operators_export)


def _add_paging(parser: argparse.ArgumentParser) -> None:
    # Values stay text here: the core's query model refuses a bad one in one line.
    parser.add_argument("--limit", default="100", metavar="N", help="1–100 (default 100)")
    parser.add_argument("--offset", default="0", metavar="N", help="rows to skip (default 0)")


def _add_market_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    market_cmd = commands.add_parser("markets", help="prediction markets").add_subparsers(
        dest="markets_command", metavar="ACTION", required=True
    )
    create = market_cmd.add_parser("create", help="open a market")
    create.add_argument("title", metavar="TITLE")
    create.add_argument(
        "--category", required=True, help="politics, sports, crypto or entertainment"
    )
    create.set_defaults(handler=_markets_create)
    listing = market_cmd.add_parser("list", help="list markets, newest first")
    listing.add_argument("--status", default="all", help="open, resolved or all (default all)")
    _add_paging(listing)
    listing.set_defaults(handler=_markets_list)
    resolve = market_cmd.add_parser(
        "resolve",
        help="resolve a market: settle and pay every open position, then apply the scoring rule",
    )
    resolve.add_argument("market_id", metavar="MARKET_ID")
    resolve.add_argument("--outcome", required=True, help="the side that won: yes or no")
    resolve.set_defaults(handler=_markets_resolve)


def _add_player_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    player_cmd = commands.add_parser("players", help="operators' players").add_subparsers(
        dest="players_command", metavar="ACTION", required=True
    )
    listing = player_cmd.add_parser("list", help="an operator's players, newest first")
    listing.add_argument("operator_id", metavar="OPERATOR_ID")
    _add_paging(listing)
    listing.set_defaults(handler=_players_list)
    restrict = player_cmd.add_parser(
        "restrict", help="stop a player's trades (USER_RESTRICTED, classification manual)"
    )
    restrict.add_argument("operator_id", metavar="OPERATOR_ID")
    restrict.add_argument("external_player_id", metavar="EXTERNAL_PLAYER_ID")
    restrict.add_argument("--reason", required=True, help="why, 3–200 characters")
    restrict.set_defaults(handler=_players_restrict)


def _whole(text: str) -> int:
    """A whole number; argparse's own refusal ("invalid int value") names a Python type."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None


def _number(text: str) -> float:
    """A number such as 2 or 0.5; argparse's own refusal names a Python type."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _name_arguments(parser: argparse.ArgumentParser) -> None:
    """Give every command the names its arguments are typed by (`rate` → `--rate`, `email` →
    `EMAIL`), so a value core refuses is named as the admin typed it."""
    names: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                _name_arguments(command)
        elif action.option_strings:
            names[action.dest] = max(action.option_strings, key=len)
        else:
            names[action.dest] = str(action.metavar or action.dest.upper())
    parser.set_defaults(argument_names=names)


def _settings(args: argparse.Namespace) -> Settings:
    from predictu_console.settings import load_settings

    return load_settings(database_url=args.database_url)


def _open_database(settings: Settings) -> SessionFactory:
    from predictu_console.db.migrate import upgrade
    from predictu_console.db.session import engine_of, make_session_factory

    factory = make_session_factory(settings)
    engine = engine_of(factory)
    upgrade(engine)
    return factory


def _print_token(issued: IssuedToken) -> None:
    print(f"admin: {issued.admin.email} ({issued.admin.role}), id {issued.admin.id}")
    print(f"token expires: {issued.expires_at:%Y-%m-%d %H:%M} UTC")
    print(issued.token)


def _admin_create(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from predictu_console.core import admins
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    data = parse(admins.AdminCreate, {"email": args.email, "name": args.name, "role": args.role})
    ttl = timedelta(days=settings.token_ttl_days)
    with session_scope(factory) as session:
        admins.create_admin(session=session, data=data)
        issued = admins.issue_token(session=session, email=args.email, ttl=ttl)
    _print_token(issued)
    return EXIT_OK


def _admin_token(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import timedelta

    from predictu_console.core import admins
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    ttl = timedelta(days=settings.token_ttl_days)
    with session_scope(factory) as session:
        issued = admins.issue_token(session=session, email=args.email, ttl=ttl)
    _print_token(issued)
    return EXIT_OK


def _admin_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import admins
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    with session_scope(factory) as session:
        revoked = admins.revoke_tokens(session=session, email=args.email)
    plural = "" if revoked.count == 1 else "s"
    print(f"revoked {revoked.count} session token{plural} of {revoked.admin.email}")
    return EXIT_OK


def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import audit
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    with session_scope(factory, write=False) as session:
        check = audit.verify_chain(session)
    if check.ok:
        print(f"ok: {check.checked} audit rows, chain intact")
        if check.unkeyed:
            print(
                f"(rows 1–{check.unkeyed} were written before the chain was keyed "
                "and are checked with plain SHA-256)"
            )
        return EXIT_OK
    if check.broken_seq is None:
        print(f"broken: {check.reason}", file=sys.stderr)
        return EXIT_FAILED
    print(f"broken at row {check.broken_seq}: {check.reason}", file=sys.stderr)
    print(f"({check.checked} rows before it are intact)", file=sys.stderr)
    return EXIT_FAILED


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from predictu_console.core import operators
    from predictu_console.core.clock import SYSTEM_CLOCK
    from predictu_console.core.crypto import secret_box
    from predictu_console.core.demo import bulk, servers
    from predictu_console.core.demo.catalogue import CAST_SIZE
    from predictu_console.core.demo.seed import seed
    from predictu_console.core.demo.summary import SUMMARY_ROWS, summary_table
    from predictu_console.core.models import OperatorListQuery
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    started = time.monotonic()
    report = seed(
        factory=factory,
        clock=SYSTEM_CLOCK,
        box=secret_box(settings),
        count=args.operators,
        progress=_progress(),
    )
    elapsed = time.monotonic() - started
    print(
        f"seeded {report.operators_created} of {report.operators_total} demo operators, "
        f"{report.trades_created:,} trades, {report.invoices_created} invoices "
        f"in {elapsed:.1f} s",
        file=sys.stderr,
    )
    print(servers.NOTE, file=sys.stderr)
    if report.operators_total > CAST_SIZE:
        print(bulk.NOTE, file=sys.stderr)
    if not args.no_tui:
        demo_servers = servers.database_secrets(factory, secret_box(settings))
        sender, _ = servers.simulated_sender(
            secrets_of=demo_servers, allow_private=settings.callback_allow_private
        )
        return _console(args, settings, factory, sender)
    with session_scope(factory, write=False) as session:
        page = operators.list_operators(
            session=session, query=OperatorListQuery(sort="volume", limit=SUMMARY_ROWS)
        )
    print(summary_table(page))
    return EXIT_OK


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from predictu_console.core.crypto import secret_box
    from predictu_console.core.demo import servers, simulate
    from predictu_console.core.validation import parse

    config = parse(simulate.SimulationConfig, {"seconds": args.seconds, "rate": args.rate})
    run = simulate.prepare(factory=_open_database(settings), box=secret_box(settings))
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    print(f"simulating operator traffic (Ctrl+C stops); {servers.NOTE}", file=sys.stderr)
    simulate.simulate(
        run,
        config=config,
        stop=stop,
        report=lambda line: print(line, flush=True),
        allow_private=settings.callback_allow_private,
    )
    return EXIT_OK


def _console(
    args: argparse.Namespace,
    settings: Settings,
    factory: SessionFactory | None = None,
    sender: CallbackSender | None = None,
) -> int:
    from predictu_console.tui.app import make_tui

    gateway = _console_gateway(args, settings, factory, sender)
    make_tui(gateway, freeze_start_up=True, data_dir=settings.data_dir).run()
    return EXIT_OK


def _console_gateway(
    args: argparse.Namespace,
    settings: Settings,
    factory: SessionFactory | None = None,
    sender: CallbackSender | None = None,
) -> Gateway:
    import getpass

    from predictu_console.core import admins
    from predictu_console.core.callbacks.sender import sender_for
    from predictu_console.core.crypto import secret_box
    from predictu_console.db.session import session_scope
    from predictu_console.tui.gateway import Gateway

    factory = factory or _open_database(settings)
    with session_scope(factory) as session:
        actor = admins.console_admin(
            session=session, email=args.as_email, os_user=getpass.getuser()
        )
    return Gateway(
        factory=factory,
        actor=actor,
        box=secret_box(settings),
        sender=sender or sender_for(settings),
    )


def _first_paint(args: argparse.Namespace) -> FirstPaint | None:
    """The console's first screen read straight from its SQLite file, before the settings
    and the database stack are imported; None when the regular start has to decide."""
    import getpass
    import os
    from pathlib import Path

    from predictu_console.core.clock import SYSTEM_CLOCK
    from predictu_console.locations import DATABASE_FILE, default_data_dir
    from predictu_console.tui.first_paint import FILE_NAME, first_paint
    from predictu_console.tui.screens.operator_list import PAGE_SIZE

    url = args.database_url or os.environ.get("PREDICTU_DATABASE_URL")
    home = os.environ.get("PREDICTU_HOME")
    data_dir = Path(home) if home else default_data_dir()
    if args.as_email is not None or (url and (not url.startswith(_SQLITE_FILE) or "?" in url)):
        return None
    database = Path(url.removeprefix(_SQLITE_FILE)) if url else data_dir / DATABASE_FILE
    return first_paint(
        database,
        data_dir / FILE_NAME,
        os_user=getpass.getuser(),
        page_size=PAGE_SIZE,
        now=SYSTEM_CLOCK.now(),
    )


_SQLITE_FILE = "sqlite:///"


def _painted_console(args: argparse.Namespace, first: FirstPaint) -> int:
    """The console from its first page, started on a thread; a failure to start is reported
    as the regular start reports it."""
    from predictu_console.tui.app import Started, make_painted_tui

    def start() -> Started:
        from predictu_console.core.database import database_errors

        with database_errors():
            settings = _settings(args)
            return Started(_console_gateway(args, settings), settings.data_dir)

    console = make_painted_tui(first, start)
    console.run()
    if console.start_error is None:
        return EXIT_OK
    from predictu_console.core.errors import PredictuError

    if isinstance(console.start_error, PredictuError):
        return _report(console.start_error, args.argument_names)
    raise console.start_error


def _callbacks_test(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from predictu_console.core import admins
    from predictu_console.core.callbacks import ping
    from predictu_console.core.callbacks.sender import sender_for
    from predictu_console.core.crypto import secret_box
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    body: dict[str, object] = {"event": args.event, "timeout_ms": args.timeout_ms}
    if args.url is not None:
        body["callback_url"] = args.url
    data = parse(ping.PingRequest, body)
    with session_scope(factory) as session:
        actor = admins.console_admin(
            session=session, email=args.as_email, os_user=getpass.getuser()
        )
    result = ping.test_callback(
        factory=factory,
        actor=actor,
        operator_id=args.operator_id,
        data=data,
        box=secret_box(settings),
        sender=sender_for(settings),
    )
    print(result.model_dump_json(indent=2, exclude_none=True))
    return EXIT_OK if result.success else EXIT_FAILED


def _progress() -> Callable[[int, int], None]:
    """Seeding's progress on stderr: a bar redrawn in a terminal; elsewhere (a log, a pipe)
    a line each time another tenth is done, so a long run shows it is alive."""
    tenths_logged = 0

    def show(done: int, total: int) -> None:
        nonlocal tenths_logged
        if total < 100:
            return
        if sys.stderr.isatty():
            filled = 30 * done // total
            bar = "#" * filled + "." * (30 - filled)
            end = "\n" if done == total else ""
            print(f"\rseeding operators {done:>7,}/{total:,} [{bar}]", end=end, file=sys.stderr)
        elif done == total or 10 * done // total > tenths_logged:
            tenths_logged = 10 * done // total
            print(f"seeding operators {done:,}/{total:,}", file=sys.stderr)

    return show


def _stats_verify(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import stats
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    with session_scope(factory, write=False) as session:
        drifts = stats.verify_rollups(session)
    for drift in drifts:
        print(
            f"drift: {drift.operator_id} {drift.field}: stored {drift.stored}, "
            f"recomputed {drift.actual}",
            file=sys.stderr,
        )
    if drifts:
        print(f"{len(drifts)} rollup values differ from the raw rows", file=sys.stderr)
        return EXIT_FAILED
    print("ok: every rollup matches the raw rows")
    return EXIT_OK


def _invoices_close(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import invoices
    from predictu_console.db.session import session_scope

    factory = _open_database(settings)
    with session_scope(factory) as session:
        result = invoices.close_month(session=session, month=args.month)
    print(
        f"{result.month}: {result.created} invoices created, "
        f"{result.already_invoiced} already invoiced"
    )
    return EXIT_OK


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core.database import printable_url

    _open_database(settings)
    print(f"database is up to date: {printable_url(settings.effective_database_url)}")
    return EXIT_OK


def _delivery_worker(
    args: argparse.Namespace, settings: Settings, factory: SessionFactory
) -> DeliveryWorker:
    from predictu_console.core.callbacks.sender import sender_for
    from predictu_console.core.callbacks.worker import DeliveryWorker, WorkerConfig
    from predictu_console.core.crypto import secret_box
    from predictu_console.core.validation import parse

    config = parse(
        WorkerConfig,
        {
            "concurrency": args.concurrency,
            "poll_seconds": args.poll_seconds,
            "timeout_ms": args.timeout_ms,
            "lease_seconds": args.lease_seconds,
        },
    )
    return DeliveryWorker(
        factory=factory, box=secret_box(settings), sender=sender_for(settings), config=config
    )


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import gc

    import uvicorn

    from predictu_console.api.app import create_app
    from predictu_console.api.server import ServerLimits, server_config

    chosen = {
        "http_header_timeout": args.header_timeout,
        "http_body_timeout": args.body_timeout,
        "trusted_proxies": args.forwarded_allow_ips,
    }
    settings = settings.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    factory = _open_database(settings)
    worker = None if args.no_worker else _delivery_worker(args, settings, factory)
    if worker is not None:
        _log_to_stderr("predictu_console.core", "%(asctime)s %(levelname)s %(message)s")
    if args.access_log != "off":
        _log_to_stderr("predictu_console.access", "%(message)s")
    _log_to_stderr("predictu_console.api", "%(asctime)s %(levelname)s %(message)s")
    app = create_app(
        settings,
        session_factory=factory,
        worker=worker,
        json_access_log=args.access_log == "json",
    )
    limits = ServerLimits(
        limit_concurrency=args.limit_concurrency, timeout_keep_alive=args.timeout_keep_alive
    )
    config = server_config(app, settings=settings, host=args.host, port=args.port, limits=limits)
    # Everything made so far (modules, the app, its routes and models) lives as long as the
    # server: frozen, a full garbage collection no longer walks it on some request's time.
    gc.freeze()
    uvicorn.Server(config).run()
    return EXIT_OK


def _web(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.web.run import serve_console  # aiohttp only for this command

    return serve_console(
        settings=settings,
        factory=_open_database(settings),
        host=args.host,
        port=args.port,
        email=args.as_email,
    )


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    factory = _open_database(settings)
    worker = _delivery_worker(args, settings, factory)
    _log_to_stderr("predictu_console.core", "%(asctime)s %(levelname)s %(message)s")
    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        print(f"{signal.Signals(signum).name}: finishing deliveries in flight", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(
        f"worker {worker.name}: delivering callbacks, {worker.config.concurrency} at a time "
        "(SIGTERM or Ctrl+C stops)",
        file=sys.stderr,
        flush=True,
    )
    worker.run(stop)
    print(f"worker {worker.name}: stopped", file=sys.stderr)
    return EXIT_OK


def _log_to_stderr(name: str, line_format: str) -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(line_format))
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _cli_actor(args: argparse.Namespace, factory: SessionFactory) -> Actor:
    """The console admin (`--as`, else the OS user's), whom the command is audited as."""
    import getpass

    from predictu_console.core import admins
    from predictu_console.db.session import session_scope

    with session_scope(factory) as session:
        return admins.console_admin(session=session, email=args.as_email, os_user=getpass.getuser())


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _market_line(market: MarketOut) -> str:
    state = f"resolved {market.outcome}" if market.outcome else market.status
    return f"{market.id} [{market.category}, {state}] {market.title}"


def _markets_create(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import markets
    from predictu_console.core.platform import MarketCreate
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    data = parse(MarketCreate, {"title": args.title, "category": args.category})
    factory = _open_database(settings)
    actor = _cli_actor(args, factory)
    with session_scope(factory) as session:
        market = markets.create_market(session=session, actor=actor, data=data)
    print(f"created {_market_line(market)}")
    return EXIT_OK


def _markets_list(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import markets
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    query = parse(
        markets.MarketListQuery, {"status": args.status, "limit": args.limit, "offset": args.offset}
    )
    factory = _open_database(settings)
    with session_scope(factory, write=False) as session:
        page = markets.list_markets(session=session, query=query)
    rows = [
        [
            market.id,
            market.category,
            market.status,
            market.outcome or "-",
            f"{market.created_at:%Y-%m-%d %H:%M}",
            market.title,
        ]
        for market in page.markets
    ]
    headers = ["ID", "CATEGORY", "STATUS", "OUTCOME", "CREATED (UTC)", "TITLE"]
    print(_table(headers, rows))
    print(_shown(len(rows), page.offset, page.total, "market"))
    return EXIT_OK


def _shown(count: int, offset: int, total: int, noun: str) -> str:
    if count == 0:
        return f"no {noun}s shown of {total}"
    return f"{noun}s {offset + 1}–{offset + count} of {total}"


def _markets_resolve(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import markets
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    data = parse(markets.MarketResolve, {"outcome": args.outcome})
    factory = _open_database(settings)
    actor = _cli_actor(args, factory)
    with session_scope(factory) as session:
        result = markets.resolve_market(
            session=session, actor=actor, market_id=args.market_id, data=data
        )
    print(
        f"resolved {_market_line(result.market)}: {result.positions_settled} positions "
        f"settled, {result.operators_affected} operators affected"
    )
    return EXIT_OK


def _players_list(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import players
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    query = parse(players.PlayerListQuery, {"limit": args.limit, "offset": args.offset})
    factory = _open_database(settings)
    with session_scope(factory, write=False) as session:
        page = players.list_players(session=session, operator_id=args.operator_id, query=query)
    rows = [
        [
            player.external_player_id,
            player.id,
            player.status,
            f"{player.balance:.2f}",
            str(player.trade_count),
            f"{player.volume:.2f}",
            _restriction(player),
        ]
        for player in page.players
    ]
    headers = ["PLAYER", "ID", "STATUS", "BALANCE", "TRADES", "VOLUME", "RESTRICTION"]
    print(_table(headers, rows))
    print(_shown(len(rows), page.offset, page.total, "player"))
    return EXIT_OK


def _restriction(player: PlayerOut) -> str:
    if player.status != "restricted":
        return "-"
    return f"{player.classification}, score {player.restriction_score}: {player.restricted_reason}"


def _players_restrict(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.core import players
    from predictu_console.core.validation import parse
    from predictu_console.db.session import session_scope

    data = parse(players.PlayerRestrict, {"reason": args.reason})
    factory = _open_database(settings)
    actor = _cli_actor(args, factory)
    with session_scope(factory) as session:
        player = players.restrict_player(
            session=session,
            actor=actor,
            operator_id=args.operator_id,
            external_player_id=args.external_player_id,
            data=data,
        )
    print(f"{player.external_player_id} ({player.id}): restricted ({_restriction(player)})")
    return EXIT_OK


def _operators_export(args: argparse.Namespace, settings: Settings) -> int:
    from predictu_console.commands import operators_export

    return operators_export.run(args, _open_database(settings))


def _report(error: PredictuError, names: Mapping[str, str]) -> int:
    """One line: the code, then each refused value by the argument it came from."""
    from predictu_console.core.labels import field_label, spoken

    message = spoken(error.message)
    if error.fields:
        message = "; ".join(
            f"{names.get(path) or field_label(path)} {spoken(text)}"
            for path, text in error.fields.items()
        )
    if error.detail:  # a shell has no key to show it on: the library's words come after
        message += f" ({error.detail})"
    print(f"error: {error.code}: {message}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    args = _parser().parse_args(argv)
    if args.handler is _console and (first := _first_paint(args)) is not None:
        return _painted_console(args, first)
    # Imported once the arguments parsed: `--help` and a usage error stop before this line.
    from predictu_console.core.database import database_errors
    from predictu_console.core.errors import PredictuError

    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        with database_errors():
            return handler(args, _settings(args))
    except PredictuError as error:
        return _report(error, args.argument_names)
    except KeyboardInterrupt:
        return 130
