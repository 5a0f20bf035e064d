"""A failed send in a sentence about the operator's server, the library's words kept apart.

The API's `error_message` carries what OpenSSL or the HTTP library said (`TLS handshake failed:
[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer
certificate (_ssl.c:1006)`): useful to whoever debugs the server, unreadable as the first thing
a person sees. The console leads with the sentence and keeps the library's words one key away.
"""

from __future__ import annotations

from dataclasses import dataclass

_RAW_PREFIXES = ("TLS handshake failed: ", "Could not connect: ", "Malformed HTTP response: ")
"""The messages that end in a library's own text (see `transport`)."""

_TLS_REASONS = (
    ("self-signed", "their server's certificate is self-signed, which callbacks never trust"),
    (
        "unable to get local issuer",
        "their server's certificate is not signed by an authority callbacks trust (self-signed, "
        "a private authority, or a missing intermediate certificate)",
    ),
    ("expired", "their server's certificate has expired"),
    ("hostname mismatch", "their server's certificate is for another host name"),
    ("wrong_version_number", "their server did not answer in TLS (plain HTTP on this port?)"),
)


@dataclass(frozen=True)
class Explained:
    """`sentence` to show; `detail`, the library's words, for whoever asks (empty if none)."""

    sentence: str
    detail: str = ""


def explain(code: str | None, message: str | None) -> Explained:
    """The failure `code` with its `message` as a person reads it first."""
    message = message or ""
    if not message.startswith(_RAW_PREFIXES):
        return Explained(message)  # already a sentence of ours
    if code == "TLS_ERROR":
        lowered = message.lower()
        reason = next(
            (said for clue, said in _TLS_REASONS if clue in lowered),
            "the secure (TLS) connection to their server could not be set up",
        )
        return Explained(f"Refused to send: {reason}.", message)
    if code == "INVALID_RESPONSE":
        return Explained("Their server answered, but not in valid HTTP.", message)
    return Explained("Could not connect to their server.", message)
