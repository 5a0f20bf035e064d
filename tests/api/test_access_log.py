"""The access log writes what a client sent as data: no forged lines, no terminal escapes."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from predictu_console.api.app import create_app


@pytest.fixture(params=["text", "json"])
def logged(request, settings, session_factory, clock, caplog):
    app = create_app(
        settings,
        session_factory=session_factory,
        clock=clock,
        json_access_log=request.param == "json",
    )
    caplog.set_level(logging.INFO, logger="predictu_console.access")
    with TestClient(app) as client:
        yield client, request.param, caplog


def _lines(caplog) -> list[str]:
    return [
        record.getMessage() for record in caplog.records if record.name == "predictu_console.access"
    ]


@pytest.mark.parametrize(
    ("sent", "written"),
    [
        ("/x%0A2025-01-01T00:00:00Z forged GET /admin 200", "\\n"),
        ("/x%0D%0Aforged", "\\r\\n"),
        ("/x%1B[31mred", "\\x1b[31mred"),
        ("/x%E2%80%A8sep", "\\u2028"),
        ("/x%5Cn", "\\\\n"),
    ],
    ids=["newline", "crlf", "escape", "line-separator", "backslash"],
)
def test_control_characters_in_the_path_are_escaped(logged, sent, written):
    client, mode, caplog = logged
    client.get(sent)

    (line,) = _lines(caplog)
    assert not any(char in line for char in "\n\r\x1b\u2028")
    path = json.loads(line)["path"] if mode == "json" else line.split(" ")[4]
    assert written in path


def test_a_path_with_spaces_stays_one_field_in_text_mode(logged):
    client, mode, caplog = logged
    client.get("/x%20200%201.0%20ms")

    (line,) = _lines(caplog)
    if mode == "text":
        assert len(line.split(" ")) == 8
        assert line.split(" ")[4] == "/x\\x20200\\x201.0\\x20ms"
    else:
        assert json.loads(line)["path"] == "/x 200 1.0 ms"
