"""The `predictu-console` command (DESIGN §4).

Every command that touches the database migrates it first, runs in one transaction, and
reports failures as one line with a stable code on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from predictu_console import __version__
from predictu_console.core import admins, audit
from predictu_console.core.errors import PredictuError
from predictu_console.core.validation import parse
from predictu_console.db.migrate import upgrade
from predictu_console.db.session import (
    SessionFactory,
    engine_of,
    make_session_factory,
    session_scope,
)
from predictu_console.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the headless HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)

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

    audit_cmd = commands.add_parser("audit", help="audit log tools").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True
    )
    verify = audit_cmd.add_parser("verify", help="check the audit log's hash chain")
    verify.set_defaults(handler=_audit_verify)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    if args.database_url:
        settings = settings.model_copy(update={"database_url": args.database_url})
    return settings


def _open_database(settings: Settings) -> SessionFactory:
    factory = make_session_factory(settings)
    engine = engine_of(factory)
    upgrade(engine)
    return factory


def _print_token(issued: admins.IssuedToken) -> None:
    print(f"admin: {issued.admin.email} ({issued.admin.role}), id {issued.admin.id}")
    print(f"token expires: {issued.expires_at:%Y-%m-%d %H:%M} UTC")
    print(issued.token)


def _admin_create(args: argparse.Namespace, settings: Settings) -> int:
    factory = _open_database(settings)
    data = parse(admins.AdminCreate, {"email": args.email, "name": args.name, "role": args.role})
    ttl = timedelta(days=settings.token_ttl_days)
    with session_scope(factory) as session:
        admins.create_admin(session=session, data=data)
        issued = admins.issue_token(session=session, email=args.email, ttl=ttl)
    _print_token(issued)
    return EXIT_OK


def _admin_token(args: argparse.Namespace, settings: Settings) -> int:
    factory = _open_database(settings)
    ttl = timedelta(days=settings.token_ttl_days)
    with session_scope(factory) as session:
        issued = admins.issue_token(session=session, email=args.email, ttl=ttl)
    _print_token(issued)
    return EXIT_OK


def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    factory = _open_database(settings)
    with session_scope(factory, write=False) as session:
        check = audit.verify_chain(session)
    if check.ok:
        print(f"ok: {check.checked} audit rows, chain intact")
        return EXIT_OK
    print(f"broken at row {check.broken_seq}: {check.reason}", file=sys.stderr)
    print(f"({check.checked} rows before it are intact)", file=sys.stderr)
    return EXIT_FAILED


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    _open_database(settings)
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    print(f"database is up to date: {url}")
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn  # imported here so other commands start fast

    from predictu_console.api.app import create_app

    factory = _open_database(settings)
    uvicorn.run(create_app(settings, session_factory=factory), host=args.host, port=args.port)
    return EXIT_OK


def _report(error: PredictuError) -> int:
    print(f"error: {error.code}: {error.message}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args, _settings(args))
    except PredictuError as error:
        return _report(error)
    except SQLAlchemyError as error:
        print(
            f"error: DATABASE_ERROR: {error.__class__.__name__}: {error.args[0]}", file=sys.stderr
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
