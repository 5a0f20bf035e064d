"""Real HTTPS callback receivers on loopback, with trustme certificates."""

from __future__ import annotations

import hashlib
import hmac
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme


def _acknowledgement(event: str) -> bytes:
    """What an operator's handler answers a callback it accepted."""
    return json.dumps({"status": "ok", "received_event": event}).encode()


@dataclass
class Receiver:
    """A running server: its base URL and what it received."""

    url: str
    ca_file: Path
    requests: list[dict[str, object]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    """When set, the receiver verifies signatures as operators do, answering 401 on a bad one."""

    def verifies(self, body: bytes, signature: str) -> bool:
        """The README's check: HMAC-SHA256 of the raw body under any known secret."""
        return any(
            hmac.compare_digest(
                "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
                signature,
            )
            for secret in self.secrets
        )

    def delivered(self) -> list[dict[str, object]]:
        """The requests it accepted: signature verified, answered 200."""
        return [request for request in self.requests if request.get("verified")]

    def events(self, event: str) -> list[dict[str, Any]]:
        """The bodies of the accepted callbacks of one event type, in arrival order."""
        return [
            json.loads(request["body"])  # type: ignore[arg-type]
            for request in self.delivered()
            if request["headers"]["X-Predictu-Event"] == event  # type: ignore[index]
        ]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            request = {"path": self.path, "headers": dict(self.headers), "body": body}
            receiver.requests.append(request)
            status, headers = 200, {}
            reply = _acknowledgement(self.headers.get("X-Predictu-Event", ""))
            if receiver.secrets and not receiver.verifies(
                body, self.headers.get("X-Predictu-Signature", "")
            ):
                status, reply = 401, b'{"error": "bad signature"}'
            elif self.path == "/bad-json":
                reply = b"<html>thanks</html>"
            elif self.path == "/wrong-json":
                reply = json.dumps({"status": "ok"}).encode()
            elif self.path == "/error":
                status, reply = 500, b"boom"
            elif self.path == "/redirect":
                status, headers = 302, {"Location": "https://example.com/elsewhere"}
            elif self.path == "/slow":
                time.sleep(1.5)
            elif self.path == "/trickle":
                # Headers a byte at a time: each read is quick, the whole reply is not.
                for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}":
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(0.05)
                return
            elif self.path == "/big":
                reply = b"x" * 200_000
            request["verified"] = bool(receiver.secrets) and status == 200
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            try:
                self.wfile.write(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def https_receiver(
    tmp_path: Path, *, hostname: str = "localhost", trusted: bool = True
) -> Iterator[Receiver]:
    """Serve HTTPS on 127.0.0.1 with a certificate for `hostname`.

    `ca_file` is the CA to trust; with `trusted=False` the server's certificate comes from a
    different CA, as a self-signed certificate would.
    """
    ca, other = trustme.CA(), trustme.CA()
    issued = (ca if trusted else other).issue_cert(hostname)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    issued.configure_cert(context)
    ca_file = tmp_path / f"ca-{id(ca)}.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    receiver = Receiver(url="", ca_file=ca_file)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.url = f"https://localhost:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
