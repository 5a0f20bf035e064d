"""The docs' snippets that no test can run as written (installs, the whole suite, a benchmark
of minutes), checked against what does run them; and an example body against the real one."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from predictu_console.core.callbacks.events import operator_status_changed
from predictu_console.core.callbacks.outbox import body_of
from tests.docs import DOCS, README, snippet

CI = Path(__file__).parents[1] / ".ci" / "run"
UNTESTED = {("README.md", 1)}
"""Blocks no test uses, by page and number: the README's first, `pip install .`, which would
install the package (the demo it then opens has tests of its own)."""


def _commands(block: str) -> list[str]:
    """A shell block's commands, one per `&&` too, without comments or pip's `--quiet`."""
    lines = (line.split("#", 1)[0].replace(" --quiet", "") for line in block.splitlines())
    return [command.strip() for line in lines for command in line.split("&&") if command.strip()]


def test_ci_runs_the_readmes_test_command_first_then_the_checks_development_md_lists():
    script = CI.read_text()
    ci = _commands(script)
    documented = _commands(snippet("README.md", "tests", "sh"))
    documented += _commands(snippet("development.md", "checks", "sh"))
    assert "set -euo pipefail" in script.splitlines()  # each one fails the run
    assert [command for command in documented if command not in ci] == []
    assert [ci.index(command) for command in documented] == sorted(
        ci.index(command) for command in documented
    )


def test_the_benchmark_runner_takes_the_options_benchmarks_md_gives():
    usage = snippet("benchmarks.md", "run", "sh")
    options = dict(re.findall(r"\[(--[\w-]+) ?([^]]*)\]", usage))
    helped = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert [option for option in options if option not in helped] == []
    sections = re.search(r"--only \{([\w,]+)\}", helped)
    assert sections is not None
    assert options["--only"].split() == sections.group(1).split(",")


def test_the_documented_envelope_is_a_real_status_change_body():
    documented = json.loads(snippet("callbacks.md", "envelope", "json"))
    event = operator_status_changed(
        operator_id=documented["operator_id"],
        at=datetime(2025, 3, 18, 14, 30, tzinfo=UTC),
        previous_status="active",
        status="inactive",
    )
    real = json.loads(body_of(event, documented["delivery_id"]))
    assert list(real.items()) == list(documented.items())


def test_every_code_block_of_the_docs_is_marked_and_a_test_uses_it():
    tests = "".join(path.read_text() for path in Path(__file__).parent.rglob("*.py"))
    unmarked, unused = [], []
    for page in [README, *sorted(DOCS.glob("*.md"))]:
        lines = page.read_text().splitlines()
        fences = [at for at, line in enumerate(lines) if line.startswith("```")]
        for number, opening in enumerate(fences[::2], start=1):
            marker = re.fullmatch(r"<!-- docs-test: ([\w-]+) -->", lines[opening - 1])
            if marker is None:
                unmarked.append((page.name, number))
            elif f'("{page.name}", "{marker.group(1)}"' not in tests:
                unused.append((page.name, marker.group(1)))
    assert set(unmarked) == UNTESTED
    assert unused == []
