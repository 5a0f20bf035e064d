"""A fast local HTTPS callback receiver for benchmarks: uvicorn, a trustme certificate.

    python -m benchmarks.receiver DIR PORT

Prints its URL and the CA file to trust, then serves until killed. The tests' receiver
(stdlib `http.server`) is right for checking behaviour but too slow, and too erratic, to
measure a sender against.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import trustme
import uvicorn

REPLY = b'{"status":"ok"}'


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Read the whole request, answer 200 with a small JSON body."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": REPLY})


def main() -> None:
    work, port = Path(sys.argv[1]), int(sys.argv[2])
    ca = trustme.CA()
    issued = ca.issue_cert("localhost")
    ca.cert_pem.write_to_path(str(work / "ca.pem"))
    issued.private_key_pem.write_to_path(str(work / "key.pem"))
    issued.cert_chain_pems[0].write_to_path(str(work / "cert.pem"))
    print(f"https://localhost:{port} {work / 'ca.pem'}", flush=True)
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", http="h11",
        ssl_keyfile=str(work / "key.pem"), ssl_certfile=str(work / "cert.pem"),
    )  # fmt: skip


if __name__ == "__main__":
    main()
