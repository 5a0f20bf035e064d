"""`predictu-console operators export` as a user runs it: the API's filters, stdout or a file."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli_runner import invoke
from tests.factories import active_operator, make_operator


@pytest.fixture
def env(database_url, tmp_path):
    return {
        **os.environ,
        "PREDICTU_HOME": str(tmp_path / "home"),
        "PREDICTU_DATABASE_URL": database_url,
    }


def test_csv_on_stdout_with_the_apis_filters(env, session_factory, god, clock):
    make_operator(session_factory, god, clock, name="Lucky Onboarding")
    live = active_operator(session_factory, god, clock, name="Lucky Live")
    active_operator(session_factory, god, clock, name="Other Live")

    result = invoke("operators", "export", "--status", "active", "--search", "lucky", env=env)

    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["id"], row["name"]) for row in rows] == [(live.id, "Lucky Live")]


def test_json_to_a_file_readable_by_its_owner_only_says_where(env, session_factory, god, clock):
    for name in ("Beta", "Alpha", "Gamma"):
        make_operator(session_factory, god, clock, name=f"{name} Casino")
    output = env["PREDICTU_HOME"] + "-export.json"

    result = invoke(
        "operators",
        "export",
        "--format",
        "json",
        "--sort",
        "name",
        "--order",
        "asc",
        "--output",
        output,
        env=env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip() == f"wrote the operator list as JSON to {output}"
    document = json.loads(Path(output).read_text())
    assert [row["name"] for row in document["operators"]] == [
        "Alpha Casino",
        "Beta Casino",
        "Gamma Casino",
    ]
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--status", "paused"), "status"),
        (("--sort", "revenue"), "sort"),
        (("--output", "/nonexistent-dir/operators.csv"), "No such file or directory"),
    ],
)
def test_a_bad_filter_or_path_is_one_line_naming_it(env, args, named):
    result = invoke("operators", "export", *args, env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("error: VALIDATION_ERROR: ")
    assert named in result.stderr and result.stderr.count("\n") == 1
