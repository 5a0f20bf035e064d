"""`predictu-console web`: check who the console serves as, warn about a wide bind, serve."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys

from predictu_console.core import admins
from predictu_console.core.database import transaction
from predictu_console.core.errors import Forbidden, Unauthorized
from predictu_console.db.session import SessionFactory
from predictu_console.settings import Settings
from predictu_console.web.gate import Gate, TokenCheck
from predictu_console.web.server import ConsoleServer, is_loopback


def session_token_check(factory: SessionFactory) -> TokenCheck:
    """Resolves a session token to its admin's email if it is a live God Mode admin's."""

    def check(token: str) -> str | None:
        with transaction(factory, write=False) as session:
            try:
                admin = admins.authenticate(session=session, token=token)
                admins.require_god_mode(admin, where="The console")
            except (Unauthorized, Forbidden):
                return None
            return admin.email

    async def check_in_thread(token: str) -> str | None:
        return await asyncio.to_thread(check, token)

    return check_in_thread


def serve_console(
    *, settings: Settings, factory: SessionFactory, host: str, port: int, email: str | None
) -> int:
    """Serve the console until Ctrl+C (or SIGTERM); returns the exit status.

    Raises NotFound or Forbidden, before anything is served, when `email` is not a God Mode
    admin's.
    """
    with transaction(factory) as session:
        actor = admins.console_admin(session=session, email=email, os_user=getpass.getuser())
    if not is_loopback(host):
        print(
            f"warning: listening on {host}, not only on this machine: anyone who can reach it "
            "and holds a token can use the console, over plain HTTP (put TLS in front of it)",
            file=sys.stderr,
            flush=True,
        )
    # Each tab's console process inherits the environment: the same database as ours.
    os.environ["PREDICTU_DATABASE_URL"] = settings.effective_database_url
    gate = Gate(admin_email=actor.email, check_session_token=session_token_check(factory))
    ConsoleServer(gate=gate, host=host, port=port).serve()
    print("stopped: every console process this server started has quit", file=sys.stderr)
    return 0
