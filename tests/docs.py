"""The code blocks the docs mark `<!-- docs-test: name -->`, so tests run what readers copy."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.processes import until_answering

DOCS = Path(__file__).parents[1] / "docs"
README = Path(__file__).parents[1] / "README.md"


def snippet(document: str, name: str, language: str) -> str:
    """The `language` code block marked `<!-- docs-test: name -->` in docs/`document` (or in
    the README, for `README.md`)."""
    path = README if document == "README.md" else DOCS / document
    text = path.read_text()
    return text.split(f"<!-- docs-test: {name} -->\n```{language}\n", 1)[1].split("```", 1)[0]


def python_recipe(document: str, name: str) -> dict[str, object]:
    """Run the Python snippet marked `name` in docs/`document`; returns what it defines."""
    namespace: dict[str, object] = {}
    code = snippet(document, name, "python")
    exec(compile(code, f"docs/{document} ({name})", "exec"), namespace)
    return namespace


def shell(script: str) -> list[str]:
    """The command that runs a shell snippet as a reader's shell does, stopping at the first
    failing command; `predictu-console` is this interpreter's, so the code under test runs
    whatever PATH holds."""
    console = f'predictu-console() {{ {shlex.quote(sys.executable)} -m predictu_console "$@"; }}'
    return ["bash", "-euo", "pipefail", "-c", f"{console}\n{script}"]


def run_shell(script: str, *, env: dict[str, str]) -> str:
    """Run a shell snippet to completion; its output, or the test fails with its errors."""
    ran = subprocess.run(shell(script), env=env, capture_output=True, text=True, timeout=120)
    if ran.returncode:
        pytest.fail(f"the snippet failed ({ran.returncode}):\n{script}\n{ran.stderr}")
    return ran.stdout


@contextmanager
def serving_snippet(script: str, *, port: int, env: dict[str, str], log: Path) -> Iterator[None]:
    """A shell snippet that ends by starting a server on `port`, left running while the block
    runs: in a process group of its own, as a terminal's job, which Ctrl+C stops whole."""
    with log.open("w") as output:
        snippet_job = subprocess.Popen(
            shell(script), env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        until_answering(port, snippet_job, log)
        yield
    finally:
        os.killpg(snippet_job.pid, signal.SIGINT)
        snippet_job.wait(timeout=10)


def json_documents(output: str) -> list[Any]:
    """The JSON documents curl printed one after another (no newlines between them)."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(output):
        document, at = decoder.raw_decode(output, at)
        found.append(document)
        while output[at : at + 1].isspace():
            at += 1
    return found
