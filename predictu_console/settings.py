"""One Settings object for every front end, read from `PREDICTU_*` environment variables.

Nothing here runs at import time: the CLI and the tests build a `Settings` and hand it
to `make_session_factory`, `create_app` and friends.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_NAME = "predictu-console"


class Settings(BaseSettings):
    """Where the data lives and how the service behaves."""

    model_config = SettingsConfigDict(env_prefix="PREDICTU_", extra="ignore")

    home: Path | None = None
    """Data directory; defaults to the platform's user data directory."""

    database_url: str | None = None
    """SQLAlchemy URL; defaults to the SQLite file `predictu.db` in the data directory."""

    token_ttl_days: int = Field(default=30, ge=1, le=3650)
    """How long a newly issued God Mode session token stays valid."""

    callback_ca_bundle: Path | None = None
    """An extra PEM CA file trusted for callbacks (tests, private PKI)."""

    callback_allow_private: bool = False
    """Let callbacks reach loopback and private addresses: development and tests only."""

    rate_limits: bool = True
    """Enforce the spec's rate limits; `PREDICTU_RATE_LIMITS=0` turns them off (tests, load)."""

    rate_limit_storage: str = "memory://"
    """Where limits count: `memory://` per process, or `redis://host:6379` shared by processes."""

    trusted_proxies: str = ""
    """Addresses (comma-separated, `*` for any) whose `X-Forwarded-For`/`-Proto` are believed;
    none by default, so a client cannot choose the address its rate limits count against."""

    http_header_timeout: float = Field(default=10.0, gt=0, le=3600)
    """Seconds a client has to send a request's headers, from its first byte or connection."""

    http_body_timeout: float = Field(default=30.0, gt=0, le=3600)
    """Seconds a client has to send a request's whole body once its headers arrived."""

    api_threads: int = Field(default=8, ge=1, le=256)
    """Requests the API works on at once; more wait their turn, in order. A few threads keep
    a burst's latencies even: with dozens, every request in it shared the interpreter."""

    master_key: SecretStr | None = None
    """Base64 of 32 bytes sealing operator secrets; else `master.key` in the data directory."""

    @property
    def data_dir(self) -> Path:
        """The data directory, created private (0700) on first use."""
        path = self.home or Path(platformdirs.user_data_dir(APP_NAME))
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or a private SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        db_file = self.data_dir / "predictu.db"
        if not db_file.exists():
            # Created before SQLite opens it so it is never world-readable, not even briefly.
            os.close(os.open(db_file, os.O_CREAT | os.O_WRONLY, 0o600))
        return f"sqlite:///{db_file}"
