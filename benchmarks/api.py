"""API throughput and latency under load, against `/healthz` of the same server.

`predictu-console serve` runs on the demo database, alone on one core; wrk, a real HTTP
load generator, drives it from the other with 16 connections for 10 s per endpoint, after a
warm-up. `/healthz` (no auth, no database) is the reference: the rest of the gap is our work
per request.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.cores import pinned_apart
from benchmarks.report import Row, ratio_row
from predictu_console.api.paths import API_PREFIX
from tests.processes import free_port

CONNECTIONS = 16
SECONDS = 10
THROUGHPUT_TARGET = 0.3
TAIL_LIMIT = 3.0
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Load:
    """What wrk measured for one endpoint."""

    per_second: float
    p50_ms: float
    p99_ms: float


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, token: str | None, seconds: int = SECONDS) -> Load:
    """Drive `url` with wrk; raises if any response was not 2xx."""
    headers = ["-H", f"Authorization: Bearer {token}"] if token else []
    report = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", *headers, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in report or "Socket errors" in report:
        raise RuntimeError(f"wrk saw errors on {url}:\n{report}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"\s50%\s+(\S+)", report).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"\s99%\s+(\S+)", report).group(1)  # type: ignore[union-attr]
    return Load(rate, _ms(p50), _ms(p99))


def _token(home: Path) -> str:
    env = {**os.environ, "PREDICTU_HOME": str(home)}
    env.pop("PREDICTU_DATABASE_URL", None)
    command = [sys.executable, "-m", "predictu_console", "admin"]
    made = subprocess.run(
        [*command, "create", "bench@predictu.com"], env=env, capture_output=True, text=True
    )
    if made.returncode != 0:
        made = subprocess.run(
            [*command, "token", "bench@predictu.com"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return made.stdout.split()[-1]


def _up(base: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{base}/healthz").raise_for_status()
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run(home: Path) -> list[Row]:
    """Throughput and tail rows for the list and the detail, on the database in `home`."""
    if shutil.which("wrk") is None:
        return [Row("API under load", "not measured: wrk is not installed", met=False)]
    token, port = _token(home), free_port()
    env = {**os.environ, "PREDICTU_HOME": str(home), "PREDICTU_RATE_LIMITS": "0"}
    env.pop("PREDICTU_DATABASE_URL", None)
    command = [
        sys.executable,
        "-m",
        "predictu_console",
        "serve",
        "--port",
        str(port),
        "--no-worker",
        "--access-log",
        "off",
    ]
    with pinned_apart(command, env=env, stderr=subprocess.DEVNULL):
        base = f"http://127.0.0.1:{port}"
        _up(base)
        auth = {"Authorization": f"Bearer {token}"}
        busiest = httpx.get(f"{base}{API_PREFIX}/operators?limit=1&sort=volume", headers=auth)
        endpoints = {
            "GET /operators?limit=25&sort=volume": f"{API_PREFIX}/operators?limit=25&sort=volume",
            "GET /operators/{id}": f"{API_PREFIX}/operators/{busiest.json()['operators'][0]['id']}",
        }
        for path in ["/healthz", *endpoints.values()]:
            wrk(f"{base}{path}", token, seconds=2)  # warm-up
        health = wrk(f"{base}/healthz", None)
        loads = {name: wrk(f"{base}{path}", token) for name, path in endpoints.items()}
    rows = []
    for name, load in loads.items():
        rows.append(
            ratio_row(
                f"API {name}: throughput at concurrency {CONNECTIONS}",
                load.per_second,
                health.per_second,
                unit="req/s",
                reference_is="GET /healthz",
                at_least=THROUGHPUT_TARGET,
            )
        )
        rows.append(
            ratio_row(
                f"API {name}: p99 against p50",
                load.p99_ms,
                load.p50_ms,
                unit="ms",
                reference_is="p50",
                at_most=TAIL_LIMIT,
            )
        )
    return rows
