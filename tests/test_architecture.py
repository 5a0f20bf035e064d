"""Layering: the core never loads a UI or HTTP framework (DESIGN §2)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("predictu_console.core.operators", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.core.admins", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.db.session", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.cli", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.tui.app", ["fastapi", "starlette", "uvicorn"]),
    ],
)
def test_importing_a_module_does_not_load_forbidden_frameworks(module, forbidden):
    probe = f"import sys, json, {module}; print(json.dumps(sorted(sys.modules)))"
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", probe]))
    assert [name for name in forbidden if name in loaded] == []


def test_importing_the_core_creates_no_database_or_settings():
    probe = (
        "import sqlalchemy.pool, predictu_console.core.operators, predictu_console.api.app;"
        "import gc, sqlalchemy.engine;"
        "print(sum(isinstance(o, sqlalchemy.engine.Engine) for o in gc.get_objects()))"
    )
    assert subprocess.check_output([sys.executable, "-c", probe]).strip() == b"0"
