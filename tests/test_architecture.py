"""Layering: the core never loads a UI or HTTP framework (DESIGN §2)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("predictu_console.core.operators", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.core.admins", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.db.session", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.cli", ["textual", "fastapi", "starlette", "uvicorn"]),
        ("predictu_console.tui.app", ["fastapi", "starlette", "uvicorn"]),
        ("predictu_console.web.run", ["fastapi", "starlette", "uvicorn"]),
        ("predictu_console.core.trends", ["textual", "aiohttp", "textual_serve"]),
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


ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_front_ends_import_neither_sqlalchemy_nor_the_tables():
    package = ROOT / "predictu_console"
    front_ends = [package / "cli.py", *(package / "api").rglob("*.py")]
    front_ends += (package / "tui").rglob("*.py")
    offending = {
        f"{path.relative_to(package)}: {name}"
        for path in front_ends
        for name in _imported_modules(path)
        if name.split(".")[0] == "sqlalchemy" or name.startswith("predictu_console.db.tables")
    }
    assert sorted(offending) == [], "go through core (core/database.py) instead"
