"""Domain errors with stable codes; front ends map them, they never invent their own.

PredictuError                 any failure a caller should show, with a stable `code`
├── ValidationFailed          VALIDATION_ERROR: bad input; `fields` maps field → message
├── Unauthorized              UNAUTHORIZED: missing, unknown, revoked or expired session token,
│   │                         or an operator API request without a known secret key
│   └── KeyExpired            KEY_EXPIRED: the operator's secret key is past its grace period
├── Forbidden                 FORBIDDEN: the admin's role may not do this
├── ActionForbidden           a platform action the operator or player may not take (403)
│   ├── OperatorInactive      OPERATOR_INACTIVE: the operator is inactive
│   ├── OperatorOnboarding    OPERATOR_ONBOARDING: the operator is not yet active
│   ├── CategoryNotAllowed    CATEGORY_NOT_ALLOWED: the market is outside its categories
│   └── PlayerRestricted      PLAYER_RESTRICTED: the player may no longer trade
├── NotFound                  NOT_FOUND: no such operator or admin
│   └── NoActiveKey           NO_ACTIVE_KEY: the operator has no key that is valid now
├── StaleVersion              PRECONDITION_FAILED: the record moved past the expected version
├── Conflict                  the request clashes with the current state
│   ├── NameExists            NAME_EXISTS: another operator has this name (any case)
│   ├── DomainExists          DOMAIN_EXISTS: another operator has this domain
│   ├── AdminExists           ADMIN_EXISTS: an admin with this email exists
│   ├── OnboardingIncomplete  ONBOARDING_INCOMPLETE: activation with steps 1–7 open
│   ├── PingWithoutKey        NO_ACTIVE_KEY (409): a test callback with no key to sign it
│   ├── PlayerExists          PLAYER_EXISTS: the operator registered this player already
│   └── TradeRefused          a platform action refused by the state it would change
│       ├── MarketClosed          MARKET_CLOSED
│       └── InsufficientBalance   INSUFFICIENT_BALANCE
├── RateLimited               RATE_LIMITED: over an endpoint's limit (429, with Retry-After)
├── ConfigError               CONFIG_ERROR: a PREDICTU_* setting or the data directory is unusable
├── MasterKeyError            MASTER_KEY_ERROR: the master key is malformed, not private, or not
│                             the key the stored secrets were sealed under
├── SecretUnreadable          SECRET_UNREADABLE: a stored secret is damaged (not a sealed secret)
└── DatabaseError             DATABASE_ERROR: the database refused or failed an operation
    └── DatabaseUnavailable   DATABASE_UNAVAILABLE: the database cannot be used right now (its
                              file was deleted, replaced or made read-only; the server is down)

MasterKeyError names the variable or file at fault: that is for the CLI and the server log, the
API shows callers a neutral message instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class PredictuError(Exception):
    """Base of every domain error; `code` is part of the public contract."""

    code = "INTERNAL_ERROR"

    def __init__(
        self, message: str, *, fields: Mapping[str, str] | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields: dict[str, str] = dict(fields or {})
        self.detail = detail
        """A library's own words (the database driver's, say), kept out of `message`: the
        console shows them one key away, the CLI after the message, the server only logs them."""


class ValidationFailed(PredictuError):
    """Raised when input breaks a rule; `fields` says which field and why."""

    code = "VALIDATION_ERROR"


class Unauthorized(PredictuError):
    """Raised when a session token is missing, unknown or expired."""

    code = "UNAUTHORIZED"


class KeyExpired(Unauthorized):
    """Raised when an operator's secret key is used after its grace period ended."""

    code = "KEY_EXPIRED"


class Forbidden(PredictuError):
    """Raised when an authenticated admin lacks the role for an action."""

    code = "FORBIDDEN"


class ActionForbidden(PredictuError):
    """Raised when the operator's or player's standing forbids a platform action, whatever
    the request: unlike a conflict, retrying after other changes does not help."""

    code = "ACTION_FORBIDDEN"


class OperatorInactive(ActionForbidden):
    """Raised when a trade is placed through an operator that was deactivated."""

    code = "OPERATOR_INACTIVE"


class OperatorOnboarding(ActionForbidden):
    """Raised when a trade is placed through an operator still onboarding."""

    code = "OPERATOR_ONBOARDING"


class CategoryNotAllowed(ActionForbidden):
    """Raised when a trade targets a market outside the operator's allowed categories."""

    code = "CATEGORY_NOT_ALLOWED"


class PlayerRestricted(ActionForbidden):
    """Raised when a restricted player tries to trade."""

    code = "PLAYER_RESTRICTED"


class NotFound(PredictuError):
    """Raised when the named record does not exist."""

    code = "NOT_FOUND"


class NoActiveKey(NotFound):
    """Raised when an operator exists but has no key that is currently valid."""

    code = "NO_ACTIVE_KEY"


class StaleVersion(PredictuError):
    """Raised when an update expects a version the record has moved past."""

    code = "PRECONDITION_FAILED"

    def __init__(self, *, expected: int, current: int) -> None:
        self.expected, self.current = expected, current
        super().__init__(
            f"Changed by someone else since you opened it (version {expected}, now {current})"
        )


class Conflict(PredictuError):
    """Raised when a request is well-formed but clashes with the stored state."""

    code = "CONFLICT"


class NameExists(Conflict):
    """Raised when an operator name is taken, compared case-insensitively."""

    code = "NAME_EXISTS"


class DomainExists(Conflict):
    """Raised when an operator domain is taken."""

    code = "DOMAIN_EXISTS"


class AdminExists(Conflict):
    """Raised when an admin with the same email already exists."""

    code = "ADMIN_EXISTS"


class OnboardingIncomplete(Conflict):
    """Raised when activation is asked for while checklist steps 1–7 are open."""

    code = "ONBOARDING_INCOMPLETE"

    def __init__(self, remaining_steps: Sequence[str], names: Sequence[str]) -> None:
        """`remaining_steps` are the steps' ids, for programs; `names` say them to people,
        numbered as the checklist shows them (`3 Generate API keys`)."""
        self.remaining_steps = list(remaining_steps)
        super().__init__("Complete these onboarding steps before activating: " + "; ".join(names))


class TradeRefused(Conflict):
    """Raised when a platform action is refused by the state it would change."""

    code = "TRADE_REFUSED"


class MarketClosed(TradeRefused):
    """Raised when trading on, or resolving, a market that is already resolved."""

    code = "MARKET_CLOSED"


class InsufficientBalance(TradeRefused):
    """Raised when a trade or withdrawal exceeds the player's balance."""

    code = "INSUFFICIENT_BALANCE"


class PlayerExists(Conflict):
    """Raised when an operator registers the same external player id twice."""

    code = "PLAYER_EXISTS"


class PingWithoutKey(Conflict):
    """Raised when a test callback is asked of an operator with no active key to sign it."""

    code = "NO_ACTIVE_KEY"


class RateLimited(PredictuError):
    """Raised over an endpoint's rate limit; `headers` carry `Retry-After` and `RateLimit-*`."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, *, headers: dict[str, str]) -> None:
        super().__init__(message)
        self.headers = headers


class ConfigError(PredictuError):
    """Raised when a setting (environment variable or option) or the data directory is unusable."""

    code = "CONFIG_ERROR"


class MasterKeyError(PredictuError):
    """Raised when the master key is malformed, not private, or cannot open the stored secrets."""

    code = "MASTER_KEY_ERROR"


class SecretUnreadable(PredictuError):
    """Raised when a stored sealed secret is damaged: no master key could open it."""

    code = "SECRET_UNREADABLE"


class PlannerStopped(PredictuError):
    """Raised when the demo's planner process died before it handed over a batch (killed by
    the system, say): the batches already written are kept, and seeding again resumes."""

    code = "DEMO_PLANNER_STOPPED"


class DatabaseError(PredictuError):
    """Raised when the database refuses or fails an operation."""

    code = "DATABASE_ERROR"


class DatabaseUnavailable(DatabaseError):
    """Raised when the database cannot be used now: its file is gone, replaced or read-only."""

    code = "DATABASE_UNAVAILABLE"
