"""Permissions that hold in tests run as root, who may read and write anything."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

NOBODY = 65534


@contextmanager
def without_root() -> Iterator[None]:
    """Act as nobody meanwhile when running as root; as anyone else, change nothing."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


def owned_by_the_tester(path: os.PathLike[str] | str) -> None:
    """Hand `path` to the user `without_root` acts as."""
    if os.geteuid() == 0:
        os.chown(path, NOBODY, NOBODY)
