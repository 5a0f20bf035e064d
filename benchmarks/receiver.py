"""A fast local HTTPS callback receiver for benchmarks: uvicorn, a trustme certificate.

`receiving(dir)` runs it in its own process, pinned to its own core, as an operator's server
would be. The tests' receiver (stdlib `http.server`) is right for checking behaviour but too
slow, and too erratic, to measure a sender against.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import trustme
import uvicorn

from benchmarks.cores import pinned_apart
from tests.processes import free_port

REPLY = b'{"status":"ok","received_event":"PING"}'
"""What a PING expects back; deliveries accept any 2xx body."""


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Read the whole request, answer 200 with a small JSON body."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": REPLY})


@contextmanager
def receiving(work: Path) -> Iterator[tuple[str, Path]]:
    """A running receiver: its base URL and the CA file to trust."""
    command = [sys.executable, "-m", "benchmarks.receiver", str(work), str(free_port())]
    with pinned_apart(command, stdout=subprocess.PIPE, text=True) as receiver:
        assert receiver.stdout is not None
        base, ca = receiver.stdout.readline().split()
        _wait_until_up(base, Path(ca))
        yield base, Path(ca)


def _wait_until_up(base: str, ca_file: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.post(f"{base}/ok", verify=str(ca_file))
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    """`python -m benchmarks.receiver DIR PORT`: print the URL and CA file, serve until killed."""
    work, port = Path(sys.argv[1]), int(sys.argv[2])
    ca = trustme.CA()
    issued = ca.issue_cert("localhost")
    ca.cert_pem.write_to_path(str(work / "ca.pem"))
    issued.private_key_pem.write_to_path(str(work / "key.pem"))
    issued.cert_chain_pems[0].write_to_path(str(work / "cert.pem"))
    print(f"https://localhost:{port} {work / 'ca.pem'}", flush=True)
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http="h11",
        ssl_keyfile=str(work / "key.pem"),
        ssl_certfile=str(work / "cert.pem"),
    )


if __name__ == "__main__":
    main()
