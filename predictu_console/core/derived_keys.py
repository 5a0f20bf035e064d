"""Keys derived from the master key: HKDF-SHA256 with one `info` label per purpose.

A derived key is never stored; it is recomputed from the master key when needed. Separate
labels make the keys independent: knowing one reveals neither the master key nor another
purpose's key. A new purpose gets a new label here; a label never changes meaning (bump its
version instead), or everything keyed under it stops verifying.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.orm import Session

from predictu_console.core.crypto import configured_master_key
from predictu_console.db.session import SETTINGS_INFO
from predictu_console.settings import Settings

AUDIT_CHAIN = b"predictu audit chain v1"
"""Keys the HMAC chain of the audit log (`core/audit.py`)."""

API_KEY_LOOKUP = b"predictu api key lookup v1"
"""Keys the hash an operator's secret key is found by (`core/keys.py`, `api_keys.secret_lookup`)."""

KEY_BYTES = 32


def derive(master: bytes, label: bytes) -> bytes:
    """The key for the purpose named by `label`, derived from `master`."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=label).derive(master)


def session_key(session: Session, label: bytes) -> bytes:
    """The key for `label`, derived once per session from the settings its factory carries
    (`make_session_factory` puts them in `Session.info`).

    Raises RuntimeError for a session made another way: a write keyed by nothing would be
    worse than none.
    """
    cache_key = b"predictu.derived." + label
    key = session.info.get(cache_key)
    if isinstance(key, bytes):
        return key
    settings = session.info.get(SETTINGS_INFO)
    if not isinstance(settings, Settings):
        raise RuntimeError(
            f"This session carries no settings to derive the {label.decode()!r} key from: "
            "open it from make_session_factory(settings), which puts them in Session.info"
        )
    key = session.info[cache_key] = derived_key(settings, label)
    return key


def derived_key(settings: Settings, label: bytes) -> bytes:
    """The key for `label` under the configured or stored master key.

    Raises MasterKeyError when the configured master key is malformed.
    """
    return derive(configured_master_key(settings), label)
