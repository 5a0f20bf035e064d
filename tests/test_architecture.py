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


def test_every_non_python_file_the_package_needs_is_declared_package_data():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    patterns = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["predictu_console"]
    package = root / "predictu_console"
    needed = {
        path for path in package.rglob("*") if path.is_file() and path.suffix in (".tcss", ".mako")
    }
    declared = {path for pattern in patterns for path in package.glob(pattern)}  # as setuptools
    assert needed
    assert sorted(map(str, needed - declared)) == [], "add them to [tool.setuptools.package-data]"


def test_no_module_of_the_package_is_part_of_an_import_cycle():
    import grimp

    graph = grimp.build_graph("predictu_console")
    in_cycles = sorted(
        importer
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.find_shortest_chain(importer=imported, imported=importer)
    )
    assert in_cycles == [], "modules that import, directly or not, something importing them"
