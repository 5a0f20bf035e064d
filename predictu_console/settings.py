"""One Settings object for every front end, read from `PREDICTU_*` environment variables.

Nothing here runs at import time: the CLI and the tests build a `Settings` and hand it
to `make_session_factory`, `create_app` and friends. `load_settings` is what a front end
calls: a malformed variable, an unsupported database URL or an unusable data directory is a
CONFIG_ERROR naming the variable or path, never pydantic's report.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from predictu_console.core.errors import ConfigError
from predictu_console.locations import DATABASE_FILE, default_data_dir

SUPPORTED_DATABASES = {
    "sqlite": "sqlite:///PATH",
    "postgresql": "postgresql+psycopg://USER@HOST/DB",
}
EXTRAS = {"postgresql": "postgres", "redis": "redis"}
"""The pip extra that installs each optional driver: SQLite and in-memory limits need none."""


def install_hint(what: str) -> str:
    """How to install the driver `what` (a key of EXTRAS) needs."""
    return f"install it with: pip install 'predictu-console[{EXTRAS[what]}]'"


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

    _data_dir: tuple[Path | None, Path] | None = PrivateAttr(default=None)

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, url: str | None) -> str | None:
        if url:
            check_database_url(url)
        return url

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage_driver_installed(cls, uri: str) -> str:
        if uri.startswith("redis") and importlib.util.find_spec("redis") is None:
            raise ValueError(
                "PREDICTU_RATE_LIMIT_STORAGE names Redis, whose driver is not installed; "
                + install_hint("redis")
            )
        return uri

    @property
    def data_dir(self) -> Path:
        """The data directory, created private (0700) and checked once.

        Raises ConfigError naming the path when it is not a directory we can write to.
        """
        if self._data_dir is None or self._data_dir[0] != self.home:
            path = self.home or default_data_dir()
            self._data_dir = (self.home, usable_directory(path))
        return self._data_dir[1]

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file `predictu.db` in the data directory.

        The engine creates the file (0600) on first use; see `db.session`.
        """
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / DATABASE_FILE}"


def load_settings(**overrides: Any) -> Settings:
    """The environment's settings with `overrides` (options given on the command line).

    Raises ConfigError with one sentence per malformed setting.
    """
    try:
        return Settings(**{name: value for name, value in overrides.items() if value is not None})
    except ValidationError as error:
        raise ConfigError("; ".join(_sentence(problem) for problem in error.errors())) from None


_EXPECTED = {
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be 1 or 0, true or false, yes or no, on or off",
    "float_parsing": "must be a number",
    "path_type": "must be a path",
}
_SECRET_FIELDS = {"master_key", "database_url"}


def _sentence(problem: Any) -> str:
    field = str(problem["loc"][0]) if problem["loc"] else "settings"
    variable = f"{Settings.model_config.get('env_prefix', '')}{field}".upper()
    context = problem.get("ctx", {})
    if "error" in context:  # our validators' own sentences
        return str(context["error"])
    if "ge" in context or "le" in context:
        expected = f"must be at least {context['ge']}" if "ge" in context else ""
        expected = expected or f"must be at most {context['le']}"
    else:
        expected = _EXPECTED.get(problem["type"], "is not a valid value")
    shown = "" if field in _SECRET_FIELDS else f" (it is {problem.get('input')!r})"
    return f"{variable} {expected}{shown}"


def check_database_url(url: str) -> None:
    """Refuse a URL that is not one of the supported databases with an installed driver.

    Raises ValueError with a sentence naming the URL (password hidden) and what to use instead.
    """
    supported = " or ".join(SUPPORTED_DATABASES.values())
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValueError(
            f"The database URL {url.split('@')[-1]!r} is not a URL; use {supported}"
        ) from None
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() not in SUPPORTED_DATABASES:
        raise ValueError(
            f"The database URL {shown} names {parsed.get_backend_name()!r}, which "
            f"predictu-console does not support; use {supported}"
        )
    try:
        parsed.get_dialect().import_dbapi()
    except (ImportError, ArgumentError):
        backend = parsed.get_backend_name()
        remedy = install_hint(backend) if backend in EXTRAS else f"use {supported}"
        raise ValueError(
            f"The database URL {shown} needs the driver {parsed.get_driver_name()!r}, which is "
            f"not installed; {remedy}"
        ) from None


def usable_directory(path: Path) -> Path:
    """`path`, created private (0700) if missing. Raises ConfigError unless we can write in it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        raise ConfigError(
            f"The data directory {path} is a file, not a directory; set PREDICTU_HOME to a "
            "directory"
        ) from None
    except NotADirectoryError:
        raise ConfigError(
            f"The data directory {path} cannot be created: part of that path is a file; set "
            "PREDICTU_HOME to a directory"
        ) from None
    except OSError as error:
        raise ConfigError(
            f"The data directory {path} cannot be created: {error.strerror or error}"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        raise ConfigError(
            f"The data directory {path} is not writable by this user; fix its permissions or "
            "set PREDICTU_HOME to another directory"
        )
    return path
