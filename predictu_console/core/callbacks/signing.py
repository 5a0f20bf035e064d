"""How every callback is built and signed: PINGs and outbox deliveries share this code.

The signatures cover the exact bytes sent, so bodies are serialised once, compactly, and
never re-encoded; a retry sends the same bytes under the same delivery id.

Two schemes sign every callback (operator-side spec §3):
- `X-Predictu-Signature`: the S2S spec's `sha256=<hex HMAC-SHA256(secret, body)>` under the
  newest key, and during a rotation `X-Predictu-Signature-Previous` under the expiring one,
  so a receiver that has not deployed the new secret yet keeps verifying. It covers the body
  only: the delivery id inside the body is signed, the timestamp header is not.
- Standard Webhooks: `webhook-id`, `webhook-timestamp` and `webhook-signature`, one
  `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>` per valid key, newest first.
  The id and the timestamp are signed, so a receiver that checks freshness and remembers ids
  refuses a replay. The HMAC key is the secret string's bytes: operators verify with any
  Standard Webhooks library given `"whsec_" + base64(secret)`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

USER_AGENT = "Predictu-Callbacks/1"


def sign(secret: str, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact bytes sent>`, keyed with the operator's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sign_standard(secret: str, *, message_id: str, timestamp: int, body: bytes) -> str:
    """One Standard Webhooks signature: `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def encode_body(document: dict[str, Any]) -> bytes:
    """The wire form of a callback body: compact JSON, UTF-8."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(
    *, secrets: Sequence[str], body: bytes, event: str, delivery_id: str, now: datetime
) -> dict[str, str]:
    """The headers of one callback request, signed by every key in `secrets`, newest first.

    Raises ValueError without a secret: a callback is never sent unsigned.
    """
    if not secrets:
        raise ValueError("a callback needs at least one key to sign it")
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Predictu-Signature": sign(secrets[0], body),
        "X-Predictu-Event": event,
        "X-Predictu-Delivery": delivery_id,
        "X-Predictu-Timestamp": str(timestamp),
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            sign_standard(secret, message_id=delivery_id, timestamp=timestamp, body=body)
            for secret in secrets
        ),
    }
    if len(secrets) > 1:
        headers["X-Predictu-Signature-Previous"] = sign(secrets[1], body)
    return headers
