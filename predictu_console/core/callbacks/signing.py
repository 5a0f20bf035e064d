"""How every callback is built and signed: PINGs and outbox deliveries share this code.

The signature covers the exact bytes sent, so bodies are serialised once, compactly, and
never re-encoded; a retry sends the same bytes under the same delivery id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

USER_AGENT = "Predictu-Callbacks/1"


def sign(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact bytes sent>`, keyed with the operator's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode_body(document: dict[str, Any]) -> bytes:
    """The wire form of a callback body: compact JSON, UTF-8."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(
    *, secret: str, body: bytes, event: str, delivery_id: str, now: datetime
) -> dict[str, str]:
    """The headers of one callback request (README, "Verifying a callback")."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Predictu-Signature": sign(secret, body),
        "X-Predictu-Event": event,
        "X-Predictu-Delivery": delivery_id,
        "X-Predictu-Timestamp": str(int(now.timestamp())),
    }
