"""The pydantic models every front end speaks: request bodies in, the spec's JSON shapes out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import MISSING, BaseModel, ConfigDict, Field, StrictBool, field_validator

from predictu_console.core.fields import (
    CATEGORIES,
    CallbackStatus,
    Categories,
    Domain,
    Email,
    HexColor,
    Money,
    NullableHttpsUrl,
    OperatorName,
    Origins,
    PromoteDays,
    PromoteTrades,
    RevenueShare,
    SearchTerm,
    Share,
    Status,
    TierLimit,
    Timestamp,
)


@dataclass(frozen=True)
class OnboardingStep:
    """One step of the checklist: its id in the API, and its names for people."""

    id: str
    label: str
    short_label: str


STEPS = (
    OnboardingStep("create_record", "Create the operator record", "Record"),
    OnboardingStep("configure_revenue", "Confirm the revenue share", "Revenue"),
    OnboardingStep("generate_keys", "Generate API keys", "Keys"),
    OnboardingStep("set_callback", "Set the callback URL", "Callback"),
    OnboardingStep("test_ping", "Test the callback (PING)", "PING"),
    OnboardingStep("configure_branding", "Configure branding", "Branding"),
    OnboardingStep("whitelist_origins", "Whitelist iframe origins", "Origins"),
    OnboardingStep("activate", "Activate", "Activate"),
)
"""The eight steps in order: the one table every front end names them from."""
ONBOARDING_STEPS = tuple(step.id for step in STEPS)


def step_name(step_id: str) -> str:
    """`3 Generate API keys`: a step as the checklist numbers and names it."""
    number = ONBOARDING_STEPS.index(step_id)
    return f"{number + 1} {STEPS[number].label}"


class InputModel(BaseModel):
    """Base of request bodies: an unknown field is a typo to report, never to ignore.

    Optional fields default to `MISSING`, so "left out" (keep the value) and `null` (an error,
    or "clear" where a field allows it) stay distinct.
    """

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        # JSON's "\ud800" decodes to a lone surrogate that no database driver can store.
        # Nested objects are InputModels too and name their own fields.
        if _holds_lone_surrogate(value):
            raise ValueError("must not contain a lone surrogate such as \\ud800 (not valid text)")
        return value


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and _LONE_SURROGATE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_holds_lone_surrogate(item) for item in value)
    return False


class Branding(BaseModel):
    """The operator's theme inside the embed."""

    primary_color: str = "#1a7a3a"
    secondary_color: str = "#0d5a25"
    bg_primary: str = "#0a120a"
    bg_secondary: str = "#0f1a0f"
    logo_url: str | None = None
    icon_url: str | None = None


class BrandingPatch(InputModel):
    """A partial branding update, merged key by key into the stored branding."""

    primary_color: HexColor | MISSING = MISSING
    secondary_color: HexColor | MISSING = MISSING
    bg_primary: HexColor | MISSING = MISSING
    bg_secondary: HexColor | MISSING = MISSING
    logo_url: NullableHttpsUrl | MISSING = Field(default=MISSING, description="null clears it.")
    icon_url: NullableHttpsUrl | MISSING = Field(default=MISSING, description="null clears it.")


class OperatorConfig(BaseModel):
    """Per-operator trading configuration (spec data model `config`)."""

    new_tier_limit: int = 10
    regular_tier_limit: int = 100
    vip_tier_limit: int = 1000
    auto_promote_enabled: bool = True
    auto_promote_days: int = 7
    auto_promote_trades: int = 5
    daily_loss_limit_enabled: bool = False
    can_promote_vip: bool = False


class ConfigPatch(InputModel):
    """A partial config update, merged key by key; tier order is checked after merging."""

    new_tier_limit: TierLimit | MISSING = MISSING
    regular_tier_limit: TierLimit | MISSING = MISSING
    vip_tier_limit: TierLimit | MISSING = MISSING
    auto_promote_enabled: StrictBool | MISSING = MISSING
    auto_promote_days: PromoteDays | MISSING = MISSING
    auto_promote_trades: PromoteTrades | MISSING = MISSING
    daily_loss_limit_enabled: StrictBool | MISSING = MISSING
    can_promote_vip: StrictBool | MISSING = MISSING


class OperatorCreate(InputModel):
    """Body of `POST /operators` (spec §2)."""

    name: OperatorName = Field(examples=["LuckySpin Casino"])
    domain: Domain = Field(examples=["luckyspin.io"])
    contact_email: Email = Field(examples=["admin@luckyspin.io"])
    billing_email: Email | MISSING = Field(
        default=MISSING, description="Defaults to contact_email."
    )
    revenue_share_predictu: RevenueShare = Field(examples=[25])
    allowed_categories: Categories = Field(default_factory=lambda: list(CATEGORIES))
    config: ConfigPatch = Field(default_factory=ConfigPatch)


class OperatorUpdate(InputModel):
    """Body of `PATCH /operators/{id}` (spec §4): only the fields sent are changed."""

    name: OperatorName | MISSING = MISSING
    contact_email: Email | MISSING = MISSING
    billing_email: Email | MISSING = MISSING
    status: Status | MISSING = MISSING
    callback_url: NullableHttpsUrl | MISSING = Field(
        default=MISSING, description="HTTPS only; null clears it."
    )
    revenue_share_predictu: RevenueShare | MISSING = MISSING
    allowed_categories: Categories | MISSING = MISSING
    allowed_origins: Origins | MISSING = MISSING
    branding: BrandingPatch | MISSING = MISSING
    config: ConfigPatch | MISSING = MISSING


class ChecklistStep(BaseModel):
    """One onboarding checklist entry of the detail view."""

    complete: bool
    completed_at: Timestamp | None


class ApiKeyOut(BaseModel):
    """An API key pair as listed in the detail view; never carries the secret."""

    key_id: str
    label: str
    public_key: str
    status: Literal["active", "expiring", "expired"]
    created_at: Timestamp
    last_used_at: Timestamp | None
    expires_at: Timestamp | None = None


class InvoiceOut(BaseModel):
    """One closed month's revenue split."""

    invoice_id: str
    period: str
    gross_revenue: Money
    predictu_share: Money
    operator_share: Money
    status: Literal["pending", "paid", "overdue"]


class OperatorSummary(BaseModel):
    """One row of the operator list (spec §1), with onboarding and callback health added."""

    id: str
    name: str
    domain: str
    status: Status
    user_count: int
    active_user_count_24h: int
    total_volume: Money
    mtd_revenue: Money
    revenue_share_predictu: Share
    onboarding_step: int
    onboarding_complete: bool
    callback_status: CallbackStatus
    created_at: Timestamp


class OperatorOut(BaseModel):
    """The full operator object of the spec's data model."""

    id: str
    name: str
    domain: str
    status: Status
    contact_email: str
    billing_email: str
    callback_url: str | None
    callback_status: CallbackStatus
    callback_last_success: Timestamp | None
    callback_failure_count: int
    revenue_share_predictu: Share
    revenue_share_operator: Share
    allowed_categories: list[str]
    branding: Branding
    config: OperatorConfig
    onboarding_step: int
    onboarding_complete: bool
    allowed_origins: list[str]
    user_count: int
    active_user_count_24h: int
    total_volume: Money
    mtd_revenue: Money
    created_at: Timestamp
    updated_at: Timestamp
    version: int = Field(description="Bumped by every change; for optimistic concurrency.")


class OperatorDetail(OperatorOut):
    """`GET /operators/{id}` (spec §3): the operator plus keys, checklist and invoices."""

    api_keys: list[ApiKeyOut]
    onboarding_checklist: dict[str, ChecklistStep]
    recent_invoices: list[InvoiceOut]


class OperatorPage(BaseModel):
    """One page of `GET /operators`."""

    operators: list[OperatorSummary]
    total: int
    limit: int
    offset: int


class OperatorListQuery(BaseModel):
    """Query of `GET /operators` (spec §1); any other value of these parameters is an error."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["active", "inactive", "onboarding", "all"] = "all"
    search: SearchTerm | None = None
    sort: Literal["name", "created", "volume", "users"] = "created"
    order: Literal["asc", "desc"] = "desc"
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class FieldChange(BaseModel):
    """Before and after of one changed field."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    from_: Any = Field(alias="from")
    to: Any


class OperatorCreated(BaseModel):
    """Response of `POST /operators`."""

    success: Literal[True] = True
    operator: OperatorOut


class OperatorUpdated(BaseModel):
    """Response of `PATCH /operators/{id}`: the operator and exactly what changed."""

    success: Literal[True] = True
    operator: OperatorOut
    changes: dict[str, FieldChange]


class AdminOut(BaseModel):
    """A console or API user."""

    id: str
    email: str
    name: str
    role: Literal["god_mode", "operator_admin"]
    created_at: Timestamp


class Actor(BaseModel):
    """Who is making a change: the admin, and the OS account they work from when known."""

    model_config = ConfigDict(frozen=True)

    admin_id: str
    email: str
    role: Literal["god_mode", "operator_admin"]
    os_user: str | None = None
