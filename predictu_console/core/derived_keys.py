"""Keys derived from the master key: HKDF-SHA256 with one `info` label per purpose.

A derived key is never stored; it is recomputed from the master key when needed. Separate
labels make the keys independent: knowing one reveals neither the master key nor another
purpose's key. A new purpose gets a new label here; a label never changes meaning (bump its
version instead), or everything keyed under it stops verifying.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from predictu_console.core.crypto import configured_master_key
from predictu_console.settings import Settings

AUDIT_CHAIN = b"predictu audit chain v1"
"""Keys the HMAC chain of the audit log (`core/audit.py`)."""

API_KEY_LOOKUP = b"predictu api key lookup v1"
"""Keys the hash an operator's secret key is found by (`core/keys.py`, `api_keys.secret_lookup`)."""

KEY_BYTES = 32


def derive(master: bytes, label: bytes) -> bytes:
    """The key for the purpose named by `label`, derived from `master`."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


def derived_key(settings: Settings, label: bytes) -> bytes:
    """The key for `label` under the configured or stored master key.

    Raises MasterKeyError when the configured master key is malformed.
    """
    return derive(configured_master_key(settings), label)
