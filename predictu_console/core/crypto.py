"""Operator secrets at rest: AES-GCM under one master key, each ciphertext bound to its key id.

The master key comes from `PREDICTU_MASTER_KEY` (base64 of 32 bytes) or, when that is unset,
from `master.key` in the data directory, created with mode 0600 on first use. Binding the key
id as associated data means a ciphertext copied onto another key's row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from predictu_console.core.errors import PredictuError
from predictu_console.settings import Settings

MASTER_KEY_VARIABLE = "PREDICTU_MASTER_KEY"
NONCE_BYTES = 12


class MasterKeyError(PredictuError):
    """Raised when the master key is malformed or cannot decrypt the stored secrets."""

    code = "MASTER_KEY_ERROR"


def master_key(configured: str | None, key_file: Path) -> bytes:
    """The configured key, or the key file's, creating it (0600) on first use.

    Raises MasterKeyError naming the variable when the configured key is not 32 bytes.
    """
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise MasterKeyError(f"{MASTER_KEY_VARIABLE} must be the base64 encoding of 32 bytes")
        return key
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)))
    return master_key(key_file.read_text().strip(), key_file)


class SecretBox:
    """Encrypts and decrypts operator secrets under the master key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, key_id: str, secret: str) -> str:
        """`base64(nonce ‖ ciphertext)`, bound to `key_id`."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode(), key_id.encode())
        return base64.b64encode(nonce + sealed).decode()

    def open(self, key_id: str, sealed: str) -> str:
        """The plaintext secret. Raises MasterKeyError when the master key does not fit."""
        raw = base64.b64decode(sealed)
        try:
            return self._aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()
            ).decode()
        except InvalidTag:
            raise MasterKeyError(
                f"Cannot decrypt the secret of {key_id}: {MASTER_KEY_VARIABLE} (or master.key in "
                "the data directory) is not the key it was stored under"
            ) from None


def secret_box(settings: Settings) -> SecretBox:
    """The sealer of operator secrets under the configured or stored master key."""
    configured = settings.master_key.get_secret_value() if settings.master_key else None
    return SecretBox(master_key(configured, settings.data_dir / "master.key"))
