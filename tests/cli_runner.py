"""A `predictu-console` command that finishes, run inside the test's own process.

A real process costs an interpreter and the command's imports, 0.5–1 s of CPU, per command
(tests/processes.py); calling `main` costs the command alone. What a process would have had
to itself is lent to the call and taken back after it: the environment, stdout and stderr,
the signal handlers and logging it may change, and the engines it opens (a process closes
them by exiting; here a pooled connection left behind would warn at collection, and a
warning is an error in this suite). An exception `main` does not turn into an exit status
propagates and fails the test, where a process would have printed a traceback and exited 1.

Tests about the process itself stay processes: the entry points (`python -m`, the console
script), what a command imports, and the commands that run until stopped.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass

from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection

from predictu_console.cli import main

_HANDLED_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""What `simulate` and `worker` take over to stop cleanly."""


@dataclass(frozen=True)
class Finished:
    """What a finished command left, named as `subprocess.CompletedProcess` names it."""

    returncode: int
    stdout: str
    stderr: str


def invoke(*args: str, env: Mapping[str, str]) -> Finished:
    """Run `predictu-console ARGS` in this process with `env` as its whole environment."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with ExitStack() as lent:
        lent.enter_context(_environment(env))
        lent.enter_context(_signal_handlers())
        lent.enter_context(_logging())
        lent.enter_context(_engines_disposed())
        lent.enter_context(redirect_stdout(stdout))
        lent.enter_context(redirect_stderr(stderr))
        returncode = _exit_status(list(args))
    return Finished(returncode, stdout.getvalue(), stderr.getvalue())


def _exit_status(argv: list[str]) -> int:
    """`main`'s status, or the one the interpreter would give its SystemExit (argparse's
    `--help` and usage errors raise it)."""
    try:
        return main(argv)
    except SystemExit as exit_:
        if exit_.code is None or isinstance(exit_.code, int):
            return exit_.code or 0
        print(exit_.code, file=sys.stderr)
        return 1


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def _signal_handlers() -> Iterator[None]:
    saved = {signum: signal.getsignal(signum) for signum in _HANDLED_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


@contextmanager
def _logging() -> Iterator[None]:
    """Each logger's handlers, level and propagation as they were (`serve` and `worker` add a
    handler writing to the stderr of the moment, which would outlive the call)."""
    manager = logging.Logger.manager
    loggers = [logging.getLogger(), *manager.loggerDict.values()]
    saved = {
        logger: (list(logger.handlers), logger.level, logger.propagate)
        for logger in loggers
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        for logger in list(manager.loggerDict.values()):
            if isinstance(logger, logging.Logger) and logger not in saved:
                saved[logger] = ([], logging.NOTSET, True)
        for logger, (handlers, level, propagate) in saved.items():
            logger.handlers[:] = handlers
            logger.setLevel(level)
            logger.propagate = propagate


@contextmanager
def _engines_disposed() -> Iterator[None]:
    """Dispose every engine that connected during the call: the CLI leaves its engine to the
    process's exit."""
    connected: set[Engine] = set()

    def record(connection: Connection) -> None:
        connected.add(connection.engine)

    event.listen(Engine, "engine_connect", record)
    try:
        yield
    finally:
        event.remove(Engine, "engine_connect", record)
        for engine in connected:
            engine.dispose()
