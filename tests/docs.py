"""The code blocks the docs mark `<!-- docs-test: name -->`, so tests run what readers copy."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).parents[1] / "docs"


def snippet(document: str, name: str, language: str) -> str:
    """The `language` code block marked `<!-- docs-test: name -->` in docs/`document`."""
    text = (DOCS / document).read_text()
    return text.split(f"<!-- docs-test: {name} -->\n```{language}\n", 1)[1].split("```", 1)[0]


def python_recipe(document: str, name: str) -> dict[str, object]:
    """Run the Python snippet marked `name` in docs/`document`; returns what it defines."""
    namespace: dict[str, object] = {}
    code = snippet(document, name, "python")
    exec(compile(code, f"docs/{document} ({name})", "exec"), namespace)
    return namespace
