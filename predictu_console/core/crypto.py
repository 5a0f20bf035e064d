"""Operator secrets at rest: AES-GCM under one master key, each ciphertext bound to its key id.

The master key comes from `PREDICTU_MASTER_KEY` (base64 of 32 bytes) or, when that is unset,
from `master.key` in the data directory. The file is created on first use, mode 0600, whole or
not at all: it is written under a temporary name and linked into place, so processes starting
together agree on one key. Like ssh with a private key, a key file other users can read is
refused. Binding the key id as associated data means a ciphertext copied onto another key's row
does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from predictu_console.core.errors import MasterKeyError, SecretUnreadable
from predictu_console.settings import Settings

__all__ = ["MASTER_KEY_VARIABLE", "MasterKeyError", "SecretBox", "master_key", "secret_box"]

MASTER_KEY_VARIABLE = "PREDICTU_MASTER_KEY"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


def master_key(configured: str | None, key_file: Path) -> bytes:
    """The configured key, or the key file's, creating it (0600) on first use.

    Raises MasterKeyError naming the variable when the configured key is not 32 bytes, and
    naming the file when it is not private, cannot be read or does not hold a key.
    """
    if configured:
        key = _decode(configured)
        if key is None:
            raise MasterKeyError(
                f"{MASTER_KEY_VARIABLE} must be the base64 encoding of {KEY_BYTES} bytes"
            )
        return key
    try:
        _create_once(key_file)
        return _read_key_file(key_file)
    except OSError as error:
        raise MasterKeyError(
            f"Cannot use the master key file {key_file}: {error.strerror or error}"
        ) from None


def _decode(text: str) -> bytes | None:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_BYTES else None


def _create_once(key_file: Path) -> None:
    """Write a new key under a temporary name and link it into place unless one is there.

    `os.link` never replaces an existing file, so when processes race the first link wins and
    every process then reads that one file, complete.
    """
    if key_file.exists():
        return
    temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(KEY_BYTES)) + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, key_file)
        except FileExistsError:
            pass  # another process created it first: theirs is the key
    finally:
        temporary.unlink(missing_ok=True)


def _read_key_file(key_file: Path) -> bytes:
    mode = key_file.stat().st_mode
    if not stat.S_ISREG(mode):
        raise MasterKeyError(f"The master key file {key_file} is not a regular file")
    if mode & 0o077:
        raise MasterKeyError(
            f"The master key file {key_file} is readable by other users (mode "
            f"{stat.S_IMODE(mode):04o}); make it private with: chmod 600 {key_file}"
        )
    key = _decode(key_file.read_text(encoding="ascii", errors="replace").strip())
    if key is None:
        raise MasterKeyError(
            f"The master key file {key_file} does not hold a key (the base64 encoding of "
            f"{KEY_BYTES} bytes); restore it from a backup: the operator secrets sealed under it "
            "cannot be opened without it"
        )
    return key


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
        """The plaintext secret.

        Raises SecretUnreadable when the stored value is not a sealed secret at all, and
        MasterKeyError when the master key does not fit.
        """
        try:
            raw = base64.b64decode(sealed, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise SecretUnreadable(
                f"The stored secret of {key_id} is damaged (it is not a sealed secret); "
                "generate a new key pair for its operator"
            )
        try:
            return self._aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], key_id.encode()
            ).decode()
        except InvalidTag:
            raise MasterKeyError(
                f"Cannot decrypt the secret of {key_id}: {MASTER_KEY_VARIABLE} (or master.key in "
                "the data directory) is not the key it was stored under"
            ) from None


def configured_master_key(settings: Settings) -> bytes:
    """`PREDICTU_MASTER_KEY`, or the data directory's `master.key` (created on first use).

    Raises MasterKeyError naming the variable or the file at fault.
    """
    configured = settings.master_key.get_secret_value() if settings.master_key else None
    return master_key(configured, settings.data_dir / "master.key")


def secret_box(settings: Settings) -> SecretBox:
    """The sealer of operator secrets under the configured or stored master key."""
    return SecretBox(configured_master_key(settings))
